"""The pages: changes by week and their CSV, a publication's changes with its original and the list before,
list pages' CSV (formula-safe), alerts (validation, rate limit, one digest a day, the address kept private)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from g287.changes import alerts, downloads
from g287.changes.models import Change, Subscription
from g287.registry.models import Agency, Publication

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_changes_by_week_filtered_and_as_csv(client, lists):
    lists()
    page = client.get("/changes/").content.decode()
    assert page.count('data-testid="week"') == 1 and 'data-week="2025-06-02"' in page  # Mon 2 June 2025
    assert 'data-kind="renewal"' in page
    r = client.get("/changes/", {"state": "TX", "kind": "renewal"})
    assert r.content.decode().count('data-kind="renewal"') == 1 and 'data-kind="model_switch"' not in r.content.decode()
    assert client.get("/changes/", {"county": "Gamma", "state": "AL"}).content.decode().count("<tr data-kind") == 1
    rows = _csv(client.get("/changes/", {"model": "TFM", "format": "csv"}))
    assert rows[0][:4] == ["publication", "date", "kind", "state"] and len(rows) == 4
    assert client.get("/changes/", {"state": "ZZ", "since": "soon"}).status_code == 200  # bad filters, no 500


def test_publication_page_shows_its_changes_its_original_and_the_list_before(client, lists, settings, tmp_path):
    files = lists()  # imported from a folder outside data/ and var/: each original is copied under var/originals
    from g287.changes.originals import locate_missing

    assert locate_missing() == 0  # already done when each import committed
    part2 = Publication.objects.get(file_name=files["part2"].name)
    kept = settings.VAR_DIR / part2.original.path
    assert part2.original.root == "var" and kept.read_bytes() == files["part2"].read_bytes()
    page = client.get(f"/publications/{part2.pk}/").content.decode()
    assert 'data-testid="group-renewal"' in page and "8 changes against the previous list" in page
    part1 = Publication.objects.get(file_name=files["part1"].name)
    assert f'href="/publications/{part1.pk}/" data-testid="previous"' in page
    r = client.get(f"/publications/{part2.pk}/original/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == files["part2"].read_bytes()
    assert files["part2"].name in r["Content-Disposition"]
    kept.write_bytes(b"changed")  # a file that no longer has the publication's content is not served
    assert client.get(f"/publications/{part2.pk}/original/").status_code == 404
    first = client.get(f"/publications/{part1.pk}/").content.decode()
    assert "nothing to compare it with" in first
    assert client.get("/publications/").content.decode().count("/publications/") > 5  # the list links each page


def test_list_pages_offer_their_rows_as_formula_safe_csv(client, lists):
    lists()
    Agency.objects.filter(name="Beta Police Department").update(name="=HYPERLINK(\"http://x\")")
    rows = _csv(client.get("/data/agencies.csv", {"state": "AL"}))
    assert rows[0][:3] == ["agency_id", "name", "state"]
    names = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names and all(r[2] == "AL" for r in rows[1:])
    assert len(_csv(client.get("/data/agreements.csv", {"model": "JEM"}))) == 1 + 5  # Delta twice: renewed
    assert len(_csv(client.get("/data/publications.csv", {"kind": "pending"}))) == 1 + 2
    page = client.get("/agreements/", {"model": "JEM"}).content.decode()
    assert 'href="/data/agreements.csv?model=JEM"' in page


def test_data_page_and_footer(client, lists):
    lists()
    assert 'data-testid="bundle-missing"' in client.get("/data/").content.decode()
    downloads.build_bundle()
    page = client.get("/data/").content.decode()
    assert 'data-testid="bundle-files"' in page and "open-data.xlsx" in page and "agreements.parquet" in page
    assert 'href="/data/" data-testid="footer-open-data"' in page and 'href="/api/schema/"' in page
    r = client.get("/data/open-data/DATA_DICTIONARY.md")
    assert r.status_code == 200 and b"agreements" in b"".join(r.streaming_content)
    assert client.get("/data/open-data/..%2Fsecret_key").status_code == 404
    assert client.get("/data/open-data/nothing.csv").status_code == 404


def test_subscribing_validates_and_is_rate_limited(client, settings, lists):
    settings.G287_SUBSCRIBE_RATE = "3/h"
    lists()
    r = client.post("/changes/alerts/", {"email": "not-an-address", "scope": "state", "state": "AL"})
    assert r.status_code == 200 and "valid email" in r.content.decode()
    r = client.post("/changes/alerts/", {"email": "a@example.org", "scope": "county", "state": "AL"})
    assert "Name the county." in r.content.decode()
    r = client.post("/changes/alerts/", {"email": "a@example.org", "scope": "agency", "agency": "999999"})
    assert "Follow this agency" in r.content.decode() or "agency" in r.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox
    r = client.post("/changes/alerts/", {"email": "a@example.org", "scope": "state", "state": "AL"})
    assert r.status_code == 429 and not Subscription.objects.exists()


def test_one_digest_a_day_and_the_address_stays_private(client, lists):
    lists(first=timezone.localdate() - timedelta(days=3))
    gamma = Agency.objects.get(name="Gamma County Sheriff's Office")
    sub = alerts.subscribe("private@example.org", alerts.Target("agency", gamma.state, agency=gamma))
    assert len(mail.outbox) == 1 and "private@example.org" not in mail.outbox[0].body
    assert alerts.confirm(sub.token).confirmed
    Change.objects.update(first_seen=timezone.now() + timedelta(seconds=1))  # seen after the confirmation
    now = timezone.now() + timedelta(seconds=2)
    assert alerts.send_digests(now)["sent"] == 1
    assert "Addendum: Gamma County Sheriff's Office" in mail.outbox[1].body
    assert "/changes/alerts/unsubscribe/" in mail.outbox[1].body
    Change.objects.update(first_seen=now + timedelta(seconds=1))  # something new the same day: it waits
    assert alerts.send_digests(now + timedelta(seconds=2)) == {"sent": 0, "already_sent_today": 1, "failed": 0,
                                                               "unconfirmed_deleted": 0}
    assert alerts.send_digests(now + timedelta(days=1))["sent"] == 1  # the next day it goes
    # Never on a page, in the open data or in the audit log.
    from g287.audit.models import AuditEvent

    assert not any("private@example.org" in f"{e.before}{e.after}" for e in AuditEvent.objects.all())
    assert b"private@example.org" not in client.get(f"/changes/alerts/unsubscribe/{sub.token}/").content
    assert b"private@example.org" not in client.get("/changes/", {"agency": gamma.pk}).content


def test_unconfirmed_subscriptions_are_deleted_after_a_week(lists):
    lists()
    sub = alerts.subscribe("late@example.org", alerts.Target("state", "AL"))
    assert alerts.send_digests(timezone.now() + timedelta(days=8))["unconfirmed_deleted"] == 1
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert alerts.confirm(sub.token) is None


def test_bad_filter_values_never_fail(client, lists):
    lists(keys=("part1",))
    for url in ("/data/agencies.csv", "/data/agreements.csv", "/data/publications.csv", "/changes/", "/api/changes/"):
        for params in ({"as_of": "someday", "state": "??", "model": "X"}, {"since": "x", "agency": "abc", "page": "z"},
                       {"published_from": "bad", "kind": "nope", "format": "csv"}):
            assert client.get(url, params).status_code in (200, 400, 404), (url, params)  # 404: the API has no csv
