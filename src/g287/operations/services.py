"""The one way an action under delegated authority is decided and recorded.

Every recording — the form, the API, a CSV batch (``uploads``), the demo, the conformance runner — goes through
one writer (``_write``): the facts gathered from the database (``personnel.facts``) are decided by the engine
(``g287.policy.evaluate``), and the action is stored with its decision, its violations, the obligations it creates,
the reporter's reference and the supervisor's queue item when oversight's rule asks for one
(``oversight.services.reviews.review_item``), audited, all or nothing. How it is stored is the writer's choice of
strategy, not another path: one PostgreSQL statement for a single action outside a transaction (``store_pg``:
the API's common case), else multi-row inserts per table inside one transaction (``g287.rows.insert``: a batch of
an upload, a form, SQLite). ``record_action`` is the system's own recording (no reference, no review queue);
``record_reported`` checks who reports and when; ``record_batch`` is an upload's batch. ``decide`` asks the same
question without storing (previews); ``redecide`` asks it again of a stored action.

An action's facts are declared once (``g287.policy.facts.ACTION_FACTS``): ``ActionInput``, the stored row, the
audit record and the comparison of a repeated reference are derived from that declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field, make_dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from g287 import rows as sql_rows
from g287.accounts.models import Role
from g287.accounts.scoping import can_see_agency
from g287.audit.services import prepare, record, record_many
from g287.operations import store_pg
from g287.operations.choices import AuditAction
from g287.operations.models import Action, ActionReference, ActionViolation, Obligation, OfficerAccount
from g287.oversight.services import reviews
from g287.personnel.facts import facts_for
from g287.personnel.models import Officer
from g287.policy import evaluate
from g287.policy import facts as pf
from g287.registry import localtime
from g287.registry.models import Agreement

FACT_NAMES = pf.FACT_NAMES


def _validate(self) -> None:
    errors = {}
    for f in pf.ACTION_FACTS:
        value = getattr(self, f.name)
        if f.choices and value not in f.values and not (value == "" and f.default == ""):
            allowed = ", ".join(f.values)
            errors[f.name] = f"{f.name} must be one of {allowed}{' or empty' if f.default == '' else ''}; got {value!r}"
    if not isinstance(self.at, datetime):
        errors["at"] = f"at must be a date and time; got {self.at!r}"
    if errors:
        raise ValidationError(errors)


# What an officer did, as reported: the declared facts (required ones first), and ``at``, the agency's local wall
# time or an aware instant.
ActionInput = make_dataclass(
    "ActionInput",
    [(f.name, f.type if f.type is bool else str) for f in pf.ACTION_FACTS if f.required]
    + [("at", datetime)]
    + [(f.name, f.type if f.type is bool else str, dc_field(default=f.default))
       for f in pf.ACTION_FACTS if not f.required],
    frozen=True, namespace={"validate": _validate, "__module__": __name__,
                            "__doc__": "What an officer did, as reported (``g287.policy.facts.ACTION_FACTS``); "
                                       "``at`` is the agency's local wall time or an aware instant."},
)


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


def decide(officer: Officer, agreement: Agreement, action: ActionInput) -> pf.Decision:
    """The engine's decision on the facts in the database now, without storing anything."""
    action.validate()
    zone = localtime.zone_for(agreement.agency.state)
    local_at, _ = localtime.split(action.at, zone)
    return evaluate(facts_for(officer, agreement), pf.engine_action(action, local_at))


def redecide(action: Action) -> pf.Decision:
    """A stored action decided again on the database's facts now (the per-action path of ``g287.redecide``)."""
    return evaluate(facts_for(action.officer_id, action.agreement_id), pf.engine_action(action, action.local_at))


def _action_dict(a: Action, decision: pf.Decision) -> dict:
    """The audit event's record of a stored action."""
    out = {"officer": a.officer_id, "agreement": a.agreement_id, "at": a.at, "local": localtime.iso_local(a.local_at)}
    for name in FACT_NAMES:
        out[name] = getattr(a, name)
    out.update(decision=decision.decision, violations=sorted(decision.codes),
               obligations=[{"code": o.code, "due": localtime.iso_local(o.due)} for o in decision.obligations])
    return out


# --- The one writer --------------------------------------------------------------------------------------------

@dataclass
class _Write:
    """One action to store: its unsaved rows, its decision, and whether it was reported (with a reference and
    the review queue) or recorded by the system."""

    row: Action
    violations: list
    obligations: list
    decision: pf.Decision
    reported: bool = False
    external_ref: str = ""
    reference: ActionReference | None = None
    review: object = None  # oversight's queue item, when the action needs a supervisor
    reason: str | None = None


