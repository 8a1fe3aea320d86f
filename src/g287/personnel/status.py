"""An officer's standing as of a date, derived from the recorded facts by the engine's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from g287.operations.facts import facts_for, officer_facts
from g287.personnel.models import Officer
from g287.policy import facts as pf
from g287.policy.clock import add_years
from g287.policy.engine import agreement_state, authorization_status, exams_passed
from g287.policy.rules import RULESETS, ruleset


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

