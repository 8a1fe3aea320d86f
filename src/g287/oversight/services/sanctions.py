"""Sanctions: suspending or revoking an officer's authorization, suspending or terminating an agreement,
and proposals (a sustained racial-profiling complaint, a lapsed JEM refresher) awaiting a decision.

Officers: a revocation ends every authorization in force through ``personnel.revoke_authorization``; a
suspension does the same and, when lifted, grants the same agreements again from the lifting day (the
engine knows only authorizations, so a suspended officer is simply not authorized meanwhile). Revoking
or suspending the last authorized officer of an agreement is refused by the personnel service unless the
agreement's own suspension notice is recorded first (rules.md §7).

Agreements: the notice goes through ``personnel.record_agreement_notice``; the day it takes effect is
the template's rule (``policy.rules.RuleSet.effective``), shown and kept with the sanction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from g287.audit.services import record
from g287.oversight.choices import AuditAction
from g287.oversight import roles
from g287.oversight.models import About, Complaint, Sanction
from g287.oversight.schedule import agreements_in_force, effective_date
from g287.personnel import services as ps
from g287.personnel.models import Authorization, Officer
from g287.personnel.status import officer_status
from g287.registry.choices import AgreementModel, Party
from g287.registry.models import AgreementEvent

OFFICER_KINDS = (Sanction.Kind.SUSPEND_OFFICER, Sanction.Kind.REVOKE_OFFICER)
AGREEMENT_KINDS = (Sanction.Kind.SUSPEND_AGREEMENT, Sanction.Kind.TERMINATE_AGREEMENT)


def _dict(s: Sanction) -> dict:
    return {"kind": s.kind, "reason": s.reason, "status": s.status, "agency": s.agency_id, "officer": s.officer_id,
            "agreement": s.agreement_id, "complaint": s.complaint_id, "start": s.start, "effective": s.effective,
            "length_days": s.length_days, "lifted": s.lifted, "notice": s.notice_id,
            "authorizations": s.authorizations, "regranted": s.regranted, "decision_reason": s.decision_reason,
            "details": s.details, "lapsed": s.lapsed}


def _day(value, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError({field: f"{field} must be a date; got {value!r}"})
    return value


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def in_force(officer: Officer, day: date):
    return (Authorization.objects.filter(officer=officer, granted__lte=day)
            .filter(Q(revoked__isnull=True) | Q(revoked__gt=day)).select_related("agreement").order_by("id"))


def notice_effect(agreement, kind: str, notice: date, *, by: str = Party.ICE, exigent: bool = False) -> date:
    """The day a suspension or termination notice given on ``notice`` takes effect under the agreement's template."""
    return effective_date(agreement, AgreementEvent(agreement=agreement, kind=kind, date=notice, by=by,
                                                    exigent=exigent))


# --- carrying a sanction out -------------------------------------------------------------------------

def _end_officer_authority(actor, s: Sanction, start: date) -> None:
    auths = list(in_force(s.officer, start))
    if not auths:
        raise ValidationError({"officer": f"officer {s.officer.reference} holds no authorization in force on {start}"})
    label = "suspended" if s.kind == Sanction.Kind.SUSPEND_OFFICER else "revoked"
    text = f"{label}: {s.get_reason_display()}" + (f" — {s.details}" if s.details else "")
    for a in auths:
        # The personnel service refuses to leave an agreement without any authorized officer.
        ps.revoke_authorization(actor, a, start, text)
    s.start, s.authorizations = start, [a.pk for a in auths]


def _notify_agreement(actor, s: Sanction, notice: date, *, exigent: bool, length_days: int | None) -> None:
    kind = (AgreementEvent.Kind.SUSPENSION if s.kind == Sanction.Kind.SUSPEND_AGREEMENT
            else AgreementEvent.Kind.TERMINATION)
    # A suspension notice states its reasons, its length and how the agency can respond (rules.md §7).
    note = f"Reason: {s.get_reason_display()}." + (f" {s.details}" if s.details else "")
    if kind == AgreementEvent.Kind.SUSPENSION:
        note += f" Length: {f'{length_days} days' if length_days else 'until lifted'}."
        note += " The agency may respond in writing to the field office before the suspension takes effect."
    event = ps.record_agreement_notice(actor, s.agreement, kind=kind, by=Party.ICE, notice=notice, exigent=exigent,
                                       note=note)
    s.start, s.notice, s.length_days = notice, event, length_days
    s.effective = effective_date(s.agreement, event)