def _build(actor, officer: Officer, agreement: Agreement, action: ActionInput, facts: pf.Facts,
           reported: bool = False, external_ref: str = "") -> _Write:
    """Decide on ``facts``; the action, its violations, obligations and reference as unsaved rows."""
    zone = localtime.zone_for(agreement.agency.state)
    local_at, instant = localtime.split(action.at, zone)
    decision = evaluate(facts, pf.engine_action(action, local_at))
    row = Action(
        officer=officer, agreement=agreement, at=instant, local_date=local_at.date(), local_time=local_at.time(),
        allowed=decision.allowed, flagged_for_review=not decision.allowed, recorded=timezone.now(),
        recorded_by=actor if getattr(actor, "pk", None) else None, **{n: getattr(action, n) for n in FACT_NAMES})
    violations = [ActionViolation(action=row, code=v.code, message=v.message, citation=v.citation)
                  for v in decision.violations]
    obligations = [Obligation(action=row, code=o.code, due=localtime.split(o.due, zone)[1],
                              due_local=localtime.iso_local(o.due), message=o.message, citation=o.citation)
                   for o in decision.obligations]
    # Kept on the row, so a caller can show them without reading them back.
    row._prefetched_objects_cache = {"violations": sorted(violations, key=lambda v: v.code),
                                     "obligations": sorted(obligations, key=lambda o: o.due)}
    w = _Write(row, violations, obligations, decision, reported, external_ref)
    if external_ref:
        w.reference = row.reference = ActionReference(agency_id=agreement.agency_id, external_ref=external_ref,
                                                      action=row)
    return w


def _queue(w: _Write, rate=None) -> None:
    """Oversight's answer to whether a reported action goes to a supervisor (every denied action does)."""
    if w.reported:
        w.review = reviews.review_item(w.row, rate)
        w.reason = None if w.review is None else w.review.reason
        if w.review is not None:
            w.row.review = w.review


def _after(w: _Write) -> dict:
    after = _action_dict(w.row, w.decision)
    if w.reported:
        after.update(external_ref=w.external_ref, review=w.reason)
    return after


def _one_statement(w: _Write) -> bool:
    """Whether this write can be the single PostgreSQL statement of ``store_pg``: one action, not inside a
    caller's transaction, and not a warrant the WSO review sample may pick (the sample is drawn from the action's
    id, known only once it is stored)."""
    return (connection.vendor == "postgresql" and not connection.in_atomic_block
            and not (w.reported and reviews.reason_needs_id(w.row.agreement.model, w.row.function)))


def _write(actor, writes: list[_Write], rate=None, events: tuple = ()) -> None:
    """The one writer: store the actions with their children and audit events, all or nothing. ``events`` are
    further audit events of the same write (an upload's batch), appended after the actions'."""
    if len(writes) == 1 and not events and _one_statement(writes[0]):
        w = writes[0]
        _queue(w)
        event = prepare(actor, AuditAction.RECORD_ACTION, "operations.action", None, _after(w))
        store_pg.store(w.row, w.violations, w.obligations, w.reference, w.review, event)
        return
    with transaction.atomic():
        _store_rows(actor, writes, rate, events)


def _store_rows(actor, writes: list[_Write], rate, events: tuple) -> None:
    """Multi-row inserts a table (``g287.rows.insert``) inside the caller's transaction: the actions, then their
    violations, obligations and references, then the review items (the WSO sample is drawn from the ids), then the
    audit events, last, so the audit chain's lock is held only until the commit."""
    sql_rows.insert(Action, [w.row for w in writes], connection)
    sql_rows.insert(ActionViolation, [v for w in writes for v in w.violations], connection)
    sql_rows.insert(Obligation, [o for w in writes for o in w.obligations], connection)
    sql_rows.insert(ActionReference, [w.reference for w in writes if w.reference is not None], connection)
    for w in writes:
        _queue(w, rate)
    queued = [w.review for w in writes if w.review is not None]
    if queued:
        sql_rows.insert(type(queued[0]), queued, connection)
    items = [(AuditAction.RECORD_ACTION, "operations.action", w.row.pk, None, _after(w)) for w in writes]
    items += [e(writes) if callable(e) else e for e in events]
    if len(items) == 1:
        record(actor, *items[0])
    else:
        record_many(actor, items)


