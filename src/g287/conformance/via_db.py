"""The stored path for conformance scenarios (``g287 scenario run --via-db``).

For each scenario it writes the facts into the configured database through the product's own services
(officers, trainings with exams, authorizations, suspension and termination notices, complaints), records
every action with ``operations.services.record_action`` (what the web form and the API call), reads the
decision back from the stored rows, and then rolls the whole transaction back, so nothing persists and
the audit chain is untouched. Agencies and agreements are the registry's fixtures for the scenario and
are written directly (also rolled back).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db import transaction

from g287.conformance.schema import Scenario
from g287.operations.models import Action
from g287.operations.services import ActionInput, record_action
from g287.oversight.models import ComplaintObligation
from g287.oversight.services import receive_complaint, resolve_complaint
from g287.personnel import services as ps
from g287.policy import Decision, Obligation, Violation
from g287.policy.facts import fact_values
from g287.registry.models import Agency, Agreement

ACTOR = None  # the audit events written here are rolled back with everything else


class _Loaded:
    def __init__(self, scenario: Scenario):
        tag = uuid.uuid4().hex[:12]
        self.agencies: dict[str, Agency] = {}
        for a in scenario.agencies:
            self.agencies[a.id] = Agency.objects.create(
                key=f"scenario-{tag}-{a.id}", name=a.name or a.id, state=(a.state or "")[:2].upper(),
                ice_type=a.type or "", detention_agreement=a.detention_agreement)
        self.agreements: dict[str, Agreement] = {}
        for m in scenario.agreements:
            ag = Agreement.objects.create(
                key=f"scenario-{tag}-{m.id}", agency=self.agencies[m.agency], model=str(m.model),
                template_version=m.template, template_inferred=False, signed=m.signed, expires=m.expires)
            for e in m.events:
                ps.record_agreement_notice(ACTOR, ag, kind=e.type, by=str(e.by), notice=e.notice, exigent=e.exigent,
                                           lifted=e.lifted)
            self.agreements[m.id] = ag
        self.officers = {}
        for o in scenario.officers:
            off = ps.nominate_officer(ACTOR, self.agencies[o.agency], o.id, us_citizen=o.us_citizen,
                                      background_check=str(o.background_check),
                                      lea_experience_years=o.lea_experience_years)
            for t in o.trainings:
                ps.record_training(ACTOR, off, course=t.course, model=str(t.model), completed=t.completed,
                                   exams=list(t.exams))
            for a in o.authorizations:
                ps.grant_authorization(ACTOR, off, self.agreements[a.agreement], a.granted, revoked=a.revoked,
                                       revocation_reason="revoked (scenario)" if a.revoked else "")
            self.officers[o.id] = off


def stored_decision(action: Action) -> Decision:
    """The decision as the database holds it for a recorded action."""
    violations = tuple(Violation(v.code, v.message, v.citation) for v in action.violations.order_by("id"))
    obligations = tuple(Obligation(o.code, datetime.fromisoformat(o.due_local), o.message, o.citation)
                        for o in action.obligations.order_by("id"))
    return Decision(action.allowed, violations, obligations)


class DatabaseBackend:
    name = "via-db"

    def decide(self, scenario: Scenario) -> dict[str, Decision]:
        out: dict[str, Decision] = {}
        with transaction.atomic():
            loaded = _Loaded(scenario)
            for a in scenario.actions:
                row, _ = record_action(ACTOR, loaded.officers[a.officer], loaded.agreements[a.agreement], ActionInput(
                    at=a.at, **fact_values(scenario.facts_for(a)[1])))
                out[a.id] = stored_decision(Action.objects.get(pk=row.pk))
            transaction.set_rollback(True)
        return out

    def complaint_deadlines(self, scenario: Scenario) -> dict[str, tuple[datetime, date | None]]:
        out: dict[str, tuple[datetime, date | None]] = {}
        with transaction.atomic():
            loaded = _Loaded(scenario)
            agency = next(iter(loaded.agencies.values()), None) or Agency.objects.create(
                key=f"scenario-{uuid.uuid4().hex[:12]}-complaints", name="Scenario agency", state="")
            for c in scenario.complaints:
                complaint = receive_complaint(ACTOR, agency, c.received)
                if c.resolved is not None:
                    resolve_complaint(ACTOR, complaint, c.resolved)
                dues = dict(ComplaintObligation.objects.filter(complaint=complaint).values_list("code", "due_local"))
                report = dues.get(ComplaintObligation.Code.REPORT_COMPLAINT_RESOLUTION)
                out[c.id] = (datetime.fromisoformat(dues[ComplaintObligation.Code.NOTIFY_ICE_OF_COMPLAINT]),
                             date.fromisoformat(report) if report else None)
            transaction.set_rollback(True)
        return out


def get_backend() -> DatabaseBackend:
    return DatabaseBackend()