def _carry_out(actor, s: Sanction, start: date, *, exigent: bool = False, length_days: int | None = None) -> None:
    _day(start, "start")
    if s.kind in OFFICER_KINDS:
        _end_officer_authority(actor, s, start)
    else:
        _notify_agreement(actor, s, start, exigent=exigent, length_days=length_days)


def _new(kind, reason, *, agency, officer=None, agreement=None, complaint=None, details="", status, actor,
         lapsed=None) -> Sanction:
    if kind not in Sanction.Kind.values:
        raise ValidationError({"kind": f"kind must be one of {', '.join(Sanction.Kind.values)}; got {kind!r}"})
    if reason not in Sanction.Reason.values:
        raise ValidationError({"reason": f"reason must be one of {', '.join(Sanction.Reason.values)}; got {reason!r}"})
    if kind in OFFICER_KINDS and officer is None:
        raise ValidationError({"officer": "choose the officer"})
    if kind in AGREEMENT_KINDS and agreement is None:
        raise ValidationError({"agreement": "choose the agreement"})
    if officer is not None and officer.agency_id != agency.pk:
        raise ValidationError({"officer": f"officer {officer.reference} is not an officer of {agency.name}"})
    if agreement is not None and agreement.agency_id != agency.pk:
        raise ValidationError({"agreement": f"agreement {agreement.pk} is not an agreement of {agency.name}"})
    return Sanction(kind=kind, reason=reason, status=status, agency=agency, officer=officer, agreement=agreement,
                    complaint=complaint, details=(details or "").strip(), proposed_at=timezone.now(),
                    proposed_by=_user(actor), lapsed=lapsed)


@transaction.atomic
def impose(actor, kind: str, reason: str, start: date, *, agency, officer=None, agreement=None, complaint=None,
           details: str = "", exigent: bool = False, length_days: int | None = None) -> Sanction:
    """Suspend or revoke an officer, or suspend or terminate an agreement, from ``start`` (for an agreement:
    the notice date; it takes effect on the template's day)."""
    roles.require(actor, roles.SANCTION, agency)
    s = _new(kind, reason, agency=agency, officer=officer, agreement=agreement, complaint=complaint,
             details=details, status=Sanction.Status.IMPOSED, actor=actor)
    _carry_out(actor, s, start, exigent=exigent, length_days=length_days)
    s.decided_at, s.decided_by = s.proposed_at, _user(actor)
    s.save()
    record(actor, AuditAction.IMPOSE_SANCTION, "oversight.sanction", s.pk, None, _dict(s))
    return s


@transaction.atomic
def propose(actor, kind: str, reason: str, *, agency, officer=None, agreement=None, complaint=None,
            details: str = "", lapsed: date | None = None) -> Sanction:
    """A sanction shown to ICE until someone accepts (it is carried out) or declines it with a reason."""
    s = _new(kind, reason, agency=agency, officer=officer, agreement=agreement, complaint=complaint,
             details=details, status=Sanction.Status.PROPOSED, actor=actor, lapsed=lapsed)
    s.save()
    record(actor, AuditAction.PROPOSE_SANCTION, "oversight.sanction", s.pk, None, _dict(s))
    return s


def _locked(s: Sanction) -> Sanction:
    return Sanction.objects.select_for_update(of=("self",)).select_related("agency", "officer", "agreement").get(pk=s.pk)


@transaction.atomic
def accept(actor, sanction: Sanction, start: date, *, exigent: bool = False,
           length_days: int | None = None) -> Sanction:
    s = _locked(sanction)
    roles.require(actor, roles.SANCTION, s.agency)
    if s.status != Sanction.Status.PROPOSED:
        raise ValidationError({"status": f"sanction {s.pk} is {s.status}, not awaiting a decision"})
    before = _dict(s)
    _carry_out(actor, s, start, exigent=exigent, length_days=length_days)
    s.status, s.decided_at, s.decided_by = Sanction.Status.IMPOSED, timezone.now(), _user(actor)
    s.save()
    record(actor, AuditAction.ACCEPT_SANCTION, "oversight.sanction", s.pk, before, _dict(s))
    return s


