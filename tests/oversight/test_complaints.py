from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from g287.audit.models import AuditEvent
from g287.oversight.models import Complaint
from g287.oversight.services import receive_complaint, resolve_complaint
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_complaint_clocks_skip_the_weekend_and_run_thirty_days_after_resolution():
    ag = f.agency(state="IN")
    c = receive_complaint(None, ag, datetime(2025, 6, 6, 15, 0))  # a Friday afternoon
    assert {o.code: o.due_local for o in c.obligations.all()} == {"NOTIFY_ICE_OF_COMPLAINT": "2025-06-10T15:00:00"}
    resolve_complaint(None, c, date(2025, 7, 1))
    dues = {o.code: o.due_local for o in c.obligations.all()}
    assert dues["REPORT_COMPLAINT_RESOLUTION"] == "2025-07-31"
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == ["oversight.receive_complaint",
                                                                       "oversight.resolve_complaint"]
    with pytest.raises(ValidationError, match="already resolved"):
        resolve_complaint(None, c, date(2025, 7, 2))


def test_saturday_complaint_is_due_wednesday_midnight():
    ag = f.agency()
    c = receive_complaint(None, ag, datetime(2025, 6, 7, 10, 0))
    assert c.obligations.get().due_local == "2025-06-11T00:00:00"


def test_officer_must_belong_to_the_agency():
    ag, other = f.agency(), f.agency("other-pd")
    o = f.officer(other)
    with pytest.raises(ValidationError, match="not an officer"):
        receive_complaint(None, ag, datetime(2025, 6, 7, 10, 0), officer=o)


def test_workflow_received_to_reported_each_step_audited():
    from g287.oversight.models import Stage
    from g287.oversight import services as s

    ag = f.agency(state="IN")
    c = receive_complaint(None, ag, datetime(2025, 6, 6, 15, 0), allegation="conduct", source="mail")
    assert c.receipt.startswith("C-") and len(c.receipt) == 11
    assert s.stage(c, datetime(2025, 6, 6, 16, 0)) == Stage.RECEIVED
    with pytest.raises(ValidationError, match="tell ICE of the complaint first"):
        s.start_investigation(None, c, date(2025, 6, 9))
    # Overdue as of Tuesday 15:00 local exactly? Due at that instant: not yet overdue; a minute later it is.
    due = c.obligations.get().due
    assert not s.overdue_obligations(Complaint.objects.all(), due).exists()
    assert s.overdue_obligations(Complaint.objects.all(), due + timedelta(minutes=1)).count() == 1
    s.notify_ice(None, c, datetime(2025, 6, 9, 10, 0))
    assert not s.overdue_obligations(Complaint.objects.all(), due + timedelta(minutes=1)).exists()
    with pytest.raises(ValidationError, match="already told"):
        s.notify_ice(None, c, datetime(2025, 6, 9, 11, 0))
    c = s.start_investigation(None, c, date(2025, 6, 10))
    with pytest.raises(ValidationError, match="not resolved yet"):
        s.report_resolution(None, c)
    with pytest.raises(ValidationError, match="outcome must be one of"):
        resolve_complaint(None, c, date(2025, 7, 1), outcome="guilty")
    c = resolve_complaint(None, c, date(2025, 7, 1), outcome="not_sustained")
    assert s.stage(c, datetime(2025, 7, 2, 9, 0)) == Stage.RESOLVED
    s.report_resolution(None, c, datetime(2025, 7, 20, 9, 0))
    c.refresh_from_db()
    assert s.stage(c, datetime(2025, 7, 21)) == Stage.REPORTED
    assert s.stage(c, datetime(2025, 6, 11)) == Stage.INVESTIGATING
    assert s.stage(c, datetime(2025, 6, 9, 12, 0)) == Stage.ICE_NOTIFIED
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "oversight.receive_complaint", "oversight.notify_ice", "oversight.start_investigation",
        "oversight.resolve_complaint", "oversight.report_resolution"]


def test_non_designated_personnel_complaint_is_forwarded_in_the_same_48_hours():
    from g287.oversight import services as s

    ag = f.agency(state="IN")
    c = receive_complaint(None, ag, datetime(2025, 6, 6, 15, 0), about="non_designated")
    assert c.obligations.get().due_local == "2025-06-10T15:00:00"
    s.notify_ice(None, c, datetime(2025, 6, 10, 14, 59))
    assert AuditEvent.objects.filter(action="oversight.forward_complaint").count() == 1


def test_staff_intake_needs_the_role_and_the_agency():
    from django.core.exceptions import PermissionDenied

    from g287.accounts.models import Role
    from tests.oversight.helpers import assigned, user

    ag, other = f.agency(), f.agency("other-pd")
    coordinator = user("coord", Role.LEA_COORDINATOR, agency=ag)
    receive_complaint(coordinator, ag, datetime(2025, 6, 2, 9, 0), source="phone")
    with pytest.raises(PermissionDenied):
        receive_complaint(coordinator, other, datetime(2025, 6, 2, 9, 0))
    with pytest.raises(PermissionDenied):
        receive_complaint(assigned("insp", Role.INSPECTOR, ag), ag, datetime(2025, 6, 2, 9, 0))
    with pytest.raises(PermissionDenied):
        receive_complaint(user("dio", Role.OFFICER, agency=ag), ag, datetime(2025, 6, 2, 9, 0))
