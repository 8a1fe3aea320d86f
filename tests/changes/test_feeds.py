"""The Atom feeds: valid Atom (feedparser, and RFC 4287's required elements checked in the XML), filtered as
named, with entry ids that survive recomputing the changes."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from g287.changes import services
from g287.changes.models import Change
from g287.registry.models import Agency

pytestmark = pytest.mark.django_db
A = "{http://www.w3.org/2005/Atom}"


def _atom(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(r.content)
    assert root.tag == f"{A}feed"
    for required in ("id", "title", "updated"):  # RFC 4287 4.1.1
        assert root.find(f"{A}{required}") is not None and root.find(f"{A}{required}").text
    assert any(link.get("rel") == "alternate" for link in root.findall(f"{A}link"))
    assert any(link.get("rel") == "self" for link in root.findall(f"{A}link"))
    entries = root.findall(f"{A}entry")
    for e in entries:  # RFC 4287 4.1.2
        for required in ("id", "title", "updated"):
            assert e.find(f"{A}{required}") is not None and e.find(f"{A}{required}").text, required
        assert e.find(f"{A}link").get("href").startswith("http://testserver/publications/")
        assert e.find(f"{A}id").text.startswith("tag:g287,2021:change/")
    ids = [e.find(f"{A}id").text for e in entries]
    assert len(ids) == len(set(ids))
    return parsed, ids


def test_feeds_are_atom_filtered_and_keep_their_ids(client, lists):
    lists()
    parsed, ids = _atom(client, "/changes/feed/")
    assert len(ids) == Change.objects.count() == 12
    assert {t["term"] for e in parsed.entries for t in e.tags} >= {"added", "removed", "renewal", "AL", "TX"}

    _, al = _atom(client, "/changes/feed/state/AL/")
    assert len(al) == Change.objects.filter(state="AL").count() > 0
    _, county = _atom(client, "/changes/feed/county/AL/Gamma/")
    assert len(county) == 1 and "addendum" in county[0]
    delta = Agency.objects.get(name="Delta County Sheriff's Office")
    parsed, agency = _atom(client, f"/changes/feed/agency/{delta.pk}/")
    assert len(agency) == 1 and parsed.entries[0].title.startswith("Renewed: Delta County Sheriff")
    _, tfm = _atom(client, "/changes/feed/model/TFM/")
    assert len(tfm) == Change.objects.filter(model="TFM").count() == 3  # Echo's switch, Zeta's rename, Mu's application
    assert client.get("/changes/feed/state/XX/").status_code == 404
    assert client.get("/changes/feed/model/ABC/").status_code == 404

    # Recomputed from nothing, every change comes back under the same entry id.
    Change.objects.all().delete()
    services.refresh(full=True)
    assert _atom(client, "/changes/feed/")[1] == ids


def test_pages_link_their_feeds(client, lists):
    lists()
    page = client.get("/changes/?state=AL&model=JEM").content.decode()
    assert 'type="application/atom+xml" title="Feed of Alabama" href="/changes/feed/state/AL/"' in page
    assert 'href="/changes/feed/model/JEM/"' in page and 'href="/changes/feed/"' in page
