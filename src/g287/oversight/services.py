"""Complaints: receiving one and resolving it, each with the deadline it creates (rules.md §6)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from g287.audit.services import record
from g287.operations import localtime
from g287.oversight.models import Complaint, ComplaintObligation
from g287.policy import clock


def _complaint_dict(c: Complaint) -> dict:
    return {"agency": c.agency_id, "officer": c.officer_id, "received": c.received_local, "resolved": c.resolved,
            "obligations": {o.code: o.due_local for o in c.obligations.all()}}


@transaction.atomic
def receive_complaint(actor, agency, received: datetime, *, officer=None, summary: str = "",
                      synthetic: bool = False) -> Complaint:
    """A complaint as received (local wall time or an aware instant), and the 48-weekday-hour notice to ICE."""
    if not isinstance(received, datetime):
        raise ValidationError({"received": f"received must be a date and time; got {received!r}"})
    if officer is not None and officer.agency_id != agency.pk:
        raise ValidationError({"officer": f"officer {officer.reference} is not an officer of {agency.name}"})
    zone = localtime.zone_for(agency.state)
    local, instant = localtime.split(received, zone)
    complaint = Complaint.objects.create(agency=agency, officer=officer, received=instant,
                                         received_local=localtime.iso_local(local), summary=summary,
                                         synthetic=synthetic)
    due = clock.notify_ice_due(local)
    ComplaintObligation.objects.create(complaint=complaint, code=ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT,
                                       due=localtime.split(due, zone)[1], due_local=localtime.iso_local(due))
    record(actor, "oversight.receive_complaint", "oversight.complaint", complaint.pk, None, _complaint_dict(complaint))
    return complaint


@transaction.atomic
def resolve_complaint(actor, complaint: Complaint, resolved: date) -> Complaint:
    """The resolution date, and the report to ICE due no later than 30 days after it."""
    if isinstance(resolved, datetime) or not isinstance(resolved, date):
        raise ValidationError({"resolved": f"resolved must be a date; got {resolved!r}"})
    complaint = Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)
    if complaint.resolved is not None:
        raise ValidationError({"resolved": f"complaint {complaint.pk} was already resolved on {complaint.resolved}"})
    before = _complaint_dict(complaint)
    complaint.resolved = resolved
    complaint.save(update_fields=["resolved"])
    last_day = clock.resolution_report_due(resolved)
    zone = localtime.zone_for(complaint.agency.state)
    # Due within the whole last day: the instant is the start of the next local day.
    end = localtime.split(datetime.combine(last_day + timedelta(days=1), time()), zone)[1]
    ComplaintObligation.objects.create(complaint=complaint, code=ComplaintObligation.Code.REPORT_COMPLAINT_RESOLUTION,
                                       due=end, due_local=last_day.isoformat())
    record(actor, "oversight.resolve_complaint", "oversight.complaint", complaint.pk, before,
           _complaint_dict(complaint))
    return complaint
