"""Lineage on hand-made publications: renewal, model switch, rename, declined candidates, any import order."""

from datetime import UTC, date, datetime

import pytest

from g287.registry import services
from g287.registry.models import (Agreement, AgreementEvent, Application, LineageCandidate, Observation,
                                  Publication)

from .sheets import PART_HEADER, PEND_HEADER, part_row, write_sheet

pytestmark = pytest.mark.django_db

JEM, WSO, TFM = "Jail Enforcement Model", "Warrant Service Officer", "Task Force Model"


def _publications(tmp_path):
    d = tmp_path
    files = []
    files.append(write_sheet(d / "sheets_20250601_150000", "participatingAgencies06012025am.xlsx", PART_HEADER, [
        part_row("TEXAS", "Kerr County Sheriff's Office", JEM, date(2020, 6, 1), county="Kerr County"),
        part_row("TEXAS", "Bexar County Sheriff's Office", WSO, date(2025, 3, 1)),
        part_row("FLORIDA", "City of Palm Bay Police Department", TFM, date(2025, 4, 1), type_="Municipality"),
        part_row("FLORIDA", "Town of Cocoa Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
        part_row("FLORIDA", "Cocoa Beach Police Department", TFM, date(2025, 4, 2), type_="Municipality"),
    ], links={(0, "MOA"): "https://www.ice.gov/doclib/287gMOA/kerr.pdf"}))
    files.append(write_sheet(d / "sheets_20250602_150000", "pendingAgencies06022025pm.xlsx", PEND_HEADER, [
        ["TEXAS", "Bexar County Sheriff's Office", "County", "", TFM],
        ["TEXAS", "Hays County Sheriff's Office", "County", "", JEM],
    ]))
    # Reordered columns, lower case, stray spaces, a blank row, an ADDENDUM column.
    header = ["signed", " Support Type ", "STATE", "law enforcement agency", "TYPE", "COUNTY", "MOA", "ADDENDUM"]
    files.append(write_sheet(d / "sheets_20250605_150000", "participatingAgencies06052025pm.xlsx", header, [
        [date(2025, 6, 3), JEM + " ", "TEXAS", "Kerr County Sheriff's Office  ", "County", "Kerr County", "link", "link"],
        [date(2025, 5, 1), TFM, "TEXAS ", "Bexar County Sheriff's Office", "County", "", "link pending ", ""],
        [date(2025, 4, 1), TFM, "FLORIDA", "Palm Bay Police Department", "Municipality", "", "link", ""],
        [date(2025, 4, 2), TFM, "FLORIDA", "Cocoa City Police Department", "Municipality", "", "link", ""],
        [date(2025, 4, 2), TFM, "FLORIDA", "Cocoa Beach City Police Department", "Municipality", "", "", ""],
    ], links={(0, "MOA"): "https://www.ice.gov/doclib/287gMOA/kerr-2025.pdf",
              (0, "ADDENDUM"): "https://www.ice.gov/doclib/287gMOA/kerr-addendum.pdf"}, blank_rows_after=(1,)))
    return files


def _snapshot():
    agreements = sorted(Agreement.objects.values_list("key", "agency__key", "model", "signed", "status",
                                                      "superseded_by__key", "first_listed__sha256",
                                                      "last_listed__sha256", "moa_link", "moa_url", "addendum"))
    events = sorted(AgreementEvent.objects.values_list("agreement__key", "kind", "date", "publication__sha256", "note"))
    cands = sorted(LineageCandidate.objects.values_list("kind", "merged", "old__key", "new__key", "reason"))
    apps = sorted(Application.objects.values_list("key", "status", "agreement__key", "closed_by__sha256"))
    return agreements, events, cands, apps


def test_renewal_switch_rename_and_declines(tmp_path):
    report = services.import_ice_sheets(_publications(tmp_path), progress=False)
    assert not report.errors, report.errors

    kerr_old = Agreement.objects.get(key="TX:kerr-county-sheriffs-office:JEM:2020-06-01")
    kerr_new = Agreement.objects.get(key="TX:kerr-county-sheriffs-office:JEM:2025-06-03")
    assert kerr_old.template_version == "2020" and kerr_new.template_version == "2025"
    assert kerr_old.moa_link == "linked" and kerr_old.moa_url.endswith("kerr.pdf")
    assert kerr_new.moa_url.endswith("kerr-2025.pdf") and kerr_new.addendum
    assert kerr_new.addendum_url.endswith("kerr-addendum.pdf")
    # A renewal: the old agreement is superseded, and says so as of the day the new one is listed.
    assert services.agreement_status(kerr_old) == "superseded"
    assert services.agreement_status(kerr_old, as_of=date(2025, 6, 1)) == "active"
    assert services.agreement_status(kerr_old, as_of=date(2025, 5, 31)) is None
    assert kerr_old.superseded_by == kerr_new
    assert kerr_new.events.filter(kind="renewal").exists()

    # A model switch: Bexar WSO → TFM; the pending TFM application is closed by it, Hays stays open.
    bexar_wso = Agreement.objects.get(agency__name="Bexar County Sheriff's Office", model="WSO")
    bexar_tfm = Agreement.objects.get(agency__name="Bexar County Sheriff's Office", model="TFM")
    assert services.agreement_status(bexar_wso) == "superseded" and bexar_wso.superseded_by == bexar_tfm
    assert bexar_tfm.events.filter(kind="model_switch").exists()
    bexar_app = Application.objects.get(agency__name="Bexar County Sheriff's Office")
    assert services.application_status(bexar_app) == "closed"
    assert services.application_status(bexar_app, as_of=date(2025, 6, 3)) == "open"
    assert services.application_status(Application.objects.get(agency__name__startswith="Hays")) == "open"

    # A rename: "City of Palm Bay PD" → "Palm Bay PD", one agreement keeping its key, the agency renamed.
    palm = Agreement.objects.get(key="FL:city-of-palm-bay-police-department:TFM:2025-04-01")
    assert palm.agency.name == "Palm Bay Police Department" and services.agreement_status(palm) == "active"
    assert palm.observations.count() == 2

    # Two rows leave and two similar rows arrive with the same state, model and date: not one reading,
    # so nothing is merged and the candidates are listed.
    declined = services.declined_candidates()
    assert declined.filter(old__key="FL:town-of-cocoa-police-department:TFM:2025-04-02").count() == 2
    town = Agreement.objects.get(key="FL:town-of-cocoa-police-department:TFM:2025-04-02")
    assert services.agreement_status(town) == "removed"
    assert any(e.kind == "declined_rename" for e in services.agreement_history(town))

    stats = services.registry_stats()
    assert stats["publications"] == 3
    assert stats["agreements"] == {"active": 5, "removed": 2, "superseded": 2}
    assert stats["applications"] == {"open": 1, "closed": 1}
    assert services.registry_stats(as_of=date(2025, 6, 2))["agreements"] == {"active": 5, "removed": 0,
                                                                              "superseded": 0}


def test_out_of_order_import_gives_the_same_lineage(tmp_path):
    files = _publications(tmp_path)
    services.import_ice_sheets(files, progress=False)
    in_order = _snapshot()
    for model in (AgreementEvent, LineageCandidate):
        model.objects.all().delete()
    Observation.objects.all().delete()
    Application.objects.all().delete()
    Agreement.objects.all().delete()
    Publication.objects.all().delete()

    services.import_ice_sheets([files[2]], progress=False)  # the newest first
    services.import_ice_sheets([files[1], files[0]], progress=False)
    assert _snapshot() == in_order
    before = _snapshot()
    services.import_ice_sheets(files, progress=False)  # and again: nothing changes
    assert _snapshot() == before


def _spelled_alike_lists(tmp_path):
    """Fish and Wildlife is listed, missing from one list, then back as "Fish & Wildlife"; Zephyrhills is listed
    twice on one list ("City of Zephyrhills PD" and "Zephyrhills PD"), then once."""
    fwc = ("FLORIDA", "Florida Fish and Wildlife Conservation Commission", TFM, date(2025, 2, 14))
    other = ("FLORIDA", "Lake County Sheriff's Office", TFM, date(2025, 2, 20))
    rows = [
        [part_row(*fwc), part_row(*other),
         part_row("FLORIDA", "City of Zephyrhills Police Department", TFM, date(2025, 3, 1)),
         part_row("FLORIDA", "Zephyrhills PD", TFM, date(2025, 3, 1))],
        [part_row(*other), part_row("FLORIDA", "Zephyrhills Police Department", TFM, date(2025, 3, 1))],
        [part_row("FLORIDA", "Florida Fish & Wildlife Conservation Commission", TFM, date(2025, 2, 14)),
         part_row(*other), part_row("FLORIDA", "Zephyrhills Police Department", TFM, date(2025, 3, 1))],
    ]
    names = ["participatingAgencies07142025am.xlsx", "participatingAgencies07162025am.xlsx",
             "participatingAgencies07232025pm.xlsx"]
    return [write_sheet(tmp_path / f"l{i}", name, PART_HEADER, r) for i, (name, r) in enumerate(zip(names, rows))]


def test_names_spelled_alike_are_one_agreement_after_a_gap_and_when_listed_twice(tmp_path):
    files = _spelled_alike_lists(tmp_path)
    services.import_ice_sheets(files, progress=False)
    assert Agreement.objects.count() == 3
    fwc = Agreement.objects.get(key="FL:florida-fish-and-wildlife-conservation-commission:TFM:2025-02-14")
    assert fwc.agency.name == "Florida Fish & Wildlife Conservation Commission"
    assert services.agreement_status(fwc) == "active" and fwc.observations.count() == 2
    kinds = [e.kind for e in services.agreement_history(fwc)]
    assert "removed" in kinds and "relisted" in kinds and "renamed" in kinds
    renamed = LineageCandidate.objects.get(old=fwc)
    assert renamed.merged and renamed.kind == "rename" and "spelled alike" in renamed.reason

    zeph = Agreement.objects.get(key="FL:city-of-zephyrhills-police-department:TFM:2025-03-01")
    assert services.agreement_status(zeph) == "active" and zeph.observations.count() == 4
    assert not zeph.events.filter(kind="removed").exists()
    twice = LineageCandidate.objects.get(old=zeph, kind="duplicate")
    assert twice.merged and "listed twice on one list" in twice.reason and "Zephyrhills PD" in twice.reason
    stats = services.registry_stats()
    assert stats["agreements"] == {"active": 3, "removed": 0, "superseded": 0}

    # The same lineage whatever the order the lists arrive in.
    in_order = _snapshot()
    for model in (AgreementEvent, LineageCandidate, Observation, Application, Agreement, Publication):
        model.objects.all().delete()
    services.import_ice_sheets([files[2]], progress=False)
    services.import_ice_sheets([files[0], files[1]], progress=False)
    assert _snapshot() == in_order


def test_a_split_keeps_names_spelled_alike_apart(tmp_path):
    from g287.registry.models import LineageDecision

    services.import_ice_sheets(_spelled_alike_lists(tmp_path), progress=False)
    twice = LineageCandidate.objects.get(kind="duplicate")
    fwc = LineageCandidate.objects.get(kind="rename", old_identity__contains="wildlife")
    for c in (twice, fwc):
        LineageDecision.objects.create(kind=c.kind, old_identity=c.old_identity, new_identity=c.new_identity,
                                       decision="split", reason="Two agencies.", at=datetime(2025, 8, 1, tzinfo=UTC))
    from g287.registry import lineage

    lineage.recompute()
    assert Agreement.objects.count() == 5
    kept = LineageCandidate.objects.filter(merged=False)
    assert {c.new_identity for c in kept} == {twice.new_identity, fwc.new_identity}
    assert all("split by the program office: Two agencies." in c.reason for c in kept)
    assert Agreement.objects.get(key=fwc.new_identity).events.filter(kind="listed").exists()
