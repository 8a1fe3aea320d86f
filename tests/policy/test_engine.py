"""The policy engine on its own: rules loading, evaluate(), clocks, and the tables for a bulk auditor."""

from datetime import date, datetime

import pytest

from g287 import policy
from g287.policy import (
    Action,
    AgreementFacts,
    Authorization,
    Facts,
    OfficerFacts,
    Subject,
    Suspension,
    Termination,
    Training,
    evaluate,
)
from g287.policy import rules as rules_module
from g287.policy.clock import add_weekday_hours, add_years, notify_ice_due, resolution_report_due


def jem(**kw):
    base = dict(id="m", agency_id="a", model="JEM", template="2025", signed=date(2025, 3, 3))
    base.update(kw)
    return AgreementFacts(**base)


def officer(**kw):
    base = dict(
        id="o",
        agency_id="a",
        trainings=(Training("basic", "JEM", date(2025, 3, 20), (85,)),),
        authorizations=(Authorization("m", date(2025, 4, 1)),),
    )
    base.update(kw)
    return OfficerFacts(**base)


AT = datetime(2025, 5, 1, 10, 0)


def test_allowed_action_has_no_violations_and_cites_obligations():
    d = evaluate(Facts(jem(), officer()), Action("issue_detainer", AT, subject=Subject(usc_claim=True)))
    assert d.allowed and d.decision == "allow" and d.codes == frozenset()
    assert [(o.code, o.due) for o in d.obligations] == [
        ("NOTIFY_ICE_OF_DETAINER", datetime(2025, 5, 2, 10, 0)),
        ("REPORT_USC_CLAIM", datetime(2025, 5, 1, 11, 0)),
    ]
    assert all(o.citation.startswith("2025 JEM MOA") and o.message for o in d.obligations)


def test_allowed_action_without_obligations():
    d = evaluate(Facts(jem(), officer()), Action("interview", AT))
    assert d == policy.Decision(True)


def test_detention_agreement_removes_transfer_or_release():
    with_igsa = evaluate(Facts(jem(detention_agreement=True), officer()), Action("serve_arrest_warrant", AT))
    without = evaluate(Facts(jem(), officer()), Action("serve_arrest_warrant", AT))
    assert with_igsa.allowed and with_igsa.obligations == ()
    assert [o.code for o in without.obligations] == ["TRANSFER_OR_RELEASE"]


def test_denied_action_creates_no_obligation_and_every_violation_has_sentence_and_citation():
    d = evaluate(
        Facts(jem(), officer(us_citizen=False)),
        Action("issue_detainer", AT, location="field", subject=Subject(usc_claim=True)),
    )
    assert not d.allowed and d.decision == "deny" and d.obligations == ()
    assert d.codes == {"OUTSIDE_AUTHORIZED_LOCATION", "OFFICER_INELIGIBLE"}
    for v in d.violations:
        assert v.message.endswith(".") and "{" not in v.message
        assert v.citation.startswith("2025 JEM MOA")


def test_function_not_delegated_names_the_function_and_section():
    d = evaluate(Facts(jem(), officer()), Action("execute_search_warrant", AT))
    (v,) = d.violations
    assert v.code == "FUNCTION_NOT_DELEGATED"
    assert v.message.startswith("Executing a search warrant is not delegated under a JEM agreement on the 2025")
    assert "Section IV.A" in v.citation


def test_citations_follow_the_template():
    tfm = AgreementFacts("t", "a", "TFM", "2025", date(2025, 3, 18))
    d = evaluate(Facts(tfm, officer(lea_experience_years=1)), Action("interview", AT))
    assert d.violations[0].citation.startswith("2025 TFM MOA, Section VII")
    assert "two years" in d.violations[0].message or "2 years" in d.violations[0].message
    wso20 = AgreementFacts("w", "a", "WSO", "2020", date(2020, 5, 6))
    d = evaluate(Facts(wso20, officer()), Action("interview", AT))
    assert all("2019 WSO MOA" in v.citation for v in d.violations if v.code == "FUNCTION_NOT_DELEGATED")


def test_unknown_function_and_pair_are_clear_errors():
    with pytest.raises(ValueError, match="unknown function 'fly'"):
        evaluate(Facts(jem(), officer()), Action("fly", AT))
    with pytest.raises(policy.UnknownRuleSet, match="no rules for model 'WSO' on MOA template '2016'"):
        evaluate(Facts(jem(model="WSO", template="2016"), officer()), Action("interview", AT))
    with pytest.raises(policy.UnknownRuleSet, match="HYBRID 2009"):
        policy.ruleset("HYBRID", "2025")


def test_template_may_be_given_as_a_number():
    assert policy.ruleset("JEM", 2025).template == "2025"


def test_suspension_lifted_before_it_takes_effect_revokes_nothing():
    ag = AgreementFacts(
        "w", "a", "WSO", "2025", date(2025, 2, 26),
        suspensions=(Suspension("ICE", date(2025, 6, 1), lifted=date(2025, 7, 1)),),
    )
    off = officer(trainings=(Training("basic", "WSO", date(2025, 3, 1)),), authorizations=(Authorization("w", date(2025, 3, 12)),))
    d = evaluate(Facts(ag, off), Action("serve_arrest_warrant", datetime(2025, 9, 1), subject=Subject(ice_designated=True)))
    assert d.allowed


