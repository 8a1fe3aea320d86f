"""The one way an action under delegated authority is decided and recorded.

``record_action`` gathers the facts from the database, asks the engine (``g287.policy.evaluate``), and
stores the action with its decision, its violations and the obligations it creates, audited, in one
transaction. The web form, the API, the bulk auditor's checks and the conformance runner all call it
(or ``decide``, the same question without storing, for previews).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.db import transaction
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


def record_action(actor, officer: Officer, agreement: Agreement, action: ActionInput | None = None,
                  **fields) -> tuple[Action, pf.Decision]:
    """Decide an action on the database's facts and store it with its decision and obligations.

    Pass an ``ActionInput`` or its fields as keywords. A denied action is stored too (the record of what
    happened is kept) and flagged for a supervisor's review.
    """
    if action is None:
        action = ActionInput(**fields)
    action.validate()
    zone = localtime.zone_for(agreement.agency.state)
    local_at, instant = localtime.split(action.at, zone)
    with transaction.atomic():
        decision = evaluate(facts_for(officer, agreement), engine_action(action, local_at))
        row = Action.objects.create(
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
        ActionViolation.objects.bulk_create(
            ActionViolation(action=row, code=v.code, message=v.message, citation=v.citation)
            for v in decision.violations)
        Obligation.objects.bulk_create(
            Obligation(action=row, code=o.code, due=localtime.split(o.due, zone)[1],
                       due_local=localtime.iso_local(o.due), message=o.message, citation=o.citation)
            for o in decision.obligations)
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
