"""Deadlines as of any moment, the periodic check (command and rq job on the real Redis), fulfilment."""

import os
import uuid
from datetime import datetime, timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.urls import reverse

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.operations import deadlines as dl
from g287.operations.models import Obligation, OverdueNotice
from g287.operations.services import ActionInput, record_reported
from g287.oversight.services import complaints as cs
from tests.conftest import sign_in
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db
UTC = dt_timezone.utc


@pytest.fixture
def world():
    a = f.agency("a-so", state="IN")  # Indianapolis: UTC-4 in May
    b = f.agency("b-so", state="IN")
    ma, mb = f.agreement(a), f.agreement(b)
    oa, ob = f.officer(a, "A-1", authorize=ma), f.officer(b, "B-1", authorize=mb)
    detainer = record_reported(None, oa, ma, ActionInput("issue_detainer", datetime(2025, 5, 1, 9, 30),
                                                         criminal_charge="pending")).action
    record_reported(None, ob, mb, ActionInput("issue_detainer", datetime(2025, 5, 1, 11, 0), criminal_charge="pending"))
    complaint = cs.receive_complaint(None, a, datetime(2025, 5, 1, 10, 0), summary="synthetic test complaint")
    coord = User.objects.create_user("coord-a", password="x-unused-12345", role=Role.LEA_COORDINATOR, agency=a)
    return {"a": a, "b": b, "detainer": detainer, "complaint": complaint, "coord": coord}


def test_overdue_as_of_moments_before_and_after_the_due_time(world):
    ob = Obligation.objects.get(action=world["detainer"])
    assert ob.due == datetime(2025, 5, 2, 13, 30, tzinfo=UTC)  # 24 hours after 09:30 local
    before = dl.deadlines(None, datetime(2025, 5, 2, 13, 29, tzinfo=UTC), overdue=True)
    after = dl.deadlines(None, datetime(2025, 5, 2, 13, 31, tzinfo=UTC), overdue=True)
    assert [d.id for d in before if d.kind == "action"] == []
    assert {d.agency_id for d in after if d.kind == "action"} == {world["a"].pk}
    later = dl.deadlines(None, datetime(2025, 5, 2, 15, 1, tzinfo=UTC), overdue=True)
    assert {d.agency_id for d in later if d.kind == "action"} == {world["a"].pk, world["b"].pk}
    # The complaint's notice to ICE (48 weekday hours from Thursday 10:00 → Monday 10:00) is in the same view.
    c_due = [d for d in dl.deadlines(None, datetime(2025, 5, 7, tzinfo=UTC)) if d.kind == "complaint"]
    assert len(c_due) == 1 and c_due[0].due_local == "2025-05-05T10:00:00"
    assert c_due[0].overdue(datetime(2025, 5, 7, tzinfo=UTC)) and not c_due[0].overdue(datetime(2025, 5, 5, tzinfo=UTC))
    # Before the action happened its obligation is not listed at all.
    assert not [d for d in dl.deadlines(None, datetime(2025, 5, 1, 12, 0, tzinfo=UTC)) if d.kind == "action"]
    # Per agency and per field office.
    assert len(dl.deadlines(None, datetime(2025, 5, 3, tzinfo=UTC), overdue=True, agency_id=world["b"].pk)) == 1
    # Fulfilled later: overdue between due and fulfilment, not after.
    dl_ob = Obligation.objects.get(action=world["detainer"])
    from g287.operations.services import fulfil_reported

    fulfil_reported(world["coord"], dl_ob, datetime(2025, 5, 3, 12, 0, tzinfo=UTC))
    mid = dl.deadlines(None, datetime(2025, 5, 3, 0, 0, tzinfo=UTC), overdue=True, agency_id=world["a"].pk)
    late = dl.deadlines(None, datetime(2025, 5, 3, 13, 0, tzinfo=UTC), overdue=True, agency_id=world["a"].pk)
    assert [d.kind for d in mid] == ["action"] and late == []


