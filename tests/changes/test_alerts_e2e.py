"""From a changed sheet on a local web server to a digest in a local SMTP server's inbox, through the task queue
(rq on the real Redis), the importer, the lineage signal and Django's SMTP e-mail backend."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rq import SimpleWorker

from g287.audit.models import AuditEvent
from g287.changes import tasks
from g287.changes.models import Capture, Change, Subscription
from g287.registry.services import import_ice_sheets

from .sheets import write_lists

pytestmark = pytest.mark.django_db(transaction=True)


def _link(message, path):
    body = message.get_body(("plain",)).get_content()
    m = re.search(rf"http://testserver({path}[^\s]+)", body)
    assert m, body
    return m[1]


def test_a_changed_sheet_reaches_the_subscriber_as_a_digest(client, settings, tmp_path, mail_through, http_server,
                                                             redis_queue):
    smtp = mail_through
    settings.VAR_DIR = tmp_path / "var"
    settings.G287_SUBSCRIBE_RATE = "100/h"
    first = timezone.localdate() - timedelta(days=3)
    files = write_lists(tmp_path / "lists", first)
    report = import_ice_sheets([files["part1"], files["pend1"]], progress=False)  # yesterday's lists, known
    assert len(report.imported) == 2
    redis_queue.empty()

    # A reader follows Alabama: the confirmation link arrives by e-mail; a GET only shows the button.
    r = client.post("/changes/alerts/", {"email": "reader@example.org", "scope": "state", "state": "AL"})
    assert r.status_code == 302 and r["Location"] == "/changes/alerts/sent/"
    [confirmation] = smtp.messages
    assert confirmation["To"] == "reader@example.org" and "Alabama" in confirmation["Subject"]
    confirm = _link(confirmation, "/changes/alerts/confirm/")
    assert client.get(confirm).status_code == 200 and Subscription.objects.get().confirmed is None
    assert "Confirmed" in client.post(confirm).content.decode()
    assert not any("reader@example.org" in str(e.after) + str(e.before) for e in AuditEvent.objects.all())

    # ICE's page links the day's new lists; the scheduled fetch runs on the queue.
    (http_server.root / "287g.html").write_text(
        f'<html><body><a href="/doclib/{files["part2"].name}">Participating</a> '
        f'<a href="/doclib/{files["pend2"].name}">Pending</a></body></html>')
    (http_server.root / "doclib").mkdir()
    for key in ("part2", "pend2"):
        (http_server.root / "doclib" / files[key].name).write_bytes(files[key].read_bytes())
    page = f"{http_server.url}/287g.html"
    settings.G287_ICE_SHEET_URLS = {"participating": page, "pending": page}
    assert tasks.enqueue(tasks.fetch_ice)
    assert SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)

    # The fetch kept both files with their capture time and imported them; the import queued the digest.
    captures = {c.kind: c for c in Capture.objects.all()}
    assert {c.outcome for c in captures.values()} == {"imported"}
    kept = settings.VAR_DIR / captures["participating"].path
    assert kept.read_bytes() == files["part2"].read_bytes() and kept.parent.name.startswith("sheets_")
    assert Change.objects.filter(publication=captures["participating"].publication).count() == 8

    [_, digest] = smtp.messages
    body = digest.get_body(("plain",)).get_content()
    assert digest["To"] == "reader@example.org" and digest["Subject"].endswith("changes in Alabama")
    assert "Added: Iota County Sheriff's Office (AL, Iota), JEM" in body
    assert "Application signed: Iota County Sheriff's Office" in body
    assert "Alpha County Sheriff's Office" in body and "TX" not in body.replace("TXT", "")  # Alabama's only
    unsubscribe = _link(digest, "/changes/alerts/unsubscribe/")
    assert digest["List-Unsubscribe"].strip() == f"<http://testserver{unsubscribe}>"

    # The Data page's bundle was rebuilt by the queue after the import.
    data = client.get("/data/").content.decode()
    assert 'data-testid="bundle-files"' in data and "agreements.csv" in data

    # Fetched again, nothing new: recorded as unchanged, no file stored twice, no new message.
    assert tasks.enqueue(tasks.fetch_ice)
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    assert Capture.objects.filter(outcome="unchanged").count() == 2 and len(smtp.messages) == 2

    # The link in the message stops the alert and deletes the address (one-click POST, as mail clients send it).
    assert client.post(unsubscribe).status_code == 200
    assert not Subscription.objects.exists()
