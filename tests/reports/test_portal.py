"""The public portal: no login, the map and its table, the trend by model, the measures, both languages."""

import re
from datetime import date

import pytest
from django.core.cache import cache

from g287.reports import services
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_portal_map_without_login(client):
    build_registry()
    r = client.get("/portal/?as_of=2025-07-04")
    assert r.status_code == 200
    html = r.content.decode()
    # On 4 July 2025 the newest list (3 July) shows Colbert's WSO and JEM and the Highway Patrol's TFM.
    assert re.search(r'data-count="agreements">3<', html) and re.search(r'data-count="agencies">2<', html)
    assert 'data-state="AL" data-total="2"' in html and 'data-state="FL" data-total="1"' in html
    assert 'data-state="TX" data-total="0"' in html
    # Colbert County, Alabama is FIPS 01033: drawn, and in the county table.
    assert 'data-county="01033"' in html and "Colbert County" in html
    # The accessible alternative: a described image and a table of the same numbers.
    assert 'role="img" aria-labelledby="map-title map-desc"' in html
    row = re.search(r'<tr data-state="AL">(.*?)</tr>', html).group(1)
    assert re.findall(r">(\d+)</td>", row) == ["1", "1", "0", "0", "2"]
    assert "Source: ICE's participating agencies list" in html or "Source: ICE&#x27;s" in html


def test_map_as_of_an_earlier_day_and_bad_dates(client):
    build_registry()
    data = services.map_data(date(2025, 5, 20))  # the first list: Colbert WSO + JEM 2019, Orange, Patrol
    assert data["total"] == 4 and {s["state"]: s["total"] for s in data["table"]} == {"AL": 2, "FL": 2}
    assert client.get("/portal/?as_of=yesterday").status_code == 400
    assert client.get("/portal/measures/?as_of=2025-07-01&start=2025-08-01").status_code == 400


def test_county_names_match_the_map_shapes():
    assert services.county_key("St. Lucie County") == services.county_key("St. Lucie")
    assert services.county_key("Tangipahoa Parish") == "tangipahoa"
    _states, counties = services._fips()
    assert counties[("12", services.county_key("St. Lucie County"))]["fips"] == "12111"
    assert counties[("22", services.county_key("Tangipahoa Parish"))]["fips"] == "22105"


def test_trends_by_model_from_every_list(client):
    build_registry()
    rows = services.trend_by_model()
    assert [(r["day"], r["total"], r["JEM"], r["WSO"], r["TFM"]) for r in rows] == [
        (date(2025, 5, 16), 4, 1, 1, 2), (date(2025, 6, 2), 4, 1, 1, 2), (date(2025, 7, 3), 3, 1, 1, 1)]
    html = client.get("/portal/trends/").content.decode()
    assert 'data-testid="trend-table"' in html and "2025-06-02" in html
    # The historical counts of the brief are charted with their sources.
    for n in ("72", "35", "150", "635"):
        assert f'<td class="text-right">{n}</td>' in html
    assert "JEM 100, WSO 228, TFM 307" in html


def test_measures_page_suppresses_small_field_office_counts(client):
    from tests.personnel import factories as f
    from g287.registry.models import FieldOffice

    office = FieldOffice.objects.create(code="chi", name="Chicago", states=["IN"])
    ag = f.agency(key="in-so", state="IN")
    ag.field_office = office
    ag.save()
    agreement = f.agreement(ag, model="WSO", template="2025", signed=date(2025, 1, 21))
    for i in range(3):
        f.officer(ag, f"D-{i}", model="WSO", completed=date(2025, 1, 25), authorize=agreement,
                  granted=date(2025, 1, 26))
    r = client.get("/portal/measures/?as_of=2025-03-01")
    html = r.content.decode()
    program = re.search(r'data-testid="measures-program".*?</table>', html, re.S).group(0)
    assert "100 %" in program and "(3/3)" in program
    office_table = re.search(r'data-testid="measures-field_office".*?</table>', html, re.S).group(0)
    assert "Chicago" in office_table and 'data-cell="suppressed"' in office_table
    assert "(3/3)" not in office_table
    state_table = re.search(r'data-testid="measures-state".*?</table>', html, re.S).group(0)
    assert "(3/3)" in state_table  # a state is not below state level


def test_portal_in_spanish(client):
    build_registry()
    client.cookies["django_language"] = "es"
    for url, phrase in [("/portal/", "Acuerdos por estado y condado"), ("/portal/trends/", "El programa a lo largo del tiempo"),
                        ("/portal/measures/", "Medidas de desempeño")]:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert phrase in html, url
        assert '<html lang="es">' in html


def test_pages_are_cached_per_data_version(client, django_assert_max_num_queries):
    build_registry()
    client.get("/portal/")
    with django_assert_max_num_queries(1):  # the data version, and nothing of the figures
        assert client.get("/portal/").status_code == 200
    before = services.data_version()
    from g287.audit.services import record

    record(None, "test.touch", "test", 1)
    assert services.data_version() != before


def test_cached_pages_carry_each_readers_own_csrf_token():
    from django.test import Client

    from g287.reports.views import TOKEN_MARK

    build_registry()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/portal/trends/")  # renders and keeps the page
    html = second.get("/portal/trends/").content.decode()  # from the cache
    assert TOKEN_MARK not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    r = second.post("/i18n/setlang/", {"language": "es", "next": "/portal/trends/", "csrfmiddlewaretoken": token})
    assert r.status_code == 302, "the language switcher of a cached page must accept the reader's token"
    assert second.get("/portal/trends/").content.decode().count("El programa a lo largo del tiempo") >= 1
    assert token  # the form carried a real token
    # A signed-in reader's page is rendered for them, not taken from the cache.
    from g287.accounts.models import Role, User

    user = User.objects.create_user("reader", password="a-long-enough-password-1", role=Role.OVERSIGHT)
    third = Client()
    third.force_login(user)
    assert "Sign out (reader)" in third.get("/portal/trends/").content.decode()


def test_the_data_version_is_reused_for_a_moment_only(monkeypatch):
    from g287 import pagecache
    from g287.audit.services import record

    monkeypatch.setattr(pagecache, "VERSION_TTL", 60)
    monkeypatch.setattr(pagecache, "_version_memo", (0.0, ""))
    before = services.data_version()
    record(None, "test.touch", "test", 1)
    assert services.data_version() == before  # within the minute: the version read before
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0)
    assert services.data_version() != before
