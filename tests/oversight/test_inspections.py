from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g287.accounts.models import Role
from g287.accounts.scoping import scope
from g287.oversight.models import CorrectiveAction, Finding, Inspection
from g287.oversight.schedule import add_months, due_and_overdue, schedule
from g287.oversight.services import inspections as ins
from g287.personnel import services as ps
from tests.oversight.helpers import assigned, user
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def _by_kind(items, agency):
    return {(i.kind, getattr(i.agreement, "pk", None)): i for i in items if i.agency == agency}


def test_add_months_clamps_the_day():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 2, 28), 24) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)


def test_schedule_from_signing_and_operational_dates_then_from_the_last_one_held():
    ag = f.agency()
    m = f.agreement(ag, signed=date(2023, 3, 3), template="2020")
    f.officer(ag, authorize=m, completed=date(2023, 4, 1), granted=date(2023, 5, 10))
    items = _by_kind(schedule(date(2024, 1, 1)), ag)
    assert items[("inspection", None)].due == date(2025, 3, 3)  # two years after signing
    assert items[("annual_meeting", None)].due == date(2024, 5, 10)  # a year after the first authorization
    assert items[("first_review", m.pk)].due == date(2024, 5, 10)
    # Boundaries: due on the day is due, not overdue; the day after it is overdue.
    overdue, due = due_and_overdue(date(2024, 5, 10))
    assert {(i.kind, i.agency) for i in due} >= {("first_review", ag), ("annual_meeting", ag)}
    assert not [i for i in overdue if i.agency == ag]
    overdue, _ = due_and_overdue(date(2024, 5, 11))
    assert {i.kind for i in overdue if i.agency == ag} == {"first_review", "annual_meeting"}
    # Held: the first review also counts as that year's meeting, and the inspection cycle restarts.
    ins.record_inspection(None, ag, "first_review", date(2024, 5, 1), agreement=m)
    ins.record_inspection(None, ag, "inspection", date(2024, 6, 1))
    items = _by_kind(schedule(date(2024, 7, 1)), ag)
    assert ("first_review", m.pk) not in items
    assert items[("annual_meeting", None)].due == date(2025, 5, 1)
    assert items[("inspection", None)].due == date(2026, 6, 1)
    # Configurable per model: a 12-month cycle.
    ins.set_inspection_cycle(None, "JEM", 12)
    assert _by_kind(schedule(date(2024, 7, 1)), ag)[("inspection", None)].due == date(2025, 6, 1)


def test_without_officers_the_signing_date_is_the_operational_date_and_ended_agreements_drop_out():
    ag = f.agency("wso", state="TX")
    m = f.agreement(ag, model="WSO", template="2025", signed=date(2025, 2, 1))
    items = _by_kind(schedule(date(2025, 3, 1)), ag)
    assert items[("first_review", m.pk)].due == date(2026, 2, 1)
    assert "no officer authorized" in items[("first_review", m.pk)].basis
    assert items[("inspection", None)].due == date(2027, 2, 1)  # WSO gets the same cycle
    ps.record_agreement_notice(None, m, kind="termination", by="LEA", notice=date(2025, 6, 1))
    assert _by_kind(schedule(date(2025, 12, 1)), ag) == {}
    assert not _by_kind(schedule(date(2025, 1, 1)), ag)  # not signed yet


def test_findings_and_corrective_actions_with_closure():
    ag = f.agency()
    f.agreement(ag)
    inspector = assigned("insp", Role.INSPECTOR, ag)
    coordinator = user("coord", Role.LEA_COORDINATOR, agency=ag)
    inspection = ins.record_inspection(inspector, ag, "inspection", date(2025, 5, 1), summary="Records reviewed")
    with pytest.raises(PermissionDenied):
        ins.add_finding(coordinator, inspection, severity="major", clause="Art. IX", description="x")
    with pytest.raises(ValidationError, match="severity"):
        ins.add_finding(inspector, inspection, severity="huge", clause="Art. IX", description="x")
    with pytest.raises(ValidationError, match="MOA clause"):
        ins.add_finding(inspector, inspection, severity="major", clause=" ", description="x")
    finding = ins.add_finding(inspector, inspection, severity="major", clause="Article IX (complaints)",
                              description="Two complaints were not reported to ICE within 48 hours.")
    ca = ins.add_corrective_action(coordinator, finding, description="Train intake staff", due=date(2025, 7, 1))
    qs = CorrectiveAction.objects.all()
    assert list(ins.overdue_corrective_actions(qs, date(2025, 7, 1))) == []
    assert list(ins.overdue_corrective_actions(qs, date(2025, 7, 2))) == [ca]
    ins.close_corrective_action(coordinator, ca, date(2025, 7, 5), "Training held 5 July")
    assert list(ins.overdue_corrective_actions(qs, date(2025, 7, 6))) == []
    assert list(ins.overdue_corrective_actions(qs, date(2025, 7, 3))) == [ca]  # as of a day before closure
    with pytest.raises(ValidationError, match="already closed"):
        ins.close_corrective_action(coordinator, ca, date(2025, 7, 6))


def test_an_inspector_of_agency_a_cannot_see_or_write_agency_b_findings():
    a, b = f.agency("a-so"), f.agency("b-so")
    f.agreement(a), f.agreement(b)
    insp_a = assigned("insp-a", Role.INSPECTOR, a)
    fb = ins.add_finding(None, ins.record_inspection(None, b, "inspection", date(2025, 5, 1)), severity="minor",
                         clause="Art. V", description="b's finding")
    fa = ins.add_finding(insp_a, ins.record_inspection(insp_a, a, "inspection", date(2025, 5, 1)), severity="minor",
                         clause="Art. V", description="a's finding")
    assert list(scope(Finding.objects.all(), insp_a, "inspection__agency")) == [fa]
    with pytest.raises(PermissionDenied):
        ins.record_inspection(insp_a, b, "inspection", date(2025, 5, 2))
    with pytest.raises(PermissionDenied):
        ins.add_finding(insp_a, fb.inspection, severity="minor", clause="Art. V", description="x")
    with pytest.raises(ValidationError, match="choose it"):
        ins.record_inspection(None, a, Inspection.Kind.FIRST_REVIEW, date(2025, 5, 2))
