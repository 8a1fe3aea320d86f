"""An officer's standing as of a date, derived from the recorded facts by the engine's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from g287.personnel.facts import facts_for, officer_facts
from g287.personnel.models import Officer
from g287.policy import facts as pf
from g287.policy.clock import add_years
from g287.policy.engine import agreement_state, authorization_status, evaluate, exams_passed
from g287.policy.rules import RULESETS, UnknownRuleSet, ruleset


@dataclass(frozen=True)
class AgreementStanding:
    agreement_id: int
    model: str
    authorized: bool
    problem: str | None  # the violation code that stands in the way (OFFICER_NOT_AUTHORIZED, ...), if any


@dataclass(frozen=True)
class OfficerStatus:
    as_of: date
    certified: frozenset[str]  # models whose basic course the officer had passed by as_of
    training_current: dict[str, bool]  # model -> current on as_of (models with a refresher cycle)
    training_current_until: dict[str, date]  # model -> the last day the training stays current
    agreements: tuple[AgreementStanding, ...] = field(default=())

    @property
    def authorized_under(self) -> tuple[int, ...]:
        return tuple(a.agreement_id for a in self.agreements if a.authorized)


def _qualifying(trainings, model: str, as_of: date, courses) -> list[pf.Training]:
    return [t for t in trainings if t.model == model and t.course in courses and t.completed <= as_of
            and exams_passed(t.exams)]


def officer_status(officer: Officer, as_of: date) -> OfficerStatus:
    """Certified for which models, training current, authorized under which agreements, on ``as_of``."""
    agreements = {a.agreement for a in officer.authorizations.select_related("agreement__agency")}
    of = officer_facts(officer)
    certified = frozenset(str(t.model) for t in of.trainings
                          if t.course == "basic" and t.completed <= as_of and exams_passed(t.exams))
    current, until = {}, {}
    for model in sorted(certified):
        # The refresher cycle is the model's (every template of a model has the same one, or none).
        years = max((rs.refresher_years or 0) for (m, _), rs in RULESETS.items() if str(m) == model)
        if not years:
            continue
        last = max(t.completed for t in _qualifying(of.trainings, model, as_of, ("basic", "refresher")))
        until[model] = add_years(last, years)
        current[model] = as_of <= until[model]
    standings = []
    for ag in sorted(agreements, key=lambda a: a.pk):
        if not ag.template_version or ag.signed is None:
            standings.append(AgreementStanding(ag.pk, ag.model, False, "AGREEMENT_INCOMPLETE"))
            continue
        f = facts_for(officer, ag)
        rs = ruleset(ag.model, ag.template_version)
        *_, revoked_through = agreement_state(rs, f.agreement, as_of)
        problem = authorization_status(rs, f.agreement, f.officer, as_of, revoked_through)
        standings.append(AgreementStanding(ag.pk, ag.model, problem is None, problem))
    return OfficerStatus(as_of, certified, current, until, tuple(standings))



# The engine's own decision on a probe action, to ask "could this officer act under this agreement on a day?".
# The probe meets every condition of rules.md section 4 (a warrant ICE signed, served on an ICE-designated person
# in the agency's custody, with a pending charge), so only section 5 — agreement in force, eligibility, training,
# authorization — can stand in the way.
_PROBE_FUNCTION = "serve_arrest_warrant"


@dataclass(frozen=True)
class Standing:
    agreement: object  # registry.Agreement
    may_act: bool
    violations: tuple  # policy Violation (code, message, citation): what stands in the way on the day
    authorization: object | None  # the authorization in force on the day, if any
    authorization_ends: date | None  # last day of a fixed-term authorization (Task Force 2025), if any


def standings(officer: Officer, as_of: date) -> list[Standing]:
    """For each agreement of the officer's agency: whether the engine would let the officer act under it on
    ``as_of``, and every reason why not."""
    from datetime import datetime, time

    out = []
    auths = list(officer.authorizations.all())
    for ag in officer.agency.agreements.order_by("-signed", "model", "id"):
        held = next((a for a in sorted(auths, key=lambda a: a.granted, reverse=True)
                     if a.agreement_id == ag.pk and a.granted <= as_of and (a.revoked is None or a.revoked > as_of)),
                    None)
        try:
            rs = ruleset(ag.model, ag.template_version)
        except UnknownRuleSet:
            rs = None
        if rs is None or ag.signed is None:
            out.append(Standing(ag, False, (pf.Violation("AGREEMENT_INCOMPLETE",
                                                         "The agreement's template or signing date is unknown.",
                                                         ""),), held, None))
            continue
        facts = facts_for(officer, ag)
        probe = pf.Action(function=_PROBE_FUNCTION, at=datetime.combine(as_of, time(12, 0)),
                          location=pf.Location.LEA_FACILITY,
                          subject=pf.Subject(in_lea_custody=True, criminal_charge=pf.CriminalCharge.PENDING,
                                             ice_designated=True),
                          warrant_signed_by_ice=True)
        decision = evaluate(facts, probe)
        ends = add_years(held.granted, rs.authorization_term_years) if held and rs.authorization_term_years else None
        out.append(Standing(ag, decision.allowed, decision.violations, held, ends))
    return out
