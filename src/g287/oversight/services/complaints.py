"""Complaints: receiving one, telling ICE, investigating, resolving, reporting — each with its audit event,
and the deadlines of rules.md §6 as obligations."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from g287.audit.services import record
from g287.oversight.choices import AuditAction
from g287.registry import localtime
from g287.oversight import roles
from g287.oversight.models import About, Allegation, Complaint, ComplaintObligation, Outcome, Source, Stage
from g287.oversight.services.sanctions import propose_rescission
from g287.policy import clock

_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud over the phone


def _complaint_dict(c: Complaint) -> dict:
    return {"agency": c.agency_id, "officer": c.officer_id, "received": c.received_local, "resolved": c.resolved,
            "receipt": c.receipt, "source": c.source, "allegation": c.allegation, "about": c.about,
            "investigation_started": c.investigation_started, "outcome": c.outcome,
            "obligations": {o.code: [o.due_local, o.fulfilled_at] for o in c.obligations.all()}}


def new_receipt() -> str:
    while True:
        raw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
        receipt = f"C-{raw[:4]}-{raw[4:]}"
        if not Complaint.objects.filter(receipt=receipt).exists():
            return receipt


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"{field} must be one of {', '.join(choices.values)}; got {value!r}"})
    return value


@transaction.atomic
def receive_complaint(actor, agency, received: datetime, *, officer=None, summary: str = "",
                      synthetic: bool = False, source: str = Source.PHONE, allegation: str = Allegation.OTHER,
                      about: str | None = None, occurred_on: date | None = None, occurred_place: str = "",
                      contact: str = "", language: str = "") -> Complaint:
    """A complaint as received (local wall time or an aware instant), and the 48-weekday-hour notice to ICE.

    ``actor`` None is the public form or the system; a signed-in actor needs the complaint role for the agency.
    """
    roles.require(actor, roles.COMPLAINT, agency)
    if not isinstance(received, datetime):
        raise ValidationError({"received": f"received must be a date and time; got {received!r}"})
    if officer is not None and officer.agency_id != agency.pk:
        raise ValidationError({"officer": f"officer {officer.reference} is not an officer of {agency.name}"})
    about = about or (About.OFFICER if officer is not None else About.UNKNOWN)
    _choice(source, Source, "source")
    _choice(allegation, Allegation, "allegation")
    _choice(about, About, "about")
    if occurred_on is not None and (isinstance(occurred_on, datetime) or not isinstance(occurred_on, date)):
        raise ValidationError({"occurred_on": f"occurred_on must be a date; got {occurred_on!r}"})
    zone = localtime.zone_for(agency.state)
    local, instant = localtime.split(received, zone)
    if occurred_on is not None and occurred_on > local.date():
        raise ValidationError({"occurred_on": f"the day it happened ({occurred_on}) is after the day the complaint "
                                              f"was received ({local.date()})"})
    complaint = Complaint.objects.create(
        agency=agency, officer=officer, received=instant, received_local=localtime.iso_local(local),
        summary=summary.strip(), synthetic=synthetic, receipt=new_receipt(), source=source, allegation=allegation,
        about=about, occurred_on=occurred_on, occurred_place=occurred_place.strip(), contact=contact.strip(),
        language=language, recorded_by=actor if getattr(actor, "pk", None) else None)
    due = clock.notify_ice_due(local)
    ComplaintObligation.objects.create(complaint=complaint, code=ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT,
                                       due=localtime.split(due, zone)[1], due_local=localtime.iso_local(due))
    record(actor, AuditAction.RECEIVE_COMPLAINT, "oversight.complaint", complaint.pk, None, _complaint_dict(complaint))
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("agency").get(pk=complaint.pk)


def _instant(complaint: Complaint, at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if not isinstance(at, datetime):
        raise ValidationError({"at": f"at must be a date and time; got {at!r}"})
    return localtime.split(at, localtime.zone_for(complaint.agency.state))[1]


def _obligation(complaint: Complaint, code: str) -> ComplaintObligation | None:
    return ComplaintObligation.objects.select_for_update().filter(complaint=complaint, code=code).first()


@transaction.atomic
def notify_ice(actor, complaint: Complaint, at: datetime | None = None) -> Complaint:
    """ICE was told of the complaint (for non-designated personnel: the complaint was forwarded to ICE)."""
    complaint = _locked(complaint)
    roles.require(actor, roles.COMPLAINT, complaint.agency)
    ob = _obligation(complaint, ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT)
    if ob.fulfilled_at is not None:
        raise ValidationError({"at": f"ICE was already told of complaint {complaint.receipt} at {ob.fulfilled_at}"})
    instant = _instant(complaint, at)
    if instant < complaint.received:
        raise ValidationError({"at": "ICE cannot be told of a complaint before it was received"})
    before = _complaint_dict(complaint)
    ob.fulfilled_at = instant
    ob.save(update_fields=["fulfilled_at"])
    action = AuditAction.FORWARD_COMPLAINT if complaint.about == About.NON_DESIGNATED else AuditAction.NOTIFY_ICE
    record(actor, action, "oversight.complaint", complaint.pk, before, _complaint_dict(complaint))
    return complaint


@transaction.atomic
def start_investigation(actor, complaint: Complaint, started: date) -> Complaint:
    complaint = _locked(complaint)
    roles.require(actor, roles.COMPLAINT, complaint.agency)
    if isinstance(started, datetime) or not isinstance(started, date):
        raise ValidationError({"started": f"started must be a date; got {started!r}"})
    if complaint.resolved is not None:
        raise ValidationError({"started": f"complaint {complaint.receipt} was already resolved"})
    if complaint.investigation_started is not None:
        raise ValidationError({"started": f"the investigation started on {complaint.investigation_started}"})
    notice = _obligation(complaint, ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT)
    if notice.fulfilled_at is None:
        raise ValidationError({"started": "tell ICE of the complaint first (received → ICE notified → investigating)"})
    if started < date.fromisoformat(complaint.received_local[:10]):
        raise ValidationError({"started": "an investigation cannot start before the complaint was received"})
    before = _complaint_dict(complaint)
    complaint.investigation_started = started
    complaint.save(update_fields=["investigation_started"])
    record(actor, AuditAction.START_INVESTIGATION, "oversight.complaint", complaint.pk, before,
           _complaint_dict(complaint))
    return complaint


@transaction.atomic
def resolve_complaint(actor, complaint: Complaint, resolved: date, *, outcome: str = "",
                      note: str = "") -> Complaint:
    """The resolution date and outcome, and the report to ICE due no later than 30 days after it.

    A sustained racial-profiling complaint proposes rescission (``sanctions.propose_rescission``).
    """
    if isinstance(resolved, datetime) or not isinstance(resolved, date):
        raise ValidationError({"resolved": f"resolved must be a date; got {resolved!r}"})
    complaint = _locked(complaint)
    roles.require(actor, roles.COMPLAINT, complaint.agency)
    if complaint.resolved is not None:
        raise ValidationError({"resolved": f"complaint {complaint.pk} was already resolved on {complaint.resolved}"})
    if outcome:
        _choice(outcome, Outcome, "outcome")
    if resolved < date.fromisoformat(complaint.received_local[:10]):
        raise ValidationError({"resolved": f"resolution date {resolved} is before the complaint was received"})
    before = _complaint_dict(complaint)
    complaint.resolved, complaint.outcome, complaint.resolution_note = resolved, outcome, note.strip()
    complaint.save(update_fields=["resolved", "outcome", "resolution_note"])
    last_day = clock.resolution_report_due(resolved)
    zone = localtime.zone_for(complaint.agency.state)
    # Due within the whole last day: the instant is the start of the next local day.
    end = localtime.split(datetime.combine(last_day + timedelta(days=1), time()), zone)[1]
    ComplaintObligation.objects.create(complaint=complaint, code=ComplaintObligation.Code.REPORT_COMPLAINT_RESOLUTION,
                                       due=end, due_local=last_day.isoformat())
    record(actor, AuditAction.RESOLVE_COMPLAINT, "oversight.complaint", complaint.pk, before,
           _complaint_dict(complaint))
    if outcome == Outcome.SUSTAINED and complaint.allegation == Allegation.RACIAL_PROFILING:
        propose_rescission(actor, complaint)
    return complaint


@transaction.atomic
def report_resolution(actor, complaint: Complaint, at: datetime | None = None) -> Complaint:
    complaint = _locked(complaint)
    roles.require(actor, roles.COMPLAINT, complaint.agency)
    if complaint.resolved is None:
        raise ValidationError({"at": f"complaint {complaint.receipt} is not resolved yet; nothing to report"})
    ob = _obligation(complaint, ComplaintObligation.Code.REPORT_COMPLAINT_RESOLUTION)
    if ob.fulfilled_at is not None:
        raise ValidationError({"at": f"the resolution was already reported at {ob.fulfilled_at}"})
    instant = _instant(complaint, at)
    before = _complaint_dict(complaint)
    ob.fulfilled_at = instant
    ob.save(update_fields=["fulfilled_at"])
    record(actor, AuditAction.REPORT_RESOLUTION, "oversight.complaint", complaint.pk, before,
           _complaint_dict(complaint))
    return complaint


def stage(complaint: Complaint, as_of: datetime | None = None) -> str | None:
    """The workflow stage at a moment (now by default), derived from what was recorded and when."""
    as_of = as_of or timezone.now()
    if as_of.tzinfo is None:
        as_of = localtime.split(as_of, localtime.zone_for(complaint.agency.state))[1]
    day = as_of.astimezone(localtime.zone_for(complaint.agency.state)).date()
    done = {o.code: o.fulfilled_at for o in complaint.obligations.all()}
    if complaint.received > as_of:
        return None
    reported = done.get(ComplaintObligation.Code.REPORT_COMPLAINT_RESOLUTION)
    if reported is not None and reported <= as_of:
        return Stage.REPORTED
    if complaint.resolved is not None and complaint.resolved <= day:
        return Stage.RESOLVED
    if complaint.investigation_started is not None and complaint.investigation_started <= day:
        return Stage.INVESTIGATING
    notified = done.get(ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT)
    if notified is not None and notified <= as_of:
        return Stage.ICE_NOTIFIED
    return Stage.RECEIVED


def overdue_obligations(queryset, as_of: datetime | None = None):
    """Complaint obligations due before ``as_of`` and not fulfilled by then."""
    as_of = as_of or timezone.now()
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=dt_timezone.utc)
    return (ComplaintObligation.objects.filter(complaint__in=queryset, due__lt=as_of)
            .filter(Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=as_of))
            .select_related("complaint__agency").order_by("due", "id"))
