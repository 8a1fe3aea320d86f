"""The one way an action under delegated authority is decided and recorded.

``record_action`` gathers the facts from the database, asks the engine (``g287.policy.evaluate``), and
stores the action with its decision, its violations and the obligations it creates, audited, in one
transaction. The web form, the API, the bulk auditor's checks and the conformance runner all call it
(or ``decide``, the same question without storing, for previews).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from g287.audit.services import record
from g287.operations import localtime
from g287.operations.facts import facts_for
from g287.operations.models import Action, ActionViolation, ChargeLevel, CriminalCharge, Location, Obligation
from g287.personnel.models import Officer
from g287.policy import evaluate
from g287.policy import facts as pf
from g287.registry.models import Agreement


@dataclass(frozen=True)
class ActionInput:
    """What an officer did, as reported; ``at`` is the agency's local wall time or an aware instant."""

    function: str
    at: datetime
    location: str = Location.LEA_FACILITY
    subject_ref: str = ""
    in_lea_custody: bool = True
    criminal_charge: str = CriminalCharge.PENDING
    charge_level: str = ""
    ice_designated: bool = False
    usc_claim: bool = False
    warrant_signed_by_ice: bool = True
    reason_to_believe: bool = False
    likely_to_escape: bool = False

    def validate(self) -> None:
        errors = {}
        if self.function not in pf.FUNCTIONS:
            errors["function"] = f"function must be one of {', '.join(pf.FUNCTIONS)}; got {self.function!r}"
        if self.location not in Location.values:
            errors["location"] = f"location must be one of {Location.values}; got {self.location!r}"
        if self.criminal_charge not in CriminalCharge.values:
            errors["criminal_charge"] = f"criminal_charge must be one of {CriminalCharge.values}; got {self.criminal_charge!r}"
        if self.charge_level and self.charge_level not in ChargeLevel.values:
            errors["charge_level"] = f"charge_level must be one of {ChargeLevel.values} or empty; got {self.charge_level!r}"
        if not isinstance(self.at, datetime):
            errors["at"] = f"at must be a date and time; got {self.at!r}"
        if errors:
            raise ValidationError(errors)


# Reported actions happen under §287(g), enacted 30 September 1996; they are reported after the fact, so a
# moment later than the agency's local clock (with a few minutes for clocks that run ahead) is a typing error.
EARLIEST_REPORTED = datetime(1996, 9, 30)
CLOCK_SLACK = timedelta(minutes=15)


def when_problem(at: datetime, zone, now: datetime | None = None) -> str | None:
    """Why a reported action's moment cannot be right, or None: before §287(g) existed, still to come in the
    agency's zone, or a local time that never happened (the hour skipped when clocks spring forward)."""
    local, instant = localtime.split(at, zone)
    if local < EARLIEST_REPORTED:
        return (f"{localtime.iso_local(local)} is before 30 September 1996, when §287(g) was enacted; "
                "check the year")
    now = now or timezone.now()
    if instant > now + CLOCK_SLACK:
        today = now.astimezone(zone).replace(tzinfo=None)
        return (f"{localtime.iso_local(local)} is still to come (it is {localtime.iso_local(today)} in the "
                f"agency's time zone); actions are reported after they happen")
    if at.tzinfo is None and localtime.missing(at, zone):
        return (f"{localtime.iso_local(local)} did not happen in {zone.key}: clocks moved forward an hour that "
                "night; give the time the clock showed (an hour later) or a time with its UTC offset")
    return None


def engine_action(a: ActionInput, local_at: datetime) -> pf.Action:
    return pf.Action(
        function=a.function,
        at=local_at,
        location=pf.Location(a.location),
        subject=pf.Subject(in_lea_custody=a.in_lea_custody, criminal_charge=pf.CriminalCharge(a.criminal_charge),
                           ice_designated=a.ice_designated, usc_claim=a.usc_claim),
        warrant_signed_by_ice=a.warrant_signed_by_ice,
        reason_to_believe=a.reason_to_believe,
        likely_to_escape=a.likely_to_escape,
    )


def decide(officer: Officer, agreement: Agreement, action: ActionInput) -> pf.Decision:
    """The engine's decision on the facts in the database now, without storing anything."""
    action.validate()
    zone = localtime.zone_for(agreement.agency.state)
    local_at, _ = localtime.split(action.at, zone)
    return evaluate(facts_for(officer, agreement), engine_action(action, local_at))


