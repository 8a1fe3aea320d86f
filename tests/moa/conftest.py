"""The shipped MOAs (data/moa/), imported once per module on top of the registry built from ICE's sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

ARCHIVE = Path(settings.DATA_DIR) / "moa" / "archive"
REFERENCE = Path(settings.DATA_DIR) / "moa" / "reference"

# Every shipped document: the agreement it is (state, the agency as ICE lists it, model, ICE's signing date) and
# the template it is on (from its own date and model: 2025 documents on the 2025 templates, WSO before on the 2019
# WSO template, JEM before on the 2020 JEM template). Checked by hand against the archive's index and the PDFs.
# HamiltonCoIN_JEM_MOA_03.03.2025.pdf is shipped twice (archive and reference), the same bytes: one document.
EXPECTED = {
    "287gJEM_ClayCoFl2020-03-11.pdf": ("FL", "Clay County Sheriff's Office", "JEM", "2020-03-11", "2020"),
    "287gJEM_FL_DOC_FL_08-21-2020.pdf": ("FL", "Florida Department of Corrections", "JEM", "2020-08-21", "2020"),
    "287gJEM_LaPazCoAZ2020-03-12.pdf": ("AZ", "La Paz County Sheriff's Office", "JEM", "2020-03-12", "2020"),
    "287gJEM_PinalCoAz2020-06-09.pdf": ("AZ", "Pinal County Sheriff's Office", "JEM", "2020-06-09", "2020"),
    "287gJEM_RefugioCoTX_06-09-2020.pdf": ("TX", "Refugio County Sheriff’s Office", "JEM", "2020-06-09", "2020"),
    "287gJEM_YorkCoSc2020-06-09.pdf": ("SC", "York County Sheriff's Office", "JEM", "2020-06-09", "2020"),
    "287gWSO_BurnetCoTx2019-11-05.pdf": ("TX", "Burnet County Sheriff's Office", "WSO", "2019-11-05", "2019"),
    "287gWSO_CharlotteCoFl2019-05-06.pdf": ("FL", "Charlotte County Sheriff's Office", "WSO", "2019-05-06", "2019"),
    "287gWSO_DeptOfCorrectionsAK_07-24-2020.pdf": ("AK", "Alaska Department of Corrections", "WSO", "2020-07-24", "2019"),
    "287gWSO_DesotoCoFl2019-10-15.pdf": ("FL", "DeSoto County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_FinneyCoKs2020-03-17.pdf": ("KS", "Finney County Sheriff’s Office", "WSO", "2020-03-17", "2019"),
    "287gWSO_GallatinCoMT_01-22-2020.pdf": ("MT", "Gallatin County Sheriff's Office", "WSO", "2020-01-22", "2019"),
    "287gWSO_HamiltonCoFl2019-10-15.pdf": ("FL", "Hamilton County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_JeffersonCoFl2019-10-15.pdf": ("FL", "Jefferson County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_LafayetteCoFl2019-10-15.pdf": ("FL", "Lafayette County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_LeonCoFl2019-10-15.pdf": ("FL", "Leon County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_LevyCoFl2019-05-06.pdf": ("FL", "Levy County Sheriff's Office", "WSO", "2019-05-06", "2019"),
    "287gWSO_MonroeCoFl2019-10-15.pdf": ("FL", "Monroe County Sheriff's Office", "WSO", "2019-10-15", "2019"),
    "287gWSO_OconeeCoGa2019-12-31.pdf": ("GA", "Oconee County Sheriff's Office", "WSO", "2019-12-31", "2019"),
    "287gWSO_SheboyganCoWi2020-02-27.pdf": ("WI", "Sheboygan County Sheriff's Office", "WSO", "2020-02-27", "2019"),
    "CowleyCountySO_WSO_MOA_030425.pdf": ("KS", "Cowley County Sheriff's Office", "WSO", "2025-03-05", "2025"),
    "CravenCountyNC_WSO_MOA_031025.pdf": ("NC", "Craven County Sheriff's Office", "WSO", "2025-03-10", "2025"),
    "FLORIDA_AM_UNIVERSITY_BOARD_OF_TRUSTEES_FL_TFM_04.15.25.pdf": ("FL", "Florida A&M University Board of Trustees", "TFM", "2025-04-15", "2025"),
    "FranklinCoAL_TFM_MOA_031825.pdf": ("AL", "Franklin County Sheriff's Office", "TFM", "2025-03-25", "2025"),
    "GraysonCountyDCKY_JEM_MOA_030425.pdf": ("KY", "Grayson County Detention Center", "JEM", "2025-03-05", "2025"),
    "GreenCoveSpringsPoliceDeptFL_TFM_MOA_04.10.2025.pdf": ("FL", "Green Cove Springs Police Department", "TFM", "2025-04-10", "2025"),
    "HamiltonCoIN_JEM_MOA_03.03.2025.pdf": ("IN", "Hamilton County Sheriff's Office", "JEM", "2025-03-03", "2025"),
    "HamiltonCoSheriffsOfficeTX_TFM_MOA_04.10.2025.pdf": ("TX", "Hamilton County Sheriff's Office", "TFM", "2025-04-10", "2025"),
    "HamiltonCountySheriffTN_JEM_031325.pdf": ("TN", "Hamilton County Sheriff's Office", "JEM", "2025-03-17", "2025"),
    "HighSpringsPDFL_TFM_MOA_032025.pdf": ("FL", "High Springs Police Department", "TFM", "2025-03-25", "2025"),
    "ItascaCoMN_TFM_MOA_02.25.25.pdf": ("MN", "Itasca County Sheriff's Office", "TFM", "2025-02-27", "2025"),
    "JupiterInletColonyPolice_TFM_MOA_031025.pdf": ("FL", "Jupiter Inlet Colony Police Department", "TFM", "2025-03-10", "2025"),
    "JupiterIslandDPSFL_TFM_MOA_032625.pdf": ("FL", "Jupiter Island Department of Public Safety", "TFM", "2025-03-25", "2025"),
    "JupiterPDFL_TFM_MOA_032425.pdf": ("FL", "Jupiter Police Department", "TFM", "2025-03-26", "2025"),
    "LadyLakePoliceDeptFL_TFM_MOA_04.10.2025.pdf": ("FL", "Lady Lake Police Department", "TFM", "2025-04-10", "2025"),
    "LongwoodPoliceDeptFL_TFM_MOA_04142025.pdf": ("FL", "Longwood Police Department", "TFM", "2025-04-14", "2025"),
    "MelbournePoliceDeptFL_TFM_MOA_04142025.pdf": ("FL", "Melbourne Police Department", "TFM", "2025-04-14", "2025"),
    "NewCollegeFloridaPDFL_TFM_MOA_041525.pdf": ("FL", "New College of Florida Police Department", "TFM", "2025-04-15", "2025"),
    "PierceCoGA_WSO_MOA_02.26.25.pdf": ("GA", "Pierce County Sheriff's Office", "WSO", "2025-02-27", "2025"),
    "PuntaGordaPDFL_TFM_MOA_042425.pdf": ("FL", "Punta Gorda Police Department", "TFM", "2025-04-24", "2025"),
    "SanibelPDFL_TFM_MOA_032625.pdf": ("FL", "Sanibel Police Department", "TFM", "2025-04-02", "2025"),
    "SenecaCoSheriffsOfficeOH_WSO_MOA_02.28.2025.pdf": ("OH", "Seneca County Sheriff's Office", "WSO", "2025-02-28", "2025"),
    "SmithCoSheriffsOfficeTX_TFM_MOA_02.18.25.pdf": ("TX", "Smith County Sheriff’s Office", "TFM", "2025-02-18", "2025"),
    "SuttonCoTX_WSO_MOA_031025.pdf": ("TX", "Sutton County Sheriff's Office", "WSO", "2025-03-10", "2025"),
    "TroyNH_PoliceDept_TFM_MOA_03.17.2025.pdf": ("NH", "Troy Police Department", "TFM", "2025-03-17", "2025"),
    "UnionCoSheriffsOffice_WSO_MOA_02.20.25.pdf": ("FL", "Union County Sheriff's Office", "WSO", "2025-02-26", "2025"),
    "VADOC_JEM_MOA_022825.pdf": ("VA", "Virginia Department of Corrections", "JEM", "2025-02-28", "2025"),
    "brevardCo_TFM_MOA_03.04.2025.pdf": ("FL", "Brevard County Sheriff's Office", "TFM", "2025-02-24", "2025"),
    "daviePoliceDeptFL_TFM_MOA_03.05.25.pdf": ("FL", "Davie Police Department", "TFM", "2025-03-07", "2025"),
    "floridaFishWildlife_TFM_MOA_02.14.2025.pdf": ("FL", "Florida Fish & Wildlife Conservation Commission", "TFM", "2025-02-14", "2025"),
    "georgiaDeptPublicSafety_TFM_MOA_03.10.25.pdf": ("GA", "Georgia Department of Public Safety", "TFM", "2025-03-10", "2025"),
    "hardeeCoSheriffsOffice_WSO_MOA_02.26.2025.pdf": ("FL", "Hardee County Sheriff's Office", "WSO", "2025-02-26", "2025"),
    "monroeCoSheriffsOffice_TFM_MOA_02262025.pdf": ("FL", "Monroe County Sheriff's Office", "TFM", "2025-02-26", "2025"),
    "palmBeachPoliceDept_TFM_MOA_03072025.pdf": ("FL", "Palm Beach Police Department", "TFM", "2025-03-07", "2025"),
    "panamaCityBeachPolice_TFM_MOA_02.26.2025.pdf": ("FL", "Panama City Beach Police Department", "TFM", "2025-02-25", "2025"),
    "westMiamiPoliceDeptFL_TFM_MOA_03.20.25.pdf": ("FL", "West Miami Police Department", "TFM", "2025-03-26", "2025"),
}

# Documents with no text layer on most pages (OCR in the slow suite).
SCANNED = {
    "HighSpringsPDFL_TFM_MOA_032025.pdf", "JupiterInletColonyPolice_TFM_MOA_031025.pdf",
    "PuntaGordaPDFL_TFM_MOA_042425.pdf", "SanibelPDFL_TFM_MOA_032625.pdf", "westMiamiPoliceDeptFL_TFM_MOA_03.20.25.pdf",
    "CowleyCountySO_WSO_MOA_030425.pdf", "TroyNH_PoliceDept_TFM_MOA_03.17.2025.pdf",
    "SenecaCoSheriffsOfficeOH_WSO_MOA_02.28.2025.pdf", "SuttonCoTX_WSO_MOA_031025.pdf",
    "HamiltonCountySheriffTN_JEM_031325.pdf", "VADOC_JEM_MOA_022825.pdf", "CravenCountyNC_WSO_MOA_031025.pdf",
    "panamaCityBeachPolice_TFM_MOA_02.26.2025.pdf",  # one scanned page (9) among text pages
}


# ICE's lists carry the Florida Fish and Wildlife Conservation Commission as "Fish and Wildlife" (February to
# 14 July 2025) and, after a gap of four lists, as "Fish & Wildlife" (from 23 July 2025), both signed 2025-02-14: the
# lineage reads the two spellings as one agreement (names spelled alike), so its MOA attaches to it.


def import_shipped(ocr: str = "skip"):
    from g287.moa.services import import_documents
    from g287.registry import services as registry

    data = Path(settings.DATA_DIR)
    registry.import_ice_sheets([data / "ice-sheets", data / "ice-history"], progress=False)
    return import_documents([ARCHIVE, REFERENCE], ocr=ocr, progress=False)


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry and the shipped MOAs (scanned pages left for OCR, with an OCR cache of their own), kept for
    the module's tests and rolled back after them (each test runs in its own savepoint inside)."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield import_shipped()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
