"""Input that cannot be read answers 400 (API, public pages) or a message on the page, never 500: every case the
fault and abuse runs found (issue "Hardening", point 2), each a test, and the shared reader's own rules."""

from datetime import date, datetime

import pytest

from g287 import inputs
from g287.accounts.models import Role, User
from g287.operations.models import Obligation
from tests.conftest import sign_in
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db
HUGE = "9223372036854775808"  # 2**63: one past PostgreSQL's bigint


@pytest.fixture
def coordinator(client):
    from g287.operations.services import ActionInput, record_reported

    ag = f.agency("bad-input-so", state="AL")
    m = f.agreement(ag)
    o = f.officer(ag, "BI-1", authorize=m)
    done = record_reported(None, o, m, ActionInput("issue_detainer", datetime(2025, 5, 1, 9, 30),
                                                   criminal_charge="pending"), "bi-1")
    user = User.objects.create_user("bi-coord", password="not-used-1234-bi", role=Role.LEA_COORDINATOR, agency=ag)
    sign_in(client, user)
    return {"agency": ag, "agreement": m, "officer": o, "action": done.action,
            "obligation": Obligation.objects.filter(action=done.action).first()}


LIST_ENDPOINTS = ["/api/actions/", "/api/obligations/", "/api/agencies/", "/api/agreements/", "/api/publications/",
                  "/api/oversight/reviews/", "/api/oversight/complaints/", "/api/oversight/inspections/"]


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "limit=-1", "limit=abc", "offset=1e3"])
def test_list_paging_out_of_range_is_400(client, coordinator, url, query):
    resp = client.get(f"{url}?{query}")
    assert resp.status_code == 400, resp.content[:300]
    assert ("limit" if "limit" in query else "offset") in resp.json()


def test_a_large_limit_is_capped_not_refused(client, coordinator):
    resp = client.get("/api/actions/?limit=2000000")
    assert resp.status_code == 200 and resp.json()["count"] == 1


@pytest.mark.parametrize("url, field", [
    ("/api/obligations/?overdue_as_of=2025-02-30T00:00", "overdue_as_of"),
    ("/api/deadlines/?as_of=2025-13-01T00:00", "as_of"),
    ("/api/deadlines/?as_of=9999-12-31T23:59", "as_of"),
    ("/api/oversight/due/?horizon=99999999999", "horizon"),
    ("/api/oversight/due/?as_of=9999-12-31", "as_of"),
    ("/api/oversight/due/?horizon=-5", "horizon"),
])
def test_impossible_dates_and_overflowing_numbers_are_400(client, coordinator, url, field):
    resp = client.get(url)
    assert resp.status_code == 400, resp.content[:300]
    assert field in resp.json()


def test_fulfilling_at_an_impossible_moment_is_400_and_changes_nothing(client, coordinator):
    ob = coordinator["obligation"]
    for bad in ("2025-02-30T10:00", "9999-12-31T23:59", "yesterday"):
        resp = client.post(f"/api/obligations/{ob.pk}/fulfil/", {"fulfilled_at": bad}, content_type="application/json")
        assert resp.status_code == 400 and "fulfilled_at" in resp.json(), resp.content
    ob.refresh_from_db()
    assert ob.fulfilled_at is None


def test_recording_at_the_end_of_time_is_400(client, coordinator):
    body = {"officer": coordinator["officer"].pk, "agreement": coordinator["agreement"].pk,
            "function": "interview", "at": "9999-12-31T23:59"}
    resp = client.post("/api/actions/", body, content_type="application/json")
    assert resp.status_code == 400 and "at" in resp.json()


def test_deadline_page_with_an_impossible_day_shows_a_message(client, coordinator):
    resp = client.get("/actions/deadlines/?as_of=2025-02-30T00:00", follow=True)
    assert resp.status_code == 200
    assert "not a moment of the calendar" in resp.content.decode()


@pytest.mark.parametrize("url", ["/portal/measures/?as_of=9999-12-31", "/portal/?as_of=0001-01-01",
                                 "/portal/measures/?as_of=2025-02-30"])
def test_public_pages_answer_400_to_a_day_out_of_range(client, url):
    client.logout()
    assert client.get(url).status_code == 400


def test_the_shared_reader():
    assert inputs.day("2025-05-01") == date(2025, 5, 1)
    assert inputs.moment("2025-05-01T09:30") == datetime(2025, 5, 1, 9, 30)
    assert inputs.moment("2025-05-01", date_alone=True) == datetime(2025, 5, 1)
    assert inputs.whole(" 42 ", "n") == 42
    for bad in ("2025-2-1", "20250501", "2025-02-29", "9999-12-31", "0001-01-01", "2025-05-01\x00"):
        with pytest.raises(inputs.InputError):
            inputs.day(bad)
    assert inputs.moment("2025-05-01") == datetime(2025, 5, 1)  # a day alone is its midnight
    for bad in ("2025-05-01T25:00", "2199-12-31T23:59-12:00", "x", "2025-05-01T09:30\x00"):
        with pytest.raises(inputs.InputError):
            inputs.moment(bad)
    for bad in (HUGE, "1.5", "", True, -1):
        with pytest.raises(inputs.InputError):
            inputs.whole(bad, "n")
    with pytest.raises(inputs.InputError, match="limit: 'abc' is not a whole number"):
        inputs.whole("abc", "limit")