def record_action(actor, officer: Officer, agreement: Agreement, action: ActionInput | None = None,
                  **fields) -> tuple[Action, pf.Decision]:
    """Decide an action on the database's facts and store it with its decision and obligations (the system's own
    recording: the conformance runner, generated data; no reference, no review queue).

    Pass an ``ActionInput`` or its fields as keywords. A denied action is stored too (the record of what
    happened is kept) and flagged for a supervisor's review.
    """
    if action is None:
        action = ActionInput(**fields)
    action.validate()
    w = _build(actor, officer, agreement, action, facts_for(officer, agreement))
    _write(actor, [w])
    return w.row, w.decision


@transaction.atomic
def fulfil_obligation(actor, obligation: Obligation, at: datetime | None = None) -> Obligation:
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if ob.fulfilled_at is not None:
        raise ValidationError({"fulfilled_at": f"obligation {ob.pk} was already fulfilled at {ob.fulfilled_at}"})
    before = {"fulfilled_at": None}
    ob.fulfilled_at = (at or timezone.now()).astimezone(dt_timezone.utc)
    ob.save(update_fields=["fulfilled_at"])
    record(actor, AuditAction.FULFIL_OBLIGATION, "operations.obligation", ob.pk, before,
           {"code": ob.code, "fulfilled_at": ob.fulfilled_at})
    return ob


# --- Recording as reported by people: the form, the API and the CSV upload --------------------------------------

@dataclass(frozen=True)
class Recorded:
    """What recording a reported action did: the stored action and whether this call stored it."""

    action: Action
    created: bool


def officer_of(user) -> Officer | None:
    """The officer a designated officer's sign-in belongs to (None for other roles or no link)."""
    if user is None or getattr(user, "role", None) != Role.OFFICER:
        return None
    link = OfficerAccount.objects.select_related("officer").filter(user_id=user.pk).first()
    return None if link is None else link.officer


def recorder_agency_id(user) -> int | None:
    """The agency whose actions ``user`` records (LEA coordinators and officers only)."""
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
    if user.role == Role.OFFICER:
        own = officer_of(user)
        if own is None or own.pk != officer.pk:
            raise PermissionDenied(f"{user.username} may record only their own actions")


def _same_facts(row: Action, officer: Officer, agreement: Agreement, a: ActionInput) -> list[str]:
    """The facts in which ``a`` differs from the stored action (empty: the same report)."""
    diff = [f for f in FACT_NAMES if getattr(row, f) != getattr(a, f)]
    if row.officer_id != officer.pk:
        diff.append("officer")
    if row.agreement_id != agreement.pk:
        diff.append("agreement")
    local_at, _ = localtime.split(a.at, localtime.zone_for(agreement.agency.state))
    if row.local_at != local_at.replace(microsecond=0) and row.local_at != local_at:
        diff.append("at")
    return diff


def record_reported(actor, officer: Officer, agreement: Agreement, action: ActionInput,
                    external_ref: str = "", facts: pf.Facts | None = None) -> Recorded:
    """Record an action reported through the form, the API or the demo.

    Checks that ``actor`` may record it, decides and stores it with the one writer (decision, violations,
    obligations), keeps the reporter's ``external_ref`` (unique per agency: the same reference with the same facts
    returns the stored action and writes nothing; with other facts it is refused), and queues the action for a
    supervisor when oversight's rule says it needs one (every denied action does) — one write and one audit event.
    ``facts`` may be passed when the caller has just read them (``facts.load``) for the same officer and agreement.
    """
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
    w = _build(actor, officer, agreement, action, facts or facts_for(officer, agreement), True, external_ref)
    try:
        _write(actor, [w])
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
    return Recorded(w.row, True)


def record_batch(actor, agency, batch: list, rate, event) -> list[_Write]:
    """Record checked rows of an upload (``uploads.Row``: officer, agreement, action, reference, facts) with the one
    writer, in one transaction; ``event(writes)`` is the batch's own audit event, appended after the actions'.
    ``rate`` is the agency's WSO review sample rate (read once per upload)."""
    writes = [_build(actor, r.officer, r.agreement, r.action, r.facts, True, r.external_ref) for r in batch]
    _write(actor, writes, rate, (event,))
    return writes


def check_fulfiller(user, obligation: Obligation) -> None:
    """The agency's coordinator, the officer who acted, and ICE staff who can see the agency mark
    an action's obligation fulfilled."""

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
