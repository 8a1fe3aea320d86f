from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from g287.audit.models import AuditEvent
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
