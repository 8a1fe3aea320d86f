from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g287.accounts.models import Role
from g287.audit.models import AuditEvent
from g287.oversight.models import ReviewItem
from g287.oversight.services import reviews as rs
from tests.oversight.helpers import act, assigned, user
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def _wso():
    ag = f.agency("wso-so", state="TX")
    m = f.agreement(ag, model="WSO", template="2025")
    o = f.officer(ag, "W-1", model="WSO", authorize=m)
    return ag, m, o


def test_every_jem_document_is_queued_and_other_functions_are_not():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    queued = [rs.enqueue_for_review(act(o, m, fn, subject_ref=fn)) for fn in sorted(rs.DOCUMENT_FUNCTIONS)]
    assert all(i is not None and i.reason == ReviewItem.Reason.DOCUMENT for i in queued)
    assert rs.enqueue_for_review(act(o, m, "interview")) is None
    assert ReviewItem.objects.count() == 5
    # Idempotent: queueing again returns the same item and writes nothing.
    n = AuditEvent.objects.count()
    assert rs.enqueue_for_review(queued[0].action) == queued[0]
    assert AuditEvent.objects.count() == n


def test_tfm_documents_and_denied_actions_are_queued():
    ag = f.agency("tf-pd")
    m = f.agreement(ag, model="TFM", template="2025")
    o = f.officer(ag, "T-1", model="TFM", authorize=m)
    assert rs.enqueue_for_review(act(o, m, "prepare_i213")).reason == ReviewItem.Reason.DOCUMENT
    jem_ag = f.agency("jem-so")
    jm = f.agreement(jem_ag)
    jo = f.officer(jem_ag, authorize=jm)
    denied = act(jo, jm, "warrantless_arrest", location="field")
    assert not denied.allowed
    assert rs.enqueue_for_review(denied).reason == ReviewItem.Reason.DENIED


def test_sample_is_deterministic_and_near_the_rate():
    points = [rs.sample_point(i) for i in range(1, 20001)]
    assert points == [rs.sample_point(i) for i in range(1, 20001)]
    share = sum(p < 0.2 for p in points) / len(points)
    assert 0.19 < share < 0.21
    assert 0.09 < sum(p < 0.1 for p in points) / len(points) < 0.11


def test_wso_served_warrants_are_sampled_at_the_configured_rate():
    ag, m, o = _wso()
    actions = [act(o, m, "serve_arrest_warrant", at=datetime(2025, 5, 1, 8, 0).replace(minute=i % 60),
                   subject_ref=f"S-{i}", ice_designated=True) for i in range(60)]
    assert all(a.allowed for a in actions)
    expected = {a.pk for a in actions if rs.sample_point(a.pk) < 0.2}
    got = {a.pk for a in actions if rs.enqueue_for_review(a) is not None}
    assert got == expected and 0 < len(got) < 60
    assert set(ReviewItem.objects.values_list("reason", flat=True)) == {ReviewItem.Reason.SAMPLE}
    # An agency rate of 100 % takes every later warrant; the program-wide default applies elsewhere.
    rs.set_sample_rate(None, 1, agency=ag)
    assert rs.enqueue_for_review(act(o, m, "serve_removal_warrant", ice_designated=True)).reason == ReviewItem.Reason.SAMPLE
    rs.set_sample_rate(None, 0, agency=ag)
    assert rs.enqueue_for_review(act(o, m, "serve_removal_warrant", subject_ref="x", ice_designated=True)) is None
    with pytest.raises(ValidationError, match="from 0 to 1"):
        rs.set_sample_rate(None, "1.5")


def test_backfill_queues_what_is_missing_with_one_audit_event():
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    for i in range(3):
        act(o, m, "issue_detainer", subject_ref=f"S-{i}")
    act(o, m, "interview")
    n = AuditEvent.objects.count()
    assert rs.backfill_review_queue() == 3
    assert AuditEvent.objects.count() == n + 1
    assert rs.backfill_review_queue() == 0


def test_supervisor_signs_or_returns_within_assignments_only():
    ag, other = f.agency(), f.agency("other-so")
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    first = rs.enqueue_for_review(act(o, m, subject_ref="a"))
    second = rs.enqueue_for_review(act(o, m, subject_ref="b"))
    sup = assigned("sup", Role.SUPERVISOR, ag)
    elsewhere = assigned("sup2", Role.SUPERVISOR, other)
    coordinator = user("coord", Role.LEA_COORDINATOR, agency=ag)
    assert list(rs.review_queue(sup)) == [first, second]
    assert list(rs.review_queue(elsewhere)) == []
    with pytest.raises(PermissionDenied):
        rs.sign_review(elsewhere, first)
    with pytest.raises(PermissionDenied):
        rs.sign_review(coordinator, first)
    rs.sign_review(sup, first)
    with pytest.raises(ValidationError, match="states what must be corrected"):
        rs.return_review(sup, second, " ")
    rs.return_review(sup, second, "subject reference missing on the I-247A")
    with pytest.raises(ValidationError, match="already signed"):
        rs.return_review(sup, first, "late")
    assert list(rs.review_queue(sup)) == []
    assert [e.action for e in AuditEvent.objects.filter(action__in=["oversight.sign_review",
                                                                   "oversight.return_review"]).order_by("seq")] == \
        ["oversight.sign_review", "oversight.return_review"]
    assert ReviewItem.objects.get(pk=second.pk).decided_by == sup


def test_only_an_assigned_supervisor_signs_superusers_included():
    """The rule table is the only rule: a superuser (the program office's demo login is one) neither signs nor
    returns, nor does a superuser supervisor outside their assignments; an assignment that ended no longer counts."""
    from g287.accounts.models import Assignment, User
    from g287.oversight import roles

    ag, other = f.agency(), f.agency("unsupervised-so")
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    item = rs.enqueue_for_review(act(o, m, subject_ref="a"))
    root = User.objects.create_superuser("root-po", password="not-used-here-1234", role=Role.PROGRAM_OFFICE)
    root_sup = User.objects.create_superuser("root-sup", password="not-used-here-1234", role=Role.SUPERVISOR)
    Assignment.objects.create(user=root_sup, agency=other, kind=Assignment.Kind.SUPERVISION, start=date(2020, 1, 1))
    lapsed = assigned("lapsed", Role.SUPERVISOR, ag)
    Assignment.objects.filter(user=lapsed).update(end=date(2021, 1, 1))
    for who in (root, root_sup, lapsed):
        assert not roles.may(who, roles.SIGN, ag)
        with pytest.raises(PermissionDenied):
            rs.sign_review(who, item)
        with pytest.raises(PermissionDenied):
            rs.return_review(who, item, "no")
    assert roles.may(root_sup, roles.SIGN, other)
    assert not roles.may(root, roles.SIGN)
    assert ReviewItem.objects.get(pk=item.pk).decision == ""
