"""Appropriations (seeded from the brief), who pays what, SCAAP, and the cost per agreement of a fiscal year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g287.audit.models import AuditEvent
from g287.program import services
from g287.program.models import AgencyCost, Appropriation, ITInstallation, ScaapReimbursement, TrainingClass
from g287.registry.models import AgreementEvent
from tests.personnel import factories
from tests.program import data

pytestmark = pytest.mark.django_db


def test_the_brief_s_appropriation_years_are_the_first_rows():
    rows = list(Appropriation.objects.order_by("fiscal_year"))
    assert rows[0].fiscal_year == 2006 and rows[-1].fiscal_year == 2020
    assert [r.fiscal_year for r in rows] == list(range(2006, 2021))
    assert all("CRS In Focus" in r.source for r in rows)
    assert "first fiscal year" in rows[0].note.lower()
    assert "decreased" in Appropriation.objects.get(fiscal_year=2014).note
    # The brief's text gives no amounts: none is invented.
    assert all(r.amount is None for r in rows)


@pytest.fixture
def agencies():
    miami, atlanta = data.field_offices()
    return {"alachua": data.alachua(miami), "baker": data.baker(miami), "gaston": data.gaston(atlanta),
            "miami": miami, "atlanta": atlanta}


def test_agreements_in_force_across_the_fiscal_year_boundary(agencies):
    a, b, g = agencies["alachua"], agencies["baker"], agencies["gaston"]
    sep30 = factories.agreement(a, "JEM", signed=date(2024, 9, 30))
    oct1 = factories.agreement(b, "WSO", signed=date(2024, 10, 1))
    ended = factories.agreement(g, "JEM", signed=date(2020, 1, 6))
    AgreementEvent.objects.create(agreement=ended, kind="termination", by="LEA", date=date(2024, 9, 30))
    relisted = factories.agreement(g, "WSO", signed=date(2021, 5, 1))
    AgreementEvent.objects.create(agreement=relisted, kind="removed", date=date(2024, 6, 1))
    AgreementEvent.objects.create(agreement=relisted, kind="relisted", date=date(2024, 7, 1))
    old = factories.agreement(a, "WSO", signed=date(2019, 8, 1))
    new = factories.agreement(a, "WSO", signed=date(2024, 6, 1), key="alachua-wso-2024")
    old.superseded_by = new
    old.save()

    def keys(fy):
        return sorted(ag.pk for ag in services.agreements_in_force(fy))

    assert keys(2024) == sorted([sep30.pk, ended.pk, relisted.pk, old.pk, new.pk])
    assert keys(2025) == sorted([sep30.pk, oct1.pk, relisted.pk, new.pk])
    assert [p["signed"] for p in (services.progress(2024), services.progress(2025))] == [2, 1]


def test_cost_per_agreement_and_the_split_per_agency(agencies):
    a, b, g = agencies["alachua"], agencies["baker"], agencies["gaston"]
    for ag, model in ((a, "JEM"), (a, "WSO"), (b, "WSO"), (g, "JEM")):
        factories.agreement(ag, model, signed=date(2023, 2, 1))
    po = data.program_office()
    approp = Appropriation(fiscal_year=2025, amount=Decimal("24000000"), source="DHS budget justification")
    services.save_entry(po, approp)
    services.save_entry(po, AgencyCost(agency=a, fiscal_year=2025, category="salaries", amount=Decimal("150000")))
    services.save_entry(po, AgencyCost(agency=a, fiscal_year=2025, category="overtime", amount=Decimal("30000")))
    services.save_entry(po, AgencyCost(agency=b, fiscal_year=2025, category="equipment", amount=Decimal("20000")))
    services.save_entry(po, AgencyCost(agency=a, fiscal_year=2025, category="training", amount=Decimal("12000")))
    services.save_entry(po, ScaapReimbursement(agency=a, fiscal_year=2025, amount=Decimal("88000")))
    cost = services.cost_per_agreement(2025)
    assert cost["agreements_in_force"] == 4
    assert cost["local_costs"] == Decimal("200000") and cost["federal_costs_entered"] == Decimal("12000")
    assert cost["federal_per_agreement"] == Decimal("6000000.00")
    assert cost["per_agreement"] == Decimal("6050000.00")  # (24,000,000 + 200,000) / 4
    assert cost["scaap"] == Decimal("88000")
    split = {r["agency"].key: r for r in services.agency_cost_split(2025, [a, b, g])}
    assert split["fl-alachua-so"]["local"] == Decimal("180000") and split["fl-alachua-so"]["federal"] == Decimal("12000")
    assert split["fl-alachua-so"]["per_agreement"] == Decimal("6090000.00")  # 6,000,000 + 180,000 / 2
    assert split["fl-baker-so"]["per_agreement"] == Decimal("6020000.00")
    assert "nc-gaston-pd" not in split  # nothing entered for it: counted on the page, not listed
    assert split["fl-alachua-so"]["scaap"] == Decimal("88000")
    # Before the appropriation is known there is no cost per agreement, rather than a wrong one.
    assert services.cost_per_agreement(2024)["per_agreement"] is None
    assert AgencyCost.objects.get(category="training").party == "federal"
    assert AuditEvent.objects.filter(action="program.save_agency_cost").count() == 4
    assert AuditEvent.objects.filter(action="program.save_appropriation", before__isnull=True).count() == 1


def test_entered_facts_are_checked_and_audited(agencies):
    po, a = data.program_office(), agencies["alachua"]
    with pytest.raises(ValidationError, match="seats taken"):
        services.save_entry(po, TrainingClass(model="JEM", start=date(2025, 7, 7), end=date(2025, 8, 1),
                                              location="Charleston, SC", seats=20, seats_taken=21))
    with pytest.raises(ValidationError, match="must not precede the request"):
        services.save_entry(po, ITInstallation(agency=a, requested=date(2025, 5, 1), installed=date(2025, 4, 1)))
    services.save_entry(po, ScaapReimbursement(agency=a, fiscal_year=2025, amount=Decimal("1")))
    with pytest.raises(ValidationError):
        services.save_entry(po, ScaapReimbursement(agency=a, fiscal_year=2025, amount=Decimal("2")))
    row = Appropriation.objects.get(fiscal_year=2006)
    row.amount = Decimal("5000000")
    services.save_entry(po, row)
    event = AuditEvent.objects.get(action="program.save_appropriation")
    assert event.before["amount"] is None and event.after["amount"] == "5000000.00"
    services.delete_entry(po, ScaapReimbursement.objects.get())
    assert AuditEvent.objects.filter(action="program.delete_scaap_reimbursement").count() == 1


def test_field_office_enters_capacity_of_its_own_area_only(agencies):
    fo = data.field_office_user(agencies["miami"])
    services.save_entry(fo, ITInstallation(agency=agencies["alachua"], requested=date(2025, 5, 1)))
    with pytest.raises(PermissionDenied):
        services.save_entry(fo, ITInstallation(agency=agencies["gaston"], requested=date(2025, 5, 1)))
    with pytest.raises(PermissionDenied):
        services.save_entry(fo, Appropriation(fiscal_year=2026, source="x"))
    from g287.program.models import SupervisorStaffing

    with pytest.raises(PermissionDenied):
        services.save_entry(fo, SupervisorStaffing(field_office=agencies["atlanta"], supervisors=3,
                                                   start=date(2025, 1, 1)))
