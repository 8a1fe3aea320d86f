"""The bulk auditor gives exactly the engine's answer for every action: random facts, random actions."""

from datetime import date, datetime, time, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from g287.redecide.bulk import ACTION_SCHEMA, FactTables, codes_of, decide_all
from g287.policy import evaluate
from g287.policy.clock import add_years
from g287.policy import facts as pf
from g287.policy.rules import RULESETS

BASE = date(2024, 1, 1)
PAIRS = sorted((str(m), t) for m, t in RULESETS)
# Days close together, so that facts and actions often fall on, just before or just after each other.
days = st.integers(-900, 900).map(lambda n: BASE + timedelta(days=n))
few_days = st.one_of(days, st.sampled_from([date(2012, 12, 31), date(2013, 1, 1), date(2024, 2, 29), date(2026, 2, 28)]))


@st.composite
def agreement(draw, ident: int, agency: int):
    model, template = draw(st.sampled_from(PAIRS))
    parties = st.sampled_from([pf.Party.ICE, pf.Party.LEA])
    suspensions = draw(st.lists(st.builds(
        lambda by, notice, exigent, lift: pf.Suspension(by, notice, exigent, None if lift is None else notice + timedelta(days=lift)),
        parties, few_days, st.booleans(), st.one_of(st.none(), st.integers(0, 200))), max_size=2))
    terminations = draw(st.lists(st.builds(pf.Termination, parties, few_days, st.booleans()), max_size=2))
    return pf.AgreementFacts(id=str(ident), agency_id=str(agency), model=pf.Model(model), template=template,
                             signed=draw(few_days), expires=draw(st.one_of(st.none(), few_days)),
                             suspensions=tuple(suspensions), terminations=tuple(terminations),
                             detention_agreement=draw(st.booleans()))


@st.composite
def officer(draw, ident: int, agency: int, agreement_ids: list[int], models: list[pf.Model]):
    # Mostly courses of the agreements' models with passing scores, so that the training rules are reached.
    model = st.one_of(st.sampled_from(models), st.sampled_from(list(pf.Model)))
    exams = st.one_of(st.lists(st.integers(70, 100), max_size=2), st.lists(st.integers(0, 100), max_size=3)).map(tuple)
    trainings = draw(st.lists(st.builds(pf.Training, st.sampled_from(["basic", "basic", "refresher"]), model, few_days,
                                        exams), max_size=4))
    auths = draw(st.lists(st.builds(
        lambda ag, granted, rev: pf.Authorization(str(ag), granted, None if rev is None else granted + timedelta(days=rev)),
        st.sampled_from(agreement_ids), few_days, st.one_of(st.none(), st.integers(-5, 900))), max_size=3))
    return pf.OfficerFacts(
        id=str(ident), agency_id=str(agency), us_citizen=draw(st.booleans()),
        background_check=draw(st.sampled_from(list(pf.BackgroundCheck))),
        lea_experience_years=draw(st.sampled_from([0, 1, 1.99, 2, 2.01, 6])),
        trainings=tuple(sorted(trainings, key=lambda t: t.completed)), authorizations=tuple(auths))


@st.composite
def world(draw):
    n_ag = draw(st.integers(1, 2))
    agreements = {i: draw(agreement(i, agency=draw(st.integers(1, 2)))) for i in range(1, n_ag + 1)}
    models = [a.model for a in agreements.values()]
    officers = {100 + j: draw(officer(100 + j, draw(st.integers(1, 2)), list(agreements), models))
                for j in range(draw(st.integers(1, 2)))}
    # Actions on, the day before and the day after each day the facts name, and their terms' ends.
    named = {ag.signed for ag in agreements.values()} | {ag.expires for ag in agreements.values() if ag.expires}
    for ag in agreements.values():
        named |= {s.notice for s in ag.suspensions} | {s.lifted for s in ag.suspensions if s.lifted}
        named |= {s.notice + timedelta(days=90) for s in ag.suspensions} | {t.notice for t in ag.terminations}
        named |= {t.notice + timedelta(days=90) for t in ag.terminations}
    for o in officers.values():
        named |= {t.completed for t in o.trainings} | {add_years(t.completed, 2) for t in o.trainings}
        named |= {a.granted for a in o.authorizations} | {add_years(a.granted, 2) for a in o.authorizations}
        named |= {a.revoked for a in o.authorizations if a.revoked}
    near = sorted(d + timedelta(days=k) for d in named for k in (-1, 0, 1))
    actions = draw(st.lists(st.fixed_dictionaries({
        "officer_id": st.sampled_from(list(officers)), "agreement_id": st.sampled_from(list(agreements)),
        "function": st.sampled_from(pf.FUNCTIONS), "d": st.one_of(few_days, st.sampled_from(near)),
        "location": st.sampled_from([l.value for l in pf.Location]), "in_lea_custody": st.booleans(),
        "criminal_charge": st.sampled_from([c.value for c in pf.CriminalCharge]), "ice_designated": st.booleans(),
        "usc_claim": st.booleans(), "warrant_signed_by_ice": st.booleans(), "reason_to_believe": st.booleans(),
        "likely_to_escape": st.booleans()}), min_size=1, max_size=25))
    return agreements, officers, actions


def _engine(agreements, officers, a) -> frozenset[str]:
    facts = pf.Facts(agreement=agreements[a["agreement_id"]], officer=officers[a["officer_id"]])
    action = pf.Action(function=a["function"], at=datetime.combine(a["d"], time(10, 0)), location=pf.Location(a["location"]),
                       subject=pf.Subject(a["in_lea_custody"], pf.CriminalCharge(a["criminal_charge"]), a["ice_designated"],
                                          a["usc_claim"]),
                       warrant_signed_by_ice=a["warrant_signed_by_ice"], reason_to_believe=a["reason_to_believe"],
                       likely_to_escape=a["likely_to_escape"])
    return evaluate(facts, action).codes


HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=400, deadline=None, suppress_health_check=HEALTH)
@given(world())
def test_bulk_equals_engine_per_action(w):
    _check(w)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=HEALTH)
@given(world())
def test_bulk_equals_engine_per_action_many_examples(w):
    _check(w)


def _check(w):
    agreements, officers, actions = w
    frame = pl.DataFrame([{"id": i, **{k: v for k, v in a.items() if k != "usc_claim"}} for i, a in enumerate(actions)],
                         schema=ACTION_SCHEMA)
    tables = FactTables(agreements, officers, {k: int(a.agency_id) for k, a in agreements.items()})
    got = {r["id"]: codes_of(r["mask"]) for r in decide_all(frame, tables).iter_rows(named=True)}
    assert len(got) == len(actions)
    for i, a in enumerate(actions):
        assert got[i] == _engine(agreements, officers, a), (a, agreements[a["agreement_id"]], officers[a["officer_id"]])
