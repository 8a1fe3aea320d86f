from datetime import date

import pytest
from django.core.exceptions import ValidationError

from g287.audit.models import AuditEvent
from g287.personnel import services as ps
from g287.personnel.models import Authorization, ExamScore
from g287.personnel.status import officer_status
from g287.registry.models import AgreementEvent
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_nomination_is_audited_and_references_are_unique_per_agency():
    ag = f.agency()
    o = ps.nominate_officer(None, ag, "B-7", us_citizen=True, background_check="approved", lea_experience_years=3)
    ev = AuditEvent.objects.get(action="personnel.nominate_officer")
    assert ev.object_id == str(o.pk) and ev.before is None and ev.after["reference"] == "B-7"
    with pytest.raises(ValidationError, match="already has an officer"):
        ps.nominate_officer(None, ag, "B-7")
    other = f.agency("other-pd")
    assert ps.nominate_officer(None, other, "B-7").pk != o.pk
    with pytest.raises(ValidationError, match="background_check"):
        ps.nominate_officer(None, ag, "B-8", background_check="maybe")


def test_training_keeps_exam_order_and_rejects_bad_scores():
    ag = f.agency()
    o = ps.nominate_officer(None, ag, "B-1")
    t = ps.record_training(None, o, course="basic", model="JEM", completed=date(2025, 3, 1), exams=[64, 81])
    assert list(ExamScore.objects.filter(training=t).values_list("order", "score")) == [(1, 64), (2, 81)]
    for bad in ([101], [-1], ["80"], [True]):
        with pytest.raises(ValidationError, match="exam 1"):
            ps.record_training(None, o, course="basic", model="JEM", completed=date(2025, 3, 1), exams=bad)
    with pytest.raises(ValidationError, match="course"):
        ps.record_training(None, o, course="advanced", model="JEM", completed=date(2025, 3, 1))
    assert AuditEvent.objects.filter(action="personnel.record_training").count() == 1


def test_revocation_states_its_reason_and_happens_once():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    f.officer(ag, "B-200", authorize=m)  # not the last authorized officer (that needs a suspension)
    auth = Authorization.objects.get(officer=o)
    with pytest.raises(ValidationError, match="reason"):
        ps.revoke_authorization(None, auth, date(2025, 5, 1), "  ")
    with pytest.raises(ValidationError, match="before the grant"):
        ps.revoke_authorization(None, auth, date(2025, 1, 1), "misconduct")
    ps.revoke_authorization(None, auth, date(2025, 5, 1), "misconduct")
    ev = AuditEvent.objects.get(action="personnel.revoke_authorization")
    assert ev.before["revoked"] is None and ev.after["revoked"] == "2025-05-01"
    with pytest.raises(ValidationError, match="already revoked"):
        ps.revoke_authorization(None, auth, date(2025, 6, 1), "again")


def test_notices_and_lifting():
    ag = f.agency()
    m = f.agreement(ag)
    s = ps.record_agreement_notice(None, m, kind="suspension", by="ICE", notice=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="before the notice"):
        ps.lift_suspension(None, s, date(2025, 5, 1))
    ps.lift_suspension(None, s, date(2025, 7, 1))
    assert AgreementEvent.objects.get(pk=s.pk).lifted == date(2025, 7, 1)
    t = ps.record_agreement_notice(None, m, kind="termination", by="LEA", notice=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="only a suspension"):
        ps.lift_suspension(None, t, date(2025, 9, 2))
    with pytest.raises(ValidationError, match="by"):
        ps.record_agreement_notice(None, m, kind="termination", by="FBI", notice=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="kind"):
        ps.record_agreement_notice(None, m, kind="renewal", by="ICE", notice=date(2025, 9, 1))
    assert AuditEvent.objects.filter(object_type="registry.agreementevent").count() == 3


def test_status_is_derived_as_of_a_date():
    ag = f.agency()
    m = f.agreement(ag)  # JEM 2025, signed 2025-03-03
    o = f.officer(ag, completed=date(2025, 3, 20), exams=(64, 81), authorize=m, granted=date(2025, 4, 1))
    before = officer_status(o, date(2025, 3, 19))
    assert before.certified == frozenset() and before.authorized_under == ()
    assert before.agreements[0].problem == "OFFICER_NOT_AUTHORIZED"
    on = officer_status(o, date(2025, 4, 1))
    assert on.certified == {"JEM"} and on.training_current == {"JEM": True}
    assert on.authorized_under == (m.pk,)
    # Two years after the course the training lapses without a refresher; the authorization itself stands.
    assert officer_status(o, date(2027, 3, 20)).training_current == {"JEM": True}
    assert officer_status(o, date(2027, 3, 21)).training_current == {"JEM": False}
    ps.record_training(None, o, course="refresher", model="JEM", completed=date(2027, 3, 1))
    assert officer_status(o, date(2027, 3, 21)).training_current_until == {"JEM": date(2029, 3, 1)}
    # An ICE suspension takes effect on its notice date and revokes the authorization for good.
    s = ps.record_agreement_notice(None, m, kind="suspension", by="ICE", notice=date(2025, 6, 1))
    ps.lift_suspension(None, s, date(2025, 7, 1))
    assert officer_status(o, date(2025, 5, 31)).authorized_under == (m.pk,)
    assert officer_status(o, date(2025, 8, 1)).authorized_under == ()


def test_failed_twice_is_never_certified():
    ag = f.agency()
    o = f.officer(ag, exams=(60, 65, 90))
    assert officer_status(o, date(2026, 1, 1)).certified == frozenset()