def _action_dict(a: Action, decision: pf.Decision) -> dict:
    return {
        "officer": a.officer_id, "agreement": a.agreement_id, "function": a.function, "at": a.at,
        "local": localtime.iso_local(a.local_at), "location": a.location, "subject_ref": a.subject_ref,
        "in_lea_custody": a.in_lea_custody, "criminal_charge": a.criminal_charge, "charge_level": a.charge_level,
        "ice_designated": a.ice_designated, "usc_claim": a.usc_claim,
        "warrant_signed_by_ice": a.warrant_signed_by_ice, "reason_to_believe": a.reason_to_believe,
        "likely_to_escape": a.likely_to_escape, "decision": decision.decision,
        "violations": sorted(decision.codes),
        "obligations": [{"code": o.code, "due": localtime.iso_local(o.due)} for o in decision.obligations],
    }


def _build(actor, officer: Officer, agreement: Agreement, action: ActionInput,
           facts: pf.Facts) -> tuple[Action, list[ActionViolation], list[Obligation], pf.Decision]:
    """Decide on ``facts``; the action, its violations and its obligations as unsaved rows."""
    zone = localtime.zone_for(agreement.agency.state)
    local_at, instant = localtime.split(action.at, zone)
    decision = evaluate(facts, engine_action(action, local_at))
    row = Action(
        officer=officer, agreement=agreement, function=action.function, at=instant,
        local_date=local_at.date(), local_time=local_at.time(), location=action.location,
        subject_ref=action.subject_ref, in_lea_custody=action.in_lea_custody,
        criminal_charge=action.criminal_charge, charge_level=action.charge_level,
        ice_designated=action.ice_designated, usc_claim=action.usc_claim,
        warrant_signed_by_ice=action.warrant_signed_by_ice, reason_to_believe=action.reason_to_believe,
        likely_to_escape=action.likely_to_escape, allowed=decision.allowed,
        flagged_for_review=not decision.allowed, recorded=timezone.now(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    violations = [ActionViolation(action=row, code=v.code, message=v.message, citation=v.citation)
                  for v in decision.violations]
    obligations = [Obligation(action=row, code=o.code, due=localtime.split(o.due, zone)[1],
                              due_local=localtime.iso_local(o.due), message=o.message, citation=o.citation)
                   for o in decision.obligations]
    # Kept on the row, so a caller can show them without reading them back.
    row._prefetched_objects_cache = {"violations": sorted(violations, key=lambda v: v.code),
                                     "obligations": sorted(obligations, key=lambda o: o.due)}
    return row, violations, obligations, decision


def _store(actor, officer: Officer, agreement: Agreement, action: ActionInput,
           facts: pf.Facts) -> tuple[Action, pf.Decision]:
    """Decide on ``facts`` and insert the action, its violations and obligations (inside the caller's
    transaction; the caller writes the audit event)."""
    row, violations, obligations, decision = _build(actor, officer, agreement, action, facts)
    row.save(force_insert=True)
    if violations:
        ActionViolation.objects.bulk_create(violations)
    if obligations:
        Obligation.objects.bulk_create(obligations)
    return row, decision


def record_action(actor, officer: Officer, agreement: Agreement, action: ActionInput | None = None,
                  **fields) -> tuple[Action, pf.Decision]:
    """Decide an action on the database's facts and store it with its decision and obligations.

    Pass an ``ActionInput`` or its fields as keywords. A denied action is stored too (the record of what
    happened is kept) and flagged for a supervisor's review.
    """
    if action is None:
        action = ActionInput(**fields)
    action.validate()
    with transaction.atomic():
        row, decision = _store(actor, officer, agreement, action, facts_for(officer, agreement))
        record(actor, "operations.record_action", "operations.action", row.pk, None, _action_dict(row, decision))
    return row, decision


@transaction.atomic
def fulfil_obligation(actor, obligation: Obligation, at: datetime | None = None) -> Obligation:
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if ob.fulfilled_at is not None:
        raise ValidationError({"fulfilled_at": f"obligation {ob.pk} was already fulfilled at {ob.fulfilled_at}"})
    before = {"fulfilled_at": None}
    ob.fulfilled_at = (at or timezone.now()).astimezone(dt_timezone.utc)
    ob.save(update_fields=["fulfilled_at"])
    record(actor, "operations.fulfil_obligation", "operations.obligation", ob.pk, before,
           {"code": ob.code, "fulfilled_at": ob.fulfilled_at})
    return ob


def redecide(action: Action) -> pf.Decision:
    """A stored action decided again on the database's facts now (the per-action path of an audit)."""
    a = ActionInput(function=action.function, at=action.local_at, location=action.location,
                    in_lea_custody=action.in_lea_custody, criminal_charge=action.criminal_charge,
                    ice_designated=action.ice_designated, usc_claim=action.usc_claim,
                    warrant_signed_by_ice=action.warrant_signed_by_ice, reason_to_believe=action.reason_to_believe,
                    likely_to_escape=action.likely_to_escape)
    return evaluate(facts_for(action.officer_id, action.agreement_id), engine_action(a, action.local_at))


# --- Recording as reported by people: the form, the API and the CSV upload --------------------------------------

@dataclass(frozen=True)
class Recorded:
    """What recording a reported action did: the stored action and whether this call stored it."""

    action: Action
    created: bool


def officer_of(user) -> Officer | None:
    """The officer a designated officer's sign-in belongs to (None for other roles or no link)."""
    from g287.operations.models import OfficerAccount

    if user is None or getattr(user, "role", None) != "officer":
        return None
    link = OfficerAccount.objects.select_related("officer").filter(user_id=user.pk).first()
    return None if link is None else link.officer


def recorder_agency_id(user) -> int | None:
    """The agency whose actions ``user`` records (LEA coordinators and officers only)."""
    from g287.accounts.models import Role

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role in (Role.LEA_COORDINATOR, Role.OFFICER):
        return user.agency_id
    return None


def may_record(user) -> bool:
    """LEA coordinators and designated officers record actions; ICE staff review them."""
    return recorder_agency_id(user) is not None


def check_recorder(user, officer: Officer, agreement: Agreement) -> None:
    """Refuse unless ``user`` may record this officer's action under this agreement.

    ``None`` is the system itself (imports, the demo, the conformance runner). Raises PermissionDenied for
    another agency's officer or agreement, ValidationError when the officer is not the agreement's agency's.
    """
    from django.core.exceptions import PermissionDenied

    if officer.agency_id != agreement.agency_id:
        raise ValidationError({"officer": f"officer {officer.reference} is not an officer of the agency of "
                                          f"agreement {agreement.key}"})
    if user is None:
        return
    agency_id = recorder_agency_id(user)
    if agency_id is None:
        raise PermissionDenied(f"{user.username} may not record actions (LEA coordinators and officers do)")
    if agency_id != agreement.agency_id:
        raise PermissionDenied(f"{user.username} may not record actions for another agency")
    if user.role == "officer":
        own = officer_of(user)
        if own is None or own.pk != officer.pk:
            raise PermissionDenied(f"{user.username} may record only their own actions")


_COMPARED = ("function", "location", "subject_ref", "in_lea_custody", "criminal_charge", "charge_level",
             "ice_designated", "usc_claim", "warrant_signed_by_ice", "reason_to_believe", "likely_to_escape")


def _same_facts(row: Action, officer: Officer, agreement: Agreement, a: ActionInput) -> list[str]:
    """The fields in which ``a`` differs from the stored action (empty: the same report)."""
    diff = [f for f in _COMPARED if getattr(row, f) != getattr(a, f)]
    if row.officer_id != officer.pk:
        diff.append("officer")
    if row.agreement_id != agreement.pk:
        diff.append("agreement")
    local_at, _ = localtime.split(a.at, localtime.zone_for(agreement.agency.state))
    if row.local_at != local_at.replace(microsecond=0) and row.local_at != local_at:
        diff.append("at")
    return diff


def _reported_audit(row: Action, decision: pf.Decision, external_ref: str, reason: str | None) -> dict:
    audit = _action_dict(row, decision)
    audit.update(external_ref=external_ref, review=reason)
    return audit


def _one_statement(agreement: Agreement, action: ActionInput, facts: pf.Facts | None) -> bool:
    """Whether this recording can be the single PostgreSQL statement of ``store_pg``: not inside a caller's
    transaction (an upload's rows share one), with the facts at hand, and not a warrant the WSO review
    sample may pick (the sample is drawn from the action's id, known only once it is stored)."""
    from g287.oversight.services.reviews import reason_needs_id

    return (facts is not None and connection.vendor == "postgresql" and not connection.in_atomic_block
            and not reason_needs_id(agreement.model, action.function))


def _record_one_statement(actor, officer, agreement, action, facts, external_ref):
    from g287.audit.services import prepare
    from g287.operations import store_pg
    from g287.operations.models import ActionReference
    from g287.oversight.models import ReviewItem
    from g287.oversight.services.reviews import review_reason

    row, violations, obligations, decision = _build(actor, officer, agreement, action, facts)
    reference = review = None
    if external_ref:
        reference = row.reference = ActionReference(agency_id=agreement.agency_id, external_ref=external_ref,
                                                    action=row)
    reason = review_reason(row)
    if reason is not None:
        review = row.review = ReviewItem(action=row, agency_id=agreement.agency_id, reason=reason,
                                         queued=row.recorded)
    event = prepare(actor, "operations.record_action", "operations.action", None,
                    _reported_audit(row, decision, external_ref, reason))
    store_pg.store(row, violations, obligations, reference, review, event)
    return row, decision


def record_reported(actor, officer: Officer, agreement: Agreement, action: ActionInput,
                    external_ref: str = "", facts: pf.Facts | None = None) -> Recorded:
    """Record an action reported through the form, the API or an upload.

    Checks that ``actor`` may record it, decides and stores it exactly as ``record_action`` does (decision,
    violations, obligations), keeps the reporter's ``external_ref`` (unique per agency: the same reference
    with the same facts returns the stored action and writes nothing; with other facts it is refused), and
    queues the action for a supervisor when oversight's rule says it needs one (every denied action does) —
    one transaction and one audit event. ``facts`` may be passed when the caller has just read them
    (``facts.load``) for the same officer and agreement.
    """
    from django.db import IntegrityError

    from g287.operations.models import ActionReference
    from g287.oversight.models import ReviewItem
    from g287.oversight.services.reviews import review_reason

    check_recorder(actor, officer, agreement)
    action.validate()
    problem = when_problem(action.at, localtime.zone_for(agreement.agency.state))
    if problem:
        raise ValidationError({"at": problem})
    external_ref = (external_ref or "").strip()
    if len(external_ref) > 64:
        raise ValidationError({"external_ref": "external_ref is at most 64 characters"})
    # A reference is new almost always: store first and let the unique index find a repeat, which then
    # writes nothing and is answered from the stored action (one query less per recorded action).
    try:
        if _one_statement(agreement, action, facts):
            row, decision = _record_one_statement(actor, officer, agreement, action, facts, external_ref)
        else:
            with transaction.atomic():
                row, decision = _store(actor, officer, agreement, action, facts or facts_for(officer, agreement))
                if external_ref:
                    row.reference = ActionReference.objects.create(agency_id=agreement.agency_id,
                                                                   external_ref=external_ref, action=row)
                # Oversight decides which actions a supervisor reviews; the item is written here so that
                # recording and queueing are one write with one audit event.
                reason = review_reason(row)
                if reason is not None:
                    row.review = ReviewItem.objects.create(action=row, agency_id=agreement.agency_id,
                                                           reason=reason, queued=row.recorded)
                # Last, so that the audit chain's lock is held only until the commit that follows.
                record(actor, "operations.record_action", "operations.action", row.pk, None,
                       _reported_audit(row, decision, external_ref, reason))
    except IntegrityError:
        if not external_ref:
            raise
        known = (ActionReference.objects.select_related("action")
                 .filter(agency_id=agreement.agency_id, external_ref=external_ref).first())
        if known is None:
            raise
        diff = _same_facts(known.action, officer, agreement, action)
        if diff:
            raise ValidationError({"external_ref": (
                f"external_ref {external_ref!r} already names action {known.action_id}, recorded with "
                f"other facts ({', '.join(diff)}); use a new reference for a new action")}) from None
        return Recorded(known.action, False)
    return Recorded(row, True)


def check_fulfiller(user, obligation: Obligation) -> None:
    """The agency's coordinator, the officer who acted, and ICE staff who can see the agency mark
    an action's obligation fulfilled."""
    from django.core.exceptions import PermissionDenied

    from g287.accounts.models import Role
    from g287.accounts.scoping import can_see_agency

    if user is None:
        return
    action = obligation.action
    agency = action.agreement.agency
    if user.is_superuser or user.role == Role.PROGRAM_OFFICE:
        return
    if user.role == Role.LEA_COORDINATOR and user.agency_id == agency.pk:
        return
    if user.role == Role.OFFICER:
        own = officer_of(user)
        if own is not None and own.pk == action.officer_id:
            return
    if user.role in (Role.FIELD_OFFICE, Role.SUPERVISOR) and can_see_agency(user, agency):
        return
    raise PermissionDenied(f"{getattr(user, 'username', user)} may not mark this obligation fulfilled")


def fulfil_reported(actor, obligation: Obligation, at: datetime | None = None) -> Obligation:
    """Mark an action's obligation fulfilled for a signed-in user (checked, then ``fulfil_obligation``)."""
    obligation = Obligation.objects.select_related("action__agreement__agency").get(pk=obligation.pk)
    check_fulfiller(actor, obligation)
    if at is not None and at < obligation.action.at:
        raise ValidationError({"at": "an obligation cannot be fulfilled before the action that created it"})
    if at is not None and at > timezone.now():
        raise ValidationError({"at": "fulfilment cannot be recorded for a moment still to come"})
    return fulfil_obligation(actor, obligation, at)
