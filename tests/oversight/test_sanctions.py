from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g287.accounts.models import Role
from g287.oversight.models import Sanction
from g287.oversight.services import complaints as cs
from g287.oversight.services import sanctions as ss
from g287.personnel import services as ps
from g287.personnel.models import Authorization
from g287.personnel.status import officer_status
from tests.oversight.helpers import user
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_revoking_the_last_authorized_officer_is_refused_until_the_agreement_is_suspended():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    auth = Authorization.objects.get(officer=o)
    with pytest.raises(ValidationError, match="no authorized officer") as err:
        ps.revoke_authorization(None, auth, date(2025, 6, 1), "misconduct")
    assert err.value.error_dict["revoked"][0].code == "last_officer"
    with pytest.raises(ValidationError, match="no authorized officer"):
        ss.impose(None, Sanction.Kind.REVOKE_OFFICER, Sanction.Reason.MISCONDUCT, date(2025, 6, 1), agency=ag,
                  officer=o)
    assert not Sanction.objects.exists()  # the refused sanction left nothing behind
    # Through the suspension process: the agreement's notice first, then the officer.
    s = ss.impose(None, Sanction.Kind.SUSPEND_AGREEMENT, Sanction.Reason.NONCOMPLIANCE, date(2025, 6, 1), agency=ag,
                  agreement=m, details="Repeated violations", length_days=60)
    assert s.effective == date(2025, 6, 1)  # JEM 2025: a suspension takes effect on its notice date
    assert "Length: 60 days" in s.notice.note
    ss.impose(None, Sanction.Kind.REVOKE_OFFICER, Sanction.Reason.MISCONDUCT, date(2025, 6, 1), agency=ag, officer=o)
    assert Authorization.objects.get(officer=o).revoked == date(2025, 6, 1)


def test_a_second_officer_may_be_revoked_and_a_void_grant_corrected():
    ag = f.agency()
    m = f.agreement(ag)
    o1, o2 = f.officer(ag, "B-1", authorize=m), f.officer(ag, "B-2", authorize=m)
    ps.revoke_authorization(None, Authorization.objects.get(officer=o1), date(2025, 6, 1), "misconduct")
    with pytest.raises(ValidationError, match="no authorized officer"):
        ps.revoke_authorization(None, Authorization.objects.get(officer=o2), date(2025, 6, 2), "misconduct")
    # Dated on the grant day the authorization never took effect: allowed.
    ps.revoke_authorization(None, Authorization.objects.get(officer=o2), date(2025, 4, 1), "granted in error")


def test_wso_suspension_takes_effect_on_the_template_day_and_officer_suspension_is_lifted():
    ag = f.agency("wso", state="TX")
    m = f.agreement(ag, model="WSO", template="2025")
    o1, o2 = f.officer(ag, "W-1", model="WSO", authorize=m), f.officer(ag, "W-2", model="WSO", authorize=m)
    assert ss.notice_effect(m, "suspension", date(2025, 7, 1)) == \
        __import__("g287.policy.rules", fromlist=["ruleset"]).ruleset("WSO", "2025").effective(
            "suspension", "ICE", date(2025, 7, 1))
    s = ss.impose(None, Sanction.Kind.SUSPEND_OFFICER, Sanction.Reason.COMPLAINT, date(2025, 6, 1), agency=ag,
                  officer=o1)
    assert officer_status(o1, date(2025, 6, 2)).authorized_under == ()
    ss.lift(None, s, date(2025, 6, 15))
    assert officer_status(o1, date(2025, 6, 16)).authorized_under == (m.pk,)
    with pytest.raises(ValidationError, match="already lifted"):
        ss.lift(None, s, date(2025, 6, 20))
    t = ss.impose(None, Sanction.Kind.TERMINATE_AGREEMENT, Sanction.Reason.NONCOMPLIANCE, date(2025, 7, 1),
                  agency=ag, agreement=m)
    assert t.effective == ss.notice_effect(m, "termination", date(2025, 7, 1)) and t.notice.by == "ICE"