def test_the_check_marks_newly_overdue_once_and_audits_each_run_that_noticed(world):
    r = dl.check(datetime(2025, 5, 2, 12, 0, tzinfo=UTC))
    assert (r.overdue, r.newly_noticed) == (0, 0) and not OverdueNotice.objects.exists()
    n = AuditEvent.objects.count()
    r = dl.check(datetime(2025, 5, 3, tzinfo=UTC))
    assert (r.overdue, r.newly_noticed) == (2, 2)
    assert AuditEvent.objects.count() == n + 1
    ev = AuditEvent.objects.latest("seq")
    assert ev.action == "operations.deadlines_check" and ev.after["noticed"] == 2
    again = dl.check(datetime(2025, 5, 3, tzinfo=UTC))
    assert (again.overdue, again.newly_noticed) == (2, 0) and AuditEvent.objects.count() == n + 1
    notice = OverdueNotice.objects.get(kind="action", obligation_id=Obligation.objects.get(action=world["detainer"]).pk)
    assert notice.overdue_since == datetime(2025, 5, 2, 13, 30, tzinfo=UTC)
    # Later the complaint's notice is overdue too: only it is new.
    later = dl.check(datetime(2025, 5, 7, tzinfo=UTC))
    assert (later.overdue, later.newly_noticed) == (3, 1)
    assert set(OverdueNotice.objects.values_list("kind", flat=True)) == {"action", "complaint"}