def test_latest_revocation_counts():
    ag = jem(
        suspensions=(Suspension("ICE", date(2025, 6, 1), lifted=date(2025, 6, 10)), Suspension("ICE", date(2025, 5, 1), lifted=date(2025, 5, 5))),
        terminations=(Termination("LEA", date(2025, 12, 1)), Termination("ICE", date(2025, 9, 1))),
    )
    # an authorization granted between the two suspensions is revoked by the second
    state = policy.agreement_state(policy.ruleset("JEM", "2025"), ag, date(2025, 6, 20))
    assert state == (False, False, False, False, date(2025, 6, 1))
    off = officer(authorizations=(Authorization("m", date(2025, 5, 20)),))
    assert evaluate(Facts(ag, off), Action("interview", datetime(2025, 6, 20))).codes == {"OFFICER_NOT_AUTHORIZED"}
    state = policy.agreement_state(policy.ruleset("JEM", "2025"), ag, date(2026, 1, 1))
    assert state[3] is True and state[4] == date(2025, 12, 1)


def test_termination_order_does_not_matter():
    ag = jem(terminations=(Termination("LEA", date(2025, 6, 1)), Termination("LEA", date(2025, 5, 1))))
    assert policy.agreement_state(policy.ruleset("JEM", "2025"), ag, date(2025, 7, 1))[4] == date(2025, 6, 1)


def test_exams_passed():
    assert policy.exams_passed(())
    assert policy.exams_passed((70,))
    assert policy.exams_passed((69, 70))
    assert not policy.exams_passed((69,))
    assert not policy.exams_passed((60, 65, 90))
    assert not policy.exams_passed((90, 69))


def test_training_lapse_uses_latest_passed_completion():
    trainings = (
        Training("refresher", "JEM", date(2024, 6, 1)),
        Training("basic", "JEM", date(2023, 1, 1), (80,)),
        Training("refresher", "JEM", date(2025, 1, 1), (50, 40)),  # failed: does not count
        Training("refresher", "WSO", date(2025, 1, 1)),  # another model: does not count
    )
    off = officer(trainings=trainings)
    assert evaluate(Facts(jem(), off), Action("interview", datetime(2026, 6, 1))).allowed
    assert evaluate(Facts(jem(), off), Action("interview", datetime(2026, 6, 2))).codes == {"TRAINING_LAPSED"}


def test_other_agency_is_never_authorized():
    off = officer(agency_id="b")
    rs = policy.ruleset("JEM", "2025")
    assert policy.authorization_status(rs, jem(), off, date(2025, 5, 1), None) == "OFFICER_NOT_AUTHORIZED"


def test_authorization_expired_only_when_no_other_authorization_is_current():
    tfm = AgreementFacts("t", "a", "TFM", "2025", date(2025, 3, 18))
    rs = policy.ruleset("TFM", "2025")
    old = Authorization("t", date(2025, 4, 1))
    assert policy.authorization_status(rs, tfm, officer(authorizations=(old,)), date(2027, 4, 2), None) == "AUTHORIZATION_EXPIRED"
    both = (old, Authorization("t", date(2026, 4, 1)))
    assert policy.authorization_status(rs, tfm, officer(authorizations=both), date(2027, 4, 2), None) is None


def test_add_years():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2025, 4, 30), 2) == date(2027, 4, 30)


def test_weekday_hours():
    assert notify_ice_due(datetime(2025, 6, 6, 15)) == datetime(2025, 6, 10, 15)
    assert notify_ice_due(datetime(2025, 6, 7, 10)) == datetime(2025, 6, 11, 0)
    assert add_weekday_hours(datetime(2025, 6, 7, 10), 0) == datetime(2025, 6, 7, 10)
    assert add_weekday_hours(datetime(2025, 6, 6, 23, 30), 0.5) == datetime(2025, 6, 7, 0, 0)
    assert add_weekday_hours(datetime(2025, 6, 8, 12), 1.5) == datetime(2025, 6, 9, 1, 30)
    with pytest.raises(ValueError):
        add_weekday_hours(datetime(2025, 6, 6), -1)


def test_resolution_report_due():
    assert resolution_report_due(date(2025, 7, 1)) == date(2025, 7, 31)
    assert resolution_report_due(datetime(2025, 7, 1, 16, 0)) == date(2025, 7, 31)


def test_obligation_due():
    assert policy.obligation_due(None, datetime(2025, 5, 1, 0, 0)) == datetime(2025, 5, 1, 23, 59)


def test_notices_not_yet_in_effect_and_termination_in_effect():
    ag = jem(
        suspensions=(Suspension("ICE", date(2025, 6, 1)),),
        terminations=(Termination("ICE", date(2025, 4, 1)),),  # takes effect 2025-06-30
    )
    assert evaluate(Facts(ag, officer()), Action("interview", datetime(2025, 5, 31))).allowed
    assert evaluate(Facts(ag, officer()), Action("interview", datetime(2025, 6, 30))).codes == {
        "AGREEMENT_SUSPENDED", "AGREEMENT_TERMINATED", "OFFICER_NOT_AUTHORIZED"}