def test_only_ice_roles_in_scope_impose():
    ag, other = f.agency(), f.agency("other")
    m = f.agreement(ag)
    for u in (user("coord", Role.LEA_COORDINATOR, agency=ag), user("prog-b", Role.OFFICER, agency=ag)):
        with pytest.raises(PermissionDenied):
            ss.impose(u, Sanction.Kind.SUSPEND_AGREEMENT, "noncompliance", date(2025, 6, 1), agency=ag, agreement=m)
    prog = user("prog", Role.PROGRAM_OFFICE)
    ss.impose(prog, Sanction.Kind.SUSPEND_AGREEMENT, "noncompliance", date(2025, 6, 1), agency=ag, agreement=m)
    with pytest.raises(ValidationError, match="not an agreement of"):
        ss.impose(prog, Sanction.Kind.SUSPEND_AGREEMENT, "noncompliance", date(2025, 6, 1), agency=other, agreement=m)


def test_sustained_racial_profiling_proposes_rescission_until_decided():
    ag = f.agency(state="IN")
    m = f.agreement(ag)
    o1, o2 = f.officer(ag, "B-1", authorize=m), f.officer(ag, "B-2", authorize=m)
    c = cs.receive_complaint(None, ag, datetime(2025, 6, 2, 9, 0), officer=o1, allegation="racial_profiling")
    cs.notify_ice(None, c, datetime(2025, 6, 3, 9, 0))
    cs.resolve_complaint(None, c, date(2025, 7, 1), outcome="sustained")
    proposal = Sanction.objects.get()
    assert (proposal.status, proposal.kind, proposal.officer, proposal.complaint_id) == (
        Sanction.Status.PROPOSED, Sanction.Kind.REVOKE_OFFICER, o1, c.pk)
    ss.accept(None, proposal, date(2025, 7, 2))
    assert Authorization.objects.get(officer=o1).revoked == date(2025, 7, 2)
    with pytest.raises(ValidationError, match="not awaiting a decision"):
        ss.decline(None, proposal, "late")
    # The department's: every agreement in force is proposed for termination; declining needs a reason.
    d = cs.receive_complaint(None, ag, datetime(2025, 6, 2, 9, 0), about="department", allegation="racial_profiling")
    cs.resolve_complaint(None, d, date(2025, 7, 1), outcome="sustained")
    dept = Sanction.objects.get(complaint=d)
    assert (dept.kind, dept.agreement) == (Sanction.Kind.TERMINATE_AGREEMENT, m)
    with pytest.raises(ValidationError, match="states why"):
        ss.decline(None, dept, "")
    ss.decline(None, dept, "Finding concerned one officer, already revoked")
    # Not sustained: nothing proposed.
    e = cs.receive_complaint(None, ag, datetime(2025, 6, 2, 9, 0), officer=o2, allegation="racial_profiling")
    cs.resolve_complaint(None, e, date(2025, 7, 1), outcome="unfounded")
    assert not Sanction.objects.filter(complaint=e).exists()


def test_training_lapse_is_proposed_once_per_lapse():
    ag = f.agency()
    m = f.agreement(ag, signed=date(2020, 1, 1), template="2020")
    lapsed = f.officer(ag, "B-1", completed=date(2021, 3, 1), authorize=m, granted=date(2021, 4, 1))
    current = f.officer(ag, "B-2", completed=date(2021, 3, 1), authorize=m, granted=date(2021, 4, 1))
    ps.record_training(None, current, course="refresher", model="JEM", completed=date(2022, 2, 1), exams=[90])
    until = officer_status(lapsed, date(2022, 6, 1)).training_current_until["JEM"]
    assert ss.propose_training_lapse_sanctions(until) == []
    made = ss.propose_training_lapse_sanctions(date.fromordinal(until.toordinal() + 1))
    assert [(s.officer, s.reason, s.status) for s in made] == [(lapsed, "training_lapse", "proposed")]
    assert ss.propose_training_lapse_sanctions(date.fromordinal(until.toordinal() + 30)) == []
