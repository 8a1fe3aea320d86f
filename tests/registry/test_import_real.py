"""The registry built from every shipped ICE sheet."""

from collections import Counter

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from g287.audit.models import AuditEvent
from g287.registry import services
from g287.registry.lineage import ordered_publications
from g287.registry.models import (Agency, Agreement, AgreementEvent, Application, LineageCandidate, Observation,
                                  Publication)

from .sheets import REAL_SHEETS, real_sheets

pytestmark = pytest.mark.django_db


def _distinct_rows(path) -> int:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return len({tuple(" ".join(str(c).split()).upper() for c in r) for r in rows[1:] if any(str(c).strip() for c in r)})


def _counts():
    return {m.__name__: (m.objects.count(), m.objects.order_by("-id").values_list("id", flat=True).first())
            for m in (Publication, Observation, Agency, Agreement, AgreementEvent, Application, LineageCandidate,
                      AuditEvent)}


def test_every_shipped_sheet(tmp_path):
    files = real_sheets()
    assert len(files) == 64
    report = services.import_ice_sheets([REAL_SHEETS], progress=False)
    assert not report.errors and len(report.imported) == 64

    # Active agreements match the newest participating sheet's distinct rows within 1 %.
    newest = [p for p in ordered_publications() if p.kind == "participating"][-1]
    assert newest.file_name == "participatingAgencies07182025pm.xlsx"
    newest_path = next(f for f in files if f.name == newest.file_name)
    distinct = _distinct_rows(newest_path)
    stats = services.registry_stats()
    assert stats["publications"] == 64
    assert abs(stats["agreements"]["active"] - distinct) <= 0.01 * distinct
    assert stats["applications"]["open"] + stats["applications"]["closed"] == Application.objects.count()
    assert Publication.objects.filter(file_name="participatingAgencies07032025pm.xlsx").count() == 2

    # One audit event per publication, with its counts.
    audits = AuditEvent.objects.filter(action="registry.import_publication")
    assert audits.count() == 64
    assert {a.after["sha256"] for a in audits} == set(Publication.objects.values_list("sha256", flat=True))

    # A rename: "City of Melbourne Police Department" became "Melbourne Police Department"; one agreement.
    mel = Agreement.objects.get(agency__state="FL", agency__name="Melbourne Police Department", model="TFM")
    assert mel.key == "FL:city-of-melbourne-police-department:TFM:2025-04-14"
    assert services.agreement_status(mel) == "active"
    renamed = [e for e in services.agreement_history(mel) if e.kind == "renamed"]
    assert len(renamed) == 1 and "City of Melbourne Police Department" in renamed[0].note
    assert mel.observations.values("name").distinct().count() == 2

    # A re-dated row: Hillsborough County (NH) TFM 2025-05-16 → 2025-05-22 is one agreement.
    hil = Agreement.objects.get(agency__state="NH", agency__name__startswith="Hillsborough", model="TFM")
    assert str(hil.signed) == "2025-05-22"
    assert any("re-dated" in e.note for e in services.agreement_history(hil))

    # A removal: Butler County (PA) WSO left the list on 2025-06-06.
    butler = Agreement.objects.get(agency__state="PA", agency__name__startswith="Butler County", model="WSO")
    assert services.agreement_status(butler) == "removed"
    assert services.agreement_status(butler, as_of=butler.last_listed.published) == "active"
    removed = [e for e in services.agreement_history(butler) if e.kind == "removed"]
    assert removed and str(removed[0].date) == "2025-06-06"

    # A declined rename stays two agreements, and both histories say why.
    okaloosa = Agreement.objects.get(agency__state="FL", agency__name="Okaloosa County Sheriff's Office", model="WSO")
    assert services.agreement_status(okaloosa) == "removed"
    declined = [e for e in services.agreement_history(okaloosa) if e.kind == "declined_rename"]
    assert declined and "Okaloosa County Department of Corrections" in declined[0].note
    assert services.declined_candidates().filter(old=okaloosa).exists()

    # A duplicate listing: "City of Zephyrhills Police Department" and "Zephyrhills Police Department" on one list
    # are one agreement (names spelled alike), with the reason on its lineage.
    zeph = Agreement.objects.get(key="FL:city-of-zephyrhills-police-department:TFM:2025-04-14")
    assert services.agreement_status(zeph) == "active" and not zeph.events.filter(kind="removed").exists()
    assert "listed twice on one list" in zeph.lineage_as_old.get(kind="duplicate").reason

    # Template inference, MOA links, field offices.
    aransas = Agreement.objects.get(agency__name="Aransas County Sheriff's Office", model="JEM")
    assert (aransas.template_version, aransas.template_inferred) == ("2020", True)
    assert "2020 JEM template" in aransas.template_reason
    assert Counter(Agreement.objects.values_list("template_version", flat=True))["2019"] > 0
    assert Agreement.objects.filter(moa_link="linked", moa_url__startswith="https://www.ice.gov/").count() > 400
    assert Agreement.objects.filter(moa_link="named", moa_url="").exists()
    assert Agreement.objects.filter(addendum=True, addendum_url__startswith="https://").exists()
    assert Agency.objects.filter(state="FL").exclude(field_office__code="miami").count() == 0
    # Texas is split by county between field offices: Angelina County's sheriff is in Houston's area.
    angelina = Agency.objects.get(state="TX", name="Angelina County Sheriff's Office")
    assert angelina.field_office.name == "Houston Field Office"

    # Text-typed dates and misspelled states are repaired and noted on the row.
    assert Observation.objects.filter(note__contains="SIGNED '05/082025' (a slash missing) read as 2025-05-08").exists()
    assert Observation.objects.filter(note__contains="'UTAHJ' read as Utah", state="UT").exists()

    # As of an earlier day only the publications up to it count.
    early = services.registry_stats(as_of=__import__("datetime").date(2025, 5, 20))
    assert early["publications"] < 64 and early["agreements"]["active"] < stats["agreements"]["active"]

    # Importing everything again changes nothing and adds no rows.
    before = _counts()
    again = services.import_ice_sheets([REAL_SHEETS], progress=False)
    assert len(again.unchanged) == 64 and not again.imported
    assert _counts() == before
    assert services.registry_stats() == stats

    # The stats command prints the same figures.
    import io, json
    out = io.StringIO()
    call_command("registry", "stats", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["agreements"] == stats["agreements"] and printed["applications"] == stats["applications"]