def test_the_command_checks_as_of_a_moment(world, capsys):
    call_command("deadlines", "check", "--as-of", "2025-05-03T00:00:00+00:00")
    call_command("deadlines", "check", "--as-of", "2025-05-03T00:00:00+00:00")
    out = capsys.readouterr().out.splitlines()
    assert out == ["as of 2025-05-03T00:00:00+00:00: 2 overdue, 2 newly noticed",
                   "as of 2025-05-03T00:00:00+00:00: 2 overdue, 0 newly noticed"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--as-of"):
        call_command("deadlines", "check", "--as-of", "soon")


def _redis():
    from redis import Redis

    conn = Redis.from_url(os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13"))
    conn.ping()  # the product runs on a real Redis; so does this test
    return conn


def test_the_rq_job_runs_the_check_end_to_end_on_redis(world):
    from rq import Queue, SimpleWorker
    from rq.cron import CronScheduler

    from g287.operations.tasks import check_deadlines

    conn = _redis()
    name = f"g287-test-deadlines-{uuid.uuid4().hex[:12]}"
    queue = Queue(name, connection=conn)
    try:
        # The schedule registers this very job; enqueue it as the cron scheduler does, on this run's own queue.
        scheduler = CronScheduler(connection=conn)
        scheduler.load_config_from_file("g287.operations.cron")
        [cron_job] = scheduler.get_jobs()
        assert cron_job.func is check_deadlines and cron_job.interval == 900
        job = queue.enqueue(cron_job.func, "2025-05-03T00:00:00+00:00")
        # The worker runs in this process (SimpleWorker) so it sees the test's database transaction.
        assert SimpleWorker([queue], connection=conn).work(burst=True)
        job.refresh()
        assert job.get_status() == "finished", job.latest_result().exc_string if job.latest_result() else ""
        assert job.return_value() == {"as_of": "2025-05-03T00:00:00+00:00", "overdue": 2, "newly_noticed": 2}
        second = queue.enqueue(check_deadlines, "2025-05-03T00:00:00+00:00")
        SimpleWorker([queue], connection=conn).work(burst=True)
        second.refresh()
        assert second.return_value()["newly_noticed"] == 0 and OverdueNotice.objects.count() == 2
        bad = queue.enqueue(check_deadlines, "someday")
        SimpleWorker([queue], connection=conn).work(burst=True)
        bad.refresh()
        assert bad.get_status() == "failed" and "as_of must be an ISO date-time" in bad.latest_result().exc_string
    finally:
        queue.delete(delete_jobs=True)
        for key in conn.scan_iter(f"rq:*{name}*"):
            conn.delete(key)


def test_deadline_page_and_fulfil_button_are_scoped_and_audited(client, world):
    sign_in(client, world["coord"])
    r = client.get(reverse("operations:deadlines"), {"as_of": "2025-05-03T00:00", "overdue": "1"})
    page = r.content.decode()
    assert r.status_code == 200 and "a-so (test)" in page and "b-so (test)" not in page
    assert "Tell ICE of the complaint" not in page  # not yet overdue on the 3rd
    r = client.get(reverse("operations:deadlines"), {"as_of": "2025-05-07"})
    assert "Tell ICE of the complaint" in r.content.decode() and "Mark fulfilled" in r.content.decode()
    ob = Obligation.objects.get(action=world["detainer"])
    other = Obligation.objects.exclude(pk=ob.pk).get()
    assert client.post(reverse("operations:fulfil", args=["action", other.pk])).status_code == 404
    r = client.post(reverse("operations:fulfil", args=["action", ob.pk]), {"next": "/actions/deadlines/"})
    assert r.status_code == 302 and r["Location"] == "/actions/deadlines/"
    ob.refresh_from_db()
    assert ob.fulfilled_at is not None
    assert AuditEvent.objects.filter(action="operations.fulfil_obligation", object_id=str(ob.pk)).exists()
    # A complaint's obligation is fulfilled through the complaint workflow (telling ICE).
    cob = world["complaint"].obligations.get()
    client.post(reverse("operations:fulfil", args=["complaint", cob.pk]))
    cob.refresh_from_db()
    assert cob.fulfilled_at is not None
    # The API lists the same deadlines with their status.
    data = client.get("/api/deadlines/", {"as_of": "2025-05-07T00:00:00Z"}).json()
    assert {(d["kind"], d["status"]) for d in data["results"]} == {("action", "overdue"), ("complaint", "overdue")}
    data = client.get("/api/deadlines/").json()  # now: both were fulfilled (late)
    assert {(d["kind"], d["status"]) for d in data["results"]} == {("action", "fulfilled"), ("complaint", "fulfilled")}
    api_ob = client.get("/api/obligations/", {"overdue_as_of": "2025-05-03T00:00:00Z"}).json()
    assert api_ob["count"] == 1  # fulfilled now, long after: as of the 3rd it was overdue


def test_api_fulfil_and_overdue_list(client, world):
    sign_in(client, world["coord"])
    ob = Obligation.objects.get(action=world["detainer"])
    assert client.get("/api/obligations/", {"overdue_as_of": "2025-05-03T00:00:00Z"}).json()["count"] == 1
    assert client.get("/api/obligations/", {"overdue_as_of": "2025-05-02T00:00:00Z"}).json()["count"] == 0
    r = client.post(f"/api/obligations/{ob.pk}/fulfil/", {"fulfilled_at": "2025-05-02T12:00:00Z"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["fulfilled_at"] == "2025-05-02T08:00:00-04:00"
    assert client.get("/api/obligations/", {"overdue_as_of": "2025-05-03T00:00:00Z"}).json()["count"] == 0
    r = client.post(f"/api/obligations/{ob.pk}/fulfil/", {}, content_type="application/json")
    assert r.status_code == 400 and "already fulfilled" in str(r.json())


# ------------------------------------------------------------------ who may see deadlines, and refusals are 403


def _user(username, role, **kw):
    return User.objects.create_user(username, password="x-unused-12345", role=role, **kw)


def _inspector_of(agency):
    from g287.accounts.models import Assignment

    u = _user("inspector-a", Role.INSPECTOR)
    Assignment.objects.create(user=u, agency=agency, kind="inspection", start=datetime(2025, 1, 1).date())
    return u


@pytest.mark.parametrize("role", list(Role))
def test_the_deadline_page_and_api_refuse_exactly_the_same_roles(client, world, role):
    """``/api/deadlines/`` and ``/api/obligations/`` answer 403 to exactly the readers the page refuses (oversight
    readers); every other role gets its scoped list."""
    sign_in(client, _user(f"who-{role}", role, agency=world["a"] if role in (Role.LEA_COORDINATOR, Role.OFFICER)
                          else None))
    page = client.get(reverse("operations:deadlines")).status_code
    api = client.get("/api/deadlines/").status_code
    obligations = client.get("/api/obligations/").status_code
    expected = 403 if role == Role.OVERSIGHT else 200
    assert (page, api, obligations) == (expected, expected, expected)
    assert dl.may_see_deadlines(User.objects.get(username=f"who-{role}")) is (role != Role.OVERSIGHT)


def test_an_oversight_reader_is_refused_every_deadline_endpoint_and_a_superuser_is_not(client, world):
    ob = Obligation.objects.get(action=world["detainer"])
    cob = world["complaint"].obligations.get()
    reader = sign_in(client, _user("reader", Role.OVERSIGHT))
    assert client.get(f"/api/obligations/{ob.pk}/").status_code == 403
    assert client.post(f"/api/obligations/{ob.pk}/fulfil/", {}, content_type="application/json").status_code == 403
    assert client.post(reverse("operations:fulfil", args=["action", ob.pk])).status_code == 403
    assert client.post(reverse("operations:fulfil", args=["complaint", cob.pk])).status_code == 403
    assert not dl.may_see_deadlines(reader)
    ob.refresh_from_db(), cob.refresh_from_db()
    assert ob.fulfilled_at is None and cob.fulfilled_at is None
    client.logout()
    root = User.objects.create_superuser("root", password="x-unused-12345", role=Role.OVERSIGHT)
    sign_in(client, root)
    assert client.get("/api/deadlines/").status_code == 200
    assert client.get(f"/api/obligations/{ob.pk}/").status_code == 200


def test_fulfil_page_a_refusal_is_403_and_changes_nothing(client, world):
    """An inspector assigned to A sees A's deadlines but may not mark them fulfilled: 403, not a redirect."""
    ob = Obligation.objects.get(action=world["detainer"])
    cob = world["complaint"].obligations.get()
    sign_in(client, _inspector_of(world["a"]))
    page = client.get(reverse("operations:deadlines"), {"as_of": "2025-05-07"})
    assert page.status_code == 200 and "Tell ICE of the complaint" in page.content.decode()
    assert b"Mark fulfilled" not in page.content  # the page offers no button it would refuse
    events = AuditEvent.objects.count()
    r = client.post(reverse("operations:fulfil", args=["action", ob.pk]), {"next": "/actions/deadlines/"})
    assert r.status_code == 403
    r = client.post(reverse("operations:fulfil", args=["complaint", cob.pk]), {"next": "/actions/deadlines/"})
    assert r.status_code == 403
    ob.refresh_from_db(), cob.refresh_from_db()
    assert ob.fulfilled_at is None and cob.fulfilled_at is None and AuditEvent.objects.count() == events
    # The API says the same.
    assert client.post(f"/api/obligations/{ob.pk}/fulfil/", {}, content_type="application/json").status_code == 403


def test_fulfil_page_a_deadline_out_of_sight_is_404(client, world):
    """Another agency's coordinator cannot see A's deadlines: 404, as on the other pages; an unknown kind too."""
    ob = Obligation.objects.get(action=world["detainer"])
    cob = world["complaint"].obligations.get()
    sign_in(client, _user("coord-b", Role.LEA_COORDINATOR, agency=world["b"]))
    assert client.post(reverse("operations:fulfil", args=["action", ob.pk])).status_code == 404
    assert client.post(reverse("operations:fulfil", args=["complaint", cob.pk])).status_code == 404
    assert client.post(reverse("operations:fulfil", args=["nonsense", ob.pk])).status_code == 404
    ob.refresh_from_db(), cob.refresh_from_db()
    assert ob.fulfilled_at is None and cob.fulfilled_at is None


def test_fulfil_page_a_validation_error_goes_back_with_a_message(client, world):
    """Fulfilling twice is not a refusal of the user but of the facts: back to the page, with the reason."""
    ob = Obligation.objects.get(action=world["detainer"])
    cob = world["complaint"].obligations.get()
    sign_in(client, world["coord"])
    for kind, pk in (("action", ob.pk), ("complaint", cob.pk)):
        r = client.post(reverse("operations:fulfil", args=[kind, pk]), {"next": "/actions/deadlines/"})
        assert r.status_code == 302
        r = client.post(reverse("operations:fulfil", args=[kind, pk]), {"next": "/actions/deadlines/"}, follow=True)
        assert r.redirect_chain == [("/actions/deadlines/", 302)] and r.status_code == 200
        shown = [str(m) for m in r.context["messages"]]
        assert any("already" in m for m in shown), shown


def test_api_fulfil_a_moment_to_come_is_a_validation_error(client, world):
    ob = Obligation.objects.get(action=world["detainer"])
    sign_in(client, world["coord"])
    r = client.post(f"/api/obligations/{ob.pk}/fulfil/", {"fulfilled_at": "2150-01-01T00:00:00Z"},
                    content_type="application/json")
    assert r.status_code == 400 and "still to come" in str(r.json())
    ob.refresh_from_db()
    assert ob.fulfilled_at is None
