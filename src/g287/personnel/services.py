"""Every write to officers, trainings, authorizations and agreement notices.

Each function validates, writes, and appends its audit event in one transaction (the Zulip ``do_*``
pattern). Statuses are never written: they are derived as of a date (``g287.personnel.status``).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from g287.audit.services import record
from g287.personnel.choices import AuditAction
from g287.personnel.models import Authorization, BackgroundCheck, Course, ExamScore, Officer, Training
from g287.registry.choices import AgreementModel, Party
from g287.registry.choices import AuditAction as RegistryAudit
from g287.registry.models import Agency, Agreement, AgreementEvent


def _officer_dict(o: Officer) -> dict:
    return {"agency": o.agency_id, "reference": o.reference, "us_citizen": o.us_citizen,
            "background_check": o.background_check, "lea_experience_years": o.lea_experience_years,
            "nominated": o.nominated}


def _authorization_dict(a: Authorization) -> dict:
    return {"officer": a.officer_id, "agreement": a.agreement_id, "granted": a.granted, "revoked": a.revoked,
            "revocation_reason": a.revocation_reason}


def _event_dict(e: AgreementEvent) -> dict:
    return {"agreement": e.agreement_id, "kind": e.kind, "date": e.date, "by": e.by, "exigent": e.exigent,
            "lifted": e.lifted}


def _require_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: f"{field} must be a date, got {value!r}"})
    return value


@transaction.atomic
def nominate_officer(actor, agency: Agency, reference: str, *, us_citizen: bool = True,
                     background_check: str = BackgroundCheck.PENDING, lea_experience_years=0,
                     nominated: date | None = None, synthetic: bool = False) -> Officer:
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": "an officer needs the agency's badge or personnel reference"})
    if background_check not in BackgroundCheck.values:
        raise ValidationError({"background_check": f"background_check must be one of {BackgroundCheck.values}, "
                                                   f"got {background_check!r}"})
    years = float(lea_experience_years)
    if years < 0:
        raise ValidationError({"lea_experience_years": "lea_experience_years must not be negative"})
    if Officer.objects.filter(agency=agency, reference=reference).exists():
        raise ValidationError({"reference": f"agency {agency.key} already has an officer {reference!r}"})
    officer = Officer.objects.create(agency=agency, reference=reference, us_citizen=bool(us_citizen),
                                     background_check=background_check, lea_experience_years=years,
                                     nominated=nominated, synthetic=synthetic)
    record(actor, AuditAction.NOMINATE_OFFICER, "personnel.officer", officer.pk, None, _officer_dict(officer))
    return officer


@transaction.atomic
def update_eligibility(actor, officer: Officer, *, us_citizen: bool | None = None,
                       background_check: str | None = None, lea_experience_years=None) -> Officer:
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    before = _officer_dict(officer)
    if us_citizen is not None:
        officer.us_citizen = bool(us_citizen)
    if background_check is not None:
        if background_check not in BackgroundCheck.values:
            raise ValidationError({"background_check": f"background_check must be one of {BackgroundCheck.values}"})
        officer.background_check = background_check
    if lea_experience_years is not None:
        officer.lea_experience_years = float(lea_experience_years)
    officer.save()
    record(actor, AuditAction.UPDATE_ELIGIBILITY, "personnel.officer", officer.pk, before, _officer_dict(officer))
    return officer


@transaction.atomic
def record_training(actor, officer: Officer, *, course: str, model: str, completed: date,
                    exams: Iterable[int] = ()) -> Training:
    """A completed course and its exam scores in the order taken (certification is derived from them)."""
    if course not in Course.values:
        raise ValidationError({"course": f"course must be one of {Course.values}, got {course!r}"})
    if model not in AgreementModel.values:
        raise ValidationError({"model": f"model must be one of {AgreementModel.values}, got {model!r}"})
    _require_date(completed, "completed")
    scores = list(exams)
    for i, s in enumerate(scores, 1):
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= 100:
            raise ValidationError({"exams": f"exam {i}: a score is a whole number from 0 to 100, got {s!r}"})
    training = Training.objects.create(officer=officer, course=course, model=model, completed=completed)
    ExamScore.objects.bulk_create(ExamScore(training=training, order=i, score=s) for i, s in enumerate(scores, 1))
    record(actor, AuditAction.RECORD_TRAINING, "personnel.training", training.pk, None,
           {"officer": officer.pk, "course": course, "model": model, "completed": completed, "exams": scores})
    return training


@transaction.atomic
def grant_authorization(actor, officer: Officer, agreement: Agreement, granted: date, *,
                        revoked: date | None = None, revocation_reason: str = "") -> Authorization:
    """Record an authorization as signed (with its revocation, when recording one from the past).

    Whether it lets the officer act on a day is the engine's answer: an officer of another agency, for
    one, is never authorized under this agreement, so such a grant is kept and flagged by every decision.
    """
    _require_date(granted, "granted")
    if revoked is not None:
        _require_date(revoked, "revoked")
    auth = Authorization.objects.create(officer=officer, agreement=agreement, granted=granted, revoked=revoked,
                                        revocation_reason=(revocation_reason or "").strip())
    record(actor, AuditAction.GRANT_AUTHORIZATION, "personnel.authorization", auth.pk, None,
           _authorization_dict(auth))
    return auth


def _refuse_leaving_agreement_without_officer(auth: Authorization, revoked: date) -> None:
    """rules.md §7: a revocation that leaves an agreement with no authorized officer amounts to a suspension
    and must follow the suspension notice process — so it is refused until that notice is recorded.

    A revocation dated on the grant day voids an authorization that never took effect; it leaves no fewer
    officers than there were, and is allowed.
    """
    if revoked == auth.granted:
        return
    # Lock the agreement so two concurrent revocations cannot each leave the other as the last officer.
    agreement = Agreement.objects.select_for_update().get(pk=auth.agreement_id)
    others = (Authorization.objects.filter(agreement=agreement, granted__lte=revoked).exclude(pk=auth.pk)
              .filter(Q(revoked__isnull=True) | Q(revoked__gt=revoked)))
    if others.exists():
        return
    under_way = (AgreementEvent.objects.filter(agreement=agreement, kind__in=NOTICE_KINDS, date__lte=revoked)
                 .filter(Q(lifted__isnull=True) | Q(lifted__gt=revoked)))
    if not under_way.exists():
        raise ValidationError({"revoked": ValidationError(
            f"revoking authorization {auth.pk} on {revoked} would leave agreement {agreement.pk} "
            f"({agreement.agency.name}, {agreement.model}) with no authorized officer: that is a suspension of "
            f"the agreement; record the agreement's suspension notice first", code="last_officer")})


@transaction.atomic
def revoke_authorization(actor, authorization: Authorization, revoked: date, reason: str) -> Authorization:
    _require_date(revoked, "revoked")
    auth = Authorization.objects.select_for_update().get(pk=authorization.pk)
    if auth.revoked is not None:
        raise ValidationError({"revoked": f"authorization {auth.pk} was already revoked on {auth.revoked}"})
    if revoked < auth.granted:
        raise ValidationError({"revoked": f"revocation date {revoked} is before the grant date {auth.granted}"})
    if not (reason or "").strip():
        raise ValidationError({"revocation_reason": "a revocation states its reason"})
    _refuse_leaving_agreement_without_officer(auth, revoked)
    before = _authorization_dict(auth)
    auth.revoked, auth.revocation_reason = revoked, reason.strip()
    auth.save(update_fields=["revoked", "revocation_reason"])
    record(actor, AuditAction.REVOKE_AUTHORIZATION, "personnel.authorization", auth.pk, before,
           _authorization_dict(auth))
    return auth


NOTICE_KINDS = (AgreementEvent.Kind.SUSPENSION, AgreementEvent.Kind.TERMINATION)
NOTICE_EVENT = {AgreementEvent.Kind.SUSPENSION: RegistryAudit.SUSPENSION_NOTICE,
                AgreementEvent.Kind.TERMINATION: RegistryAudit.TERMINATION_NOTICE}


@transaction.atomic
def record_agreement_notice(actor, agreement: Agreement, *, kind: str, by: str, notice: date,
                            exigent: bool = False, lifted: date | None = None, note: str = "") -> AgreementEvent:
    """A suspension or termination notice, as given. When it takes effect is the template's rule (policy)."""
    if kind not in NOTICE_KINDS:
        raise ValidationError({"kind": f"a notice is a suspension or a termination, got {kind!r}"})
    if by not in Party.values:
        raise ValidationError({"by": f"a notice is given by {' or '.join(Party.values)}, got {by!r}"})
    _require_date(notice, "notice")
    if lifted is not None:
        if kind != AgreementEvent.Kind.SUSPENSION:
            raise ValidationError({"lifted": "only a suspension is lifted"})
        _require_date(lifted, "lifted")
    event = AgreementEvent.objects.create(agreement=agreement, kind=kind, date=notice, by=by, exigent=bool(exigent),
                                          lifted=lifted, note=note)
    record(actor, NOTICE_EVENT[kind], "registry.agreementevent", event.pk, None, _event_dict(event))
    return event


@transaction.atomic
def lift_suspension(actor, event: AgreementEvent, lifted: date) -> AgreementEvent:
    _require_date(lifted, "lifted")
    event = AgreementEvent.objects.select_for_update().get(pk=event.pk)
    if event.kind != AgreementEvent.Kind.SUSPENSION:
        raise ValidationError({"lifted": f"event {event.pk} is a {event.kind}, only a suspension is lifted"})
    if event.lifted is not None:
        raise ValidationError({"lifted": f"suspension {event.pk} was already lifted on {event.lifted}"})
    if lifted < event.date:
        raise ValidationError({"lifted": f"lift date {lifted} is before the notice date {event.date}"})
    before = _event_dict(event)
    event.lifted = lifted
    event.save(update_fields=["lifted"])
    record(actor, RegistryAudit.LIFT_SUSPENSION, "registry.agreementevent", event.pk, before, _event_dict(event))
    return event
