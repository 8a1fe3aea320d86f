"""CSV batches: the format on the page with a template, labels as well as codes, errors grouped with line, field
and value, unterminated quotes refused, bounded transactions with the audit chain appended per batch, large files
through the task queue with their progress, and a body too large refused before it is read."""

import os
import uuid

import pytest
from django.urls import reverse

from g287.audit.models import AuditEvent
from g287.audit.services import verify
from g287.operations import uploads
from g287.operations.models import Action, ActionReference, Upload
from g287.operations.uploads import UploadRejected, import_actions
from tests.conftest import sign_in
from tests.operations.test_recording_paths import HEADER, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _rows(n, start=0, fn="interview", day="2025-05-01"):
    return "".join(f"u-{i},A-1,JEM,{fn},{day},{9 + i % 8:02d}:{i % 60:02d},,S-{i},,,,,,,,\n"
                   for i in range(start, start + n))


def test_labels_are_accepted_as_well_as_codes(world):
    text = (HEADER + "l-1,A-1,jem,Issue detainer,2025-05-01,09:30,Inside the agency's jail or correctional facility,"
            "S-1,Yes,Charge pending,Felony,NO,no,TRUE,0,n\n"
            "l-2,A-1,JEM,issue_detainer,2025-05-01,09:45,lea facility,S-2,y,pending,felony,,,,,\n")
    res = import_actions(world["coord_a"], world["a"], text, "labels.csv")
    assert res.created == 2
    first, second = Action.objects.order_by("id")
    fields = ("function", "location", "criminal_charge", "charge_level", "in_lea_custody", "warrant_signed_by_ice")
    assert [getattr(first, f) for f in fields] == [getattr(second, f) for f in fields] == [
        "issue_detainer", "lea_facility", "pending", "felony", True, True]


def test_errors_are_grouped_with_line_field_and_value(world):
    bad = "".join(f"b-{i},A-1,JEM,deport,2025-13-0{1 + i % 9},09:30,,,,,,,,,,\n" for i in range(120))
    with pytest.raises(UploadRejected) as info:
        import_actions(world["coord_a"], world["a"], HEADER + _rows(3) + bad + "z-1,A-1,JEM,screen,2025-05-01,9h,,,,,,,,,,\n")
    d = info.value.as_dict()
    assert d["total"] == 241 and len(d["shown"]) == uploads.SHOWN_ERRORS
    assert d["shown"][0] == {"line": 5, "field": "function", "message": "'deport' is not one of: " + ", ".join(
        c for c, _ in uploads._allowed("function"))}
    assert d["shown"][1]["field"] == "date" and "'2025-13-01' is not a day of the calendar" in d["shown"][1]["message"]
    kinds = {(k["field"], k["count"]) for k in d["kinds"]}
    assert kinds == {("function", 120), ("date", 120), ("time", 1)}
    assert next(k for k in d["kinds"] if k["field"] == "time")["first_line"] == 125
    assert not Action.objects.exists() and not AuditEvent.objects.filter(action__startswith="operations.").exists()


def test_an_unterminated_quote_is_refused_naming_its_line(world):
    text = HEADER + _rows(2) + 'q-1,A-1,JEM,interview,2025-05-01,09:30,,"S-1,,,,,,,,\n' + _rows(2, start=10)
    with pytest.raises(UploadRejected) as info:
        import_actions(world["coord_a"], world["a"], text)
    [e] = info.value.errors
    assert e.line == 4 and e.field == "file" and "quoted value is not closed" in e.message
    assert not Action.objects.exists()


