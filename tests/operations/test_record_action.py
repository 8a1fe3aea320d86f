from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from g287.audit.models import AuditEvent
from g287.personnel.facts import FactsError, facts_for
from g287.operations.models import Action, ActionViolation, Obligation
from g287.operations.services import ActionInput, decide, record_action
from g287.personnel import services as ps
from g287.policy import evaluate
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_allowed_detainer_is_stored_with_its_obligation_and_audited():
    ag = f.agency(state="IN")
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    action, decision = record_action(None, o, m, function="issue_detainer", at=datetime(2025, 5, 1, 9, 30),
                                     subject_ref="S-1", criminal_charge="pending", charge_level="misdemeanor")
    assert decision.allowed and action.allowed and not action.flagged_for_review
    assert (action.local_date, action.local_time.isoformat()) == (date(2025, 5, 1), "09:30:00")
    # Indianapolis in May is UTC-4.
    assert action.at == datetime(2025, 5, 1, 13, 30, tzinfo=dt_timezone.utc)
    ob = Obligation.objects.get(action=action)
    assert ob.code == "NOTIFY_ICE_OF_DETAINER" and ob.due_local == "2025-05-02T09:30:00"
    assert ob.due == datetime(2025, 5, 2, 13, 30, tzinfo=dt_timezone.utc)
    ev = AuditEvent.objects.get(action="operations.record_action")
    assert ev.after["decision"] == "allow" and ev.after["obligations"][0]["code"] == "NOTIFY_ICE_OF_DETAINER"


def test_denied_action_keeps_every_violation_and_is_flagged():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    action, decision = record_action(None, o, m, ActionInput(
        function="warrantless_arrest", at=datetime(2025, 5, 2, 14, 0), location="field", in_lea_custody=False,
        criminal_charge="none", reason_to_believe=True, likely_to_escape=True))
    expected = {"FUNCTION_NOT_DELEGATED", "OUTSIDE_AUTHORIZED_LOCATION", "SUBJECT_NOT_IN_LEA_CUSTODY",
                "SUBJECT_NO_CRIMINAL_CHARGE"}
    assert decision.codes == expected and not action.allowed and action.flagged_for_review
    assert set(ActionViolation.objects.filter(action=action).values_list("code", flat=True)) == expected
    assert not Obligation.objects.filter(action=action).exists()


def test_an_aware_instant_is_decided_on_the_agencys_local_day():
    ag = f.agency(state="CA")
    m = f.agreement(ag, signed=date(2025, 5, 2))
    o = f.officer(ag, authorize=m, granted=date(2025, 5, 2))
    # 02:00 UTC on 2 May is still 1 May in California: before the signing.
    action, decision = record_action(None, o, m, function="screen",
                                     at=datetime(2025, 5, 2, 2, 0, tzinfo=dt_timezone.utc))
    assert action.local_date == date(2025, 5, 1)
    assert "AGREEMENT_NOT_YET_EFFECTIVE" in decision.codes


def test_facts_come_from_the_database_in_a_few_queries_and_match_decide():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    for year in (2027, 2029):
        ps.record_training(None, o, course="refresher", model="JEM", completed=date(year, 3, 1), exams=[90])
    ps.record_agreement_notice(None, m, kind="suspension", by="ICE", notice=date(2026, 1, 1), lifted=date(2026, 2, 1))
    with CaptureQueriesContext(connection) as q:
        facts = facts_for(o, m)
    assert len(q.captured_queries) <= 6
    assert len(facts.officer.trainings) == 3 and facts.officer.trainings[0].exams == (82,)
    assert facts.agreement.suspensions[0].lifted == date(2026, 2, 1)
    a = ActionInput(function="interview", at=datetime(2025, 5, 1, 9, 0))
    assert decide(o, m, a).allowed
    assert not Action.objects.exists()
    # After the suspension the old authorization is gone: the engine says so through the same facts.
    later = ActionInput(function="interview", at=datetime(2026, 3, 1, 9, 0))
    assert decide(o, m, later).codes == {"OFFICER_NOT_AUTHORIZED"}


def test_bad_input_names_the_field():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    with pytest.raises(ValidationError, match="function"):
        record_action(None, o, m, function="deport", at=datetime(2025, 5, 1, 9, 0))
    with pytest.raises(ValidationError, match="criminal_charge"):
        record_action(None, o, m, function="screen", at=datetime(2025, 5, 1, 9, 0), criminal_charge="maybe")
    m.template_version = ""
    m.save()
    with pytest.raises(FactsError, match="no MOA template"):
        record_action(None, o, m, function="screen", at=datetime(2025, 5, 1, 9, 0))
    assert not Action.objects.exists()
