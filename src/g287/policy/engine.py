"""``evaluate(facts, action)``: rules.md sections 4–6 applied to one action.

The rule tables are compiled once (``rules.RULESETS``); a call reads them, compares dates and appends
prebuilt :class:`Violation` objects, so a decision costs a few microseconds.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from g287.policy.clock import add_years
from g287.policy.facts import (
    FUNCTIONS,
    Action,
    AgreementFacts,
    BackgroundCheck,
    CriminalCharge,
    Decision,
    Facts,
    Location,
    Obligation,
    OfficerFacts,
    Training,
)
from g287.policy.rules import WARRANT_FUNCTIONS, RuleSet, ruleset

PASS_SCORE = 70
_FUNCTIONS = frozenset(FUNCTIONS)
_END_OF_DAY = time(23, 59)
_ALLOW_NOTHING = Decision(True)


def exams_passed(exams: tuple[int, ...] | list[int]) -> bool:
    """A course is passed when the last score is >= 70 and at most one score is below 70.

    No scores at all: the completion was recorded without its exam results, and the completion
    record is taken as the certification (see docs/decisions.md).
    """
    if not exams:
        return True
    if exams[-1] < PASS_SCORE:
        return False
    return sum(1 for s in exams if s < PASS_SCORE) <= 1


def agreement_state(rs: RuleSet, agreement: AgreementFacts, d: date) -> tuple[bool, bool, bool, bool, date | None]:
    """(not yet effective, expired, suspended, terminated, last revocation day) of an agreement on ``d``.

    The last revocation day is the latest day on or before ``d`` on which a suspension or termination
    took effect: every authorization granted on or before it was revoked.
    """
    revoked_through: date | None = None
    suspended = False
    for s in agreement.suspensions:
        start = rs.effective("suspension", s.by, s.notice, s.exigent)
        if s.lifted is not None and s.lifted <= start:
            continue  # lifted before it took effect: never in effect, revoked nothing
        if start <= d:
            if s.lifted is None or d < s.lifted:
                suspended = True
            if revoked_through is None or start > revoked_through:
                revoked_through = start
    terminated = False
    for t in agreement.terminations:
        start = rs.effective("termination", t.by, t.notice, t.exigent)
        if start <= d:
            terminated = True
            if revoked_through is None or start > revoked_through:
                revoked_through = start
    expired = (rs.fixed_term and agreement.expires is not None and d > agreement.expires) or (
        rs.expired_after is not None and d > rs.expired_after
    )
    return d < agreement.signed, expired, suspended, terminated, revoked_through


def _certified(rs: RuleSet, trainings: tuple[Training, ...], d: date) -> bool:
    for t in trainings:
        if t.course == "basic" and t.model in rs.basic_course_models and t.completed <= d and exams_passed(t.exams):
            return True
    return False


def _last_completion(rs: RuleSet, trainings: tuple[Training, ...], d: date) -> date | None:
    last = None
    for t in trainings:
        if (
            t.model in rs.basic_course_models
            and t.completed <= d
            and (last is None or t.completed > last)
            and t.course in ("basic", "refresher")
            and exams_passed(t.exams)
        ):
            last = t.completed
    return last


def authorization_status(
    rs: RuleSet, agreement: AgreementFacts, officer: OfficerFacts, d: date, revoked_through: date | None
) -> str | None:
    """None when authorized on ``d``; else ``OFFICER_NOT_AUTHORIZED`` or ``AUTHORIZATION_EXPIRED``."""
    if officer.agency_id != agreement.agency_id:
        return "OFFICER_NOT_AUTHORIZED"  # an officer of another agency is never authorized
    term = rs.authorization_term_years
    in_force = False
    for a in officer.authorizations:
        if (
            a.agreement_id == agreement.id
            and a.granted <= d
            and (a.revoked is None or a.revoked > d)
            and (revoked_through is None or a.granted > revoked_through)
        ):
            if term is None or d <= add_years(a.granted, term):
                return None
            in_force = True
    return "AUTHORIZATION_EXPIRED" if in_force else "OFFICER_NOT_AUTHORIZED"


def evaluate(facts: Facts, action: Action) -> Decision:
    """Every rule of rules.md sections 4–5 the action breaks; for an allowed action, its obligations."""
    agreement = facts.agreement
    officer = facts.officer
    rs = ruleset(agreement.model, agreement.template)
    fn = action.function
    if fn not in _FUNCTIONS:
        raise ValueError(f"unknown function {fn!r}; expected one of {', '.join(FUNCTIONS)}")
    v = rs.violations
    out = []
    subject = action.subject

    # Section 4: what, where, on whom.
    if fn not in rs.functions:
        out.append(rs.not_delegated[fn])
    if rs.facility_only:
        if action.location != Location.LEA_FACILITY:
            out.append(v["OUTSIDE_AUTHORIZED_LOCATION"])
        if not subject.in_lea_custody:
            out.append(v["SUBJECT_NOT_IN_LEA_CUSTODY"])
    if rs.requires_criminal_charge and subject.criminal_charge == CriminalCharge.NONE:
        out.append(v["SUBJECT_NO_CRIMINAL_CHARGE"])
    if rs.requires_ice_designation and not subject.ice_designated:
        out.append(v["SUBJECT_NOT_DESIGNATED_BY_ICE"])
    if fn in WARRANT_FUNCTIONS and not action.warrant_signed_by_ice:
        out.append(v["WARRANT_NOT_SIGNED"])
    if fn == "warrantless_arrest" and not (action.reason_to_believe and action.likely_to_escape):
        out.append(v["WARRANTLESS_ARREST_CONDITIONS_NOT_MET"])

    # Section 5: the agreement in force on d.
    d = action.at.date()
    not_yet, expired, suspended, terminated, revoked_through = agreement_state(rs, agreement, d)
    if not_yet:
        out.append(v["AGREEMENT_NOT_YET_EFFECTIVE"])
    if expired:
        out.append(v["AGREEMENT_EXPIRED"])
    if suspended:
        out.append(v["AGREEMENT_SUSPENDED"])
    if terminated:
        out.append(v["AGREEMENT_TERMINATED"])

    # Section 5: the officer on d.
    if (
        not officer.us_citizen
        or officer.background_check != BackgroundCheck.APPROVED
        or officer.lea_experience_years < rs.min_lea_experience_years
    ):
        out.append(v["OFFICER_INELIGIBLE"])
    if not _certified(rs, officer.trainings, d):
        out.append(v["TRAINING_INCOMPLETE"])
    elif rs.refresher_years is not None:
        last = _last_completion(rs, officer.trainings, d)
        if add_years(last, rs.refresher_years) < d:  # type: ignore[arg-type]  # certified: a completion exists
            out.append(v["TRAINING_LAPSED"])
    not_authorized = authorization_status(rs, agreement, officer, d, revoked_through)
    if not_authorized is not None:
        out.append(v[not_authorized])

    if out:
        return Decision(False, tuple(out))
    return _allowed(rs, agreement, action)


def _allowed(rs: RuleSet, agreement: AgreementFacts, action: Action) -> Decision:
    at = action.at
    usc = action.subject.usc_claim
    obligations = []
    for o in rs.obligations_by_function[action.function]:
        if (o.when_usc_claim and not usc) or (o.unless_detention_agreement and agreement.detention_agreement):
            continue
        obligations.append(Obligation(o.code, obligation_due(o.due, at), o.message, o.citation))
    if not obligations:
        return _ALLOW_NOTHING
    return Decision(True, (), tuple(obligations))


def obligation_due(rule_due: timedelta | None, at: datetime) -> datetime:
    """When an obligation created at ``at`` is due (a rule's ``due``; None means 23:59 the same day)."""
    return datetime.combine(at.date(), _END_OF_DAY) if rule_due is None else at + rule_due