def test_rows_are_recorded_in_bounded_batches_each_appending_its_events(world, monkeypatch):
    monkeypatch.setattr(uploads, "BATCH_ROWS", 40)
    res = import_actions(world["coord_a"], world["a"], HEADER + _rows(100), "batches.csv")
    assert (res.created, res.batches) == (100, 3) and Action.objects.count() == 100
    assert AuditEvent.objects.filter(action="operations.record_action").count() == 100
    assert AuditEvent.objects.filter(action="operations.upload_batch").count() == 3
    assert AuditEvent.objects.filter(action="operations.upload_actions").count() == 1
    assert verify().ok
    # Each action's event names it, as a single recording's does.
    ev = AuditEvent.objects.filter(action="operations.record_action").order_by("seq").first()
    assert int(ev.object_id) == Action.objects.order_by("id").first().pk and ev.after["external_ref"] == "u-0"
    # Again: nothing twice; with ten more rows only those are recorded.
    again = import_actions(world["coord_a"], world["a"], HEADER + _rows(110), "batches.csv")
    assert (again.created, again.unchanged) == (10, 100) and Action.objects.count() == 110
    assert again.action_ids[:100] == res.action_ids and None not in again.action_ids


def test_the_page_documents_the_format_and_offers_a_template(client, world):
    sign_in(client, world["coord_a"])
    html = client.get(reverse("operations:upload")).content.decode()
    assert "issue_detainer (issue detainer)" in html and "Download the template" in html
    assert "convicted (Convicted)" in html and "HH:MM" in html
    resp = client.get(reverse("operations:upload-template"))
    assert resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode()
    assert text.splitlines()[0] == ",".join(uploads.COLUMNS)
    # The template itself is a valid upload once its officer is the agency's.
    with pytest.raises(UploadRejected) as info:
        import_actions(world["coord_a"], world["a"], text)
    assert {e.field for e in info.value.errors} == {"officer"}


def test_a_body_too_large_is_refused_before_it_is_read(client, world):
    sign_in(client, world["coord_a"])

    class Unreadable:
        def read(self, *a):
            raise AssertionError("the body was read")

        readline = read

    resp = client.generic("POST", reverse("operations:upload"), b"", content_type="multipart/form-data; boundary=x",
                          CONTENT_LENGTH=str(120 * 2**20), **{"wsgi.input": Unreadable()})
    assert resp.status_code == 413 and b"at most 21 MB" in resp.content


def _redis_url():
    return os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def test_a_large_file_runs_in_the_task_queue_with_its_progress(client, world, settings, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from redis import Redis
    from rq import Queue, SimpleWorker

    from g287.operations import views

    monkeypatch.setattr(views, "SYNC_ROWS", 50)
    name = f"g287-test-uploads-{uuid.uuid4().hex[:10]}"
    settings.RQ_QUEUES = {"uploads": {"URL": _redis_url()}}
    conn = Redis.from_url(_redis_url())
    conn.ping()
    monkeypatch.setattr(views, "UPLOAD_QUEUE", name, raising=False)
    settings.RQ_QUEUES = {name: {"URL": _redis_url()}, "uploads": {"URL": _redis_url()}}
    sign_in(client, world["coord_a"])
    try:
        with django_capture_on_commit_callbacks(execute=True):  # the job is enqueued once the Upload is committed
            resp = client.post(reverse("operations:upload"),
                               {"file": SimpleUploadedFile("big.csv", (HEADER + _rows(120)).encode(), "text/csv")})
        up = Upload.objects.get()
        assert resp.status_code == 302 and resp.url == reverse("operations:upload-status", args=[up.pk])
        page = client.get(resp.url).content.decode()
        assert 'http-equiv="refresh"' in page and "<progress" in page and "Waiting for the task queue" in page
        assert not Action.objects.exists()
        assert SimpleWorker([Queue(name, connection=conn)], connection=conn).work(burst=True)
        up.refresh_from_db()
        assert up.status == "done" and up.result["created"] == 120 and (up.done, up.total) == (120, 120)
        page = client.get(resp.url).content.decode()
        assert "120 recorded" in page and 'http-equiv="refresh"' not in page
        assert ActionReference.objects.count() == 120
        # Another reader may not see it.
        client.logout()
        from g287.accounts.models import Role, User

        other = User.objects.create_user("coord-a2", password="x-unused-12345", role=Role.LEA_COORDINATOR,
                                         agency=world["a"])
        sign_in(client, other)
        assert client.get(resp.url).status_code == 404
    finally:
        Queue(name, connection=conn).delete(delete_jobs=True)