@transaction.atomic
def decline(actor, sanction: Sanction, reason: str) -> Sanction:
    s = _locked(sanction)
    roles.require(actor, roles.SANCTION, s.agency)
    if s.status != Sanction.Status.PROPOSED:
        raise ValidationError({"status": f"sanction {s.pk} is {s.status}, not awaiting a decision"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decision_reason": "declining a proposed sanction states why"})
    before = _dict(s)
    s.status, s.decided_at, s.decided_by, s.decision_reason = (Sanction.Status.DECLINED, timezone.now(),
                                                               _user(actor), reason)
    s.save()
    record(actor, AuditAction.DECLINE_SANCTION, "oversight.sanction", s.pk, before, _dict(s))
    return s


@transaction.atomic
def lift(actor, sanction: Sanction, lifted: date) -> Sanction:
    """End a suspension: the officer is authorized again under the same agreements from ``lifted``; an
    agreement's suspension notice is lifted (before it took effect, it never does)."""
    s = _locked(sanction)
    roles.require(actor, roles.SANCTION, s.agency)
    _day(lifted, "lifted")
    if s.status != Sanction.Status.IMPOSED or s.kind not in (Sanction.Kind.SUSPEND_OFFICER,
                                                             Sanction.Kind.SUSPEND_AGREEMENT):
        raise ValidationError({"lifted": f"sanction {s.pk} is not a suspension in effect"})
    if s.lifted is not None:
        raise ValidationError({"lifted": f"suspension {s.pk} was already lifted on {s.lifted}"})
    if lifted < s.start:
        raise ValidationError({"lifted": f"lift date {lifted} is before the suspension began ({s.start})"})
    before = _dict(s)
    if s.kind == Sanction.Kind.SUSPEND_OFFICER:
        auths = Authorization.objects.filter(pk__in=s.authorizations).select_related("agreement")
        s.regranted = [ps.grant_authorization(actor, s.officer, a.agreement, lifted).pk for a in auths]
    else:
        ps.lift_suspension(actor, s.notice, lifted)
    s.lifted = lifted
    s.save()
    record(actor, AuditAction.LIFT_SANCTION, "oversight.sanction", s.pk, before, _dict(s))
    return s


# --- proposals made by the system ------------------------------------------------------------------

def propose_rescission(actor, complaint: Complaint) -> list[Sanction]:
    """A sustained racial-profiling finding: "that specific officer or department will have their authority
    and/or agreement rescinded" — revoke the officer, or terminate the department's agreements in force."""
    agency = complaint.agency
    details = f"Sustained racial-profiling complaint {complaint.receipt or complaint.pk} (resolved {complaint.resolved})."
    if complaint.officer is not None and complaint.about != About.DEPARTMENT:
        return [propose(actor, Sanction.Kind.REVOKE_OFFICER, Sanction.Reason.RACIAL_PROFILING, agency=agency,
                        officer=complaint.officer, complaint=complaint, details=details)]
    agreements = agreements_in_force(complaint.resolved, [agency.pk])
    if not agreements:
        latest = agency.agreements.filter(signed__isnull=False).order_by("-signed").first()
        agreements = [latest] if latest else []
    return [propose(actor, Sanction.Kind.TERMINATE_AGREEMENT, Sanction.Reason.RACIAL_PROFILING, agency=agency,
                    agreement=ag, complaint=complaint, details=details) for ag in agreements]


@transaction.atomic
def propose_training_lapse_sanctions(as_of: date, actor=None) -> list[Sanction]:
    """Propose revoking each JEM officer who holds an authorization in force on ``as_of`` under a JEM
    agreement while the JEM refresher has lapsed. One proposal per lapse: run it daily, it proposes once."""

    _day(as_of, "as_of")
    officers = (Officer.objects.filter(authorizations__agreement__model=AgreementModel.JEM,
                                       authorizations__granted__lte=as_of)
                .filter(Q(authorizations__revoked__isnull=True) | Q(authorizations__revoked__gt=as_of))
                .select_related("agency").distinct().order_by("id"))
    made = []
    for officer in officers:
        status = officer_status(officer, as_of)
        if status.training_current.get(AgreementModel.JEM, True):
            continue  # current, or never certified (that is TRAINING_INCOMPLETE, not a lapse)
        lapsed = status.training_current_until[AgreementModel.JEM]
        lapsed = date.fromordinal(lapsed.toordinal() + 1)
        if Sanction.objects.filter(officer=officer, reason=Sanction.Reason.TRAINING_LAPSE, lapsed=lapsed).exists():
            continue
        made.append(propose(actor, Sanction.Kind.REVOKE_OFFICER, Sanction.Reason.TRAINING_LAPSE,
                            agency=officer.agency, officer=officer, lapsed=lapsed,
                            details=f"JEM refresher not current since {lapsed} (checked {as_of})."))
    return made
