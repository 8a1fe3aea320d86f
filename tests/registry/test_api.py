"""The read-only registry API: public reads, no writes, the pages' filters, and a schema that builds clean."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from g287.accounts.models import Role, User
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg():
    return build_registry()


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def reader():
    user = User.objects.create_user("reader", password="a-long-enough-password", role=Role.OVERSIGHT)
    client = APIClient()
    client.force_authenticate(user)
    return client


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("path", ["/api/agencies/", "/api/agreements/", "/api/publications/"])
def test_registry_endpoints_are_public_for_reading(anon, reader, reg, path):
    assert results(anon.get(path))
    assert results(reader.get(path)) == results(anon.get(path))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_is_written_through_the_api(anon, reader, reg, method):
    detail = f"/api/agencies/{reg.colbert.pk}/"
    assert getattr(anon, method)(detail, {"name": "x"}, format="json").status_code in (403, 405)
    assert getattr(reader, method)(detail, {"name": "x"}, format="json").status_code in (403, 405)
    assert getattr(anon, method)("/api/agreements/", {"model": "JEM"}, format="json").status_code in (403, 405)
    reg.colbert.refresh_from_db()
    assert reg.colbert.name == "Colbert County Sheriff's Office"


def test_the_api_root_needs_a_login(anon, reader):
    # Only the registry's own lists are public; the index of the API follows the default (login required).
    assert anon.get("/api/").status_code in (401, 403)
    assert reader.get("/api/").status_code == 200


def test_agency_detail(anon, reg):
    data = anon.get(f"/api/agencies/{reg.colbert.pk}/").json()
    assert data["name"] == "Colbert County Sheriff's Office"
    assert data["state"] == "AL" and data["county"] == "Colbert County"
    assert len(data["agreements"]) == 3
    assert all(u.startswith("http://testserver/api/agreements/") for u in data["agreements"])


def test_agreement_detail_has_status_and_history(anon, reg):
    data = anon.get(f"/api/agreements/{reg.colbert_jem_2019.pk}/").json()
    assert data["status"] == "superseded"
    assert data["superseded_by"].endswith(f"/api/agreements/{reg.colbert_jem_2025.pk}/")
    assert data["template_version"] == "2019" and data["template_inferred"] is True
    assert data["first_listed"] == "2025-05-16" and data["last_listed"] == "2025-05-16"
    new = anon.get(f"/api/agreements/{reg.colbert_jem_2025.pk}/").json()
    assert [e["kind"] for e in new["events"]] == ["renewal"]
    assert new["events"][0]["publication"] == reg.p2.file_name
    # as of a day before the renewal, the old agreement was active
    assert anon.get(f"/api/agreements/{reg.colbert_jem_2019.pk}/?as_of=2025-05-20").json()["status"] == "active"


@pytest.mark.parametrize("query, expected", [
    ("state=FL", {"Florida Highway Patrol", "Orange County Sheriff's Office"}),
    ("q=colbert", {"Colbert County Sheriff's Office"}),
    ("model=TFM&status=removed", {"Orange County Sheriff's Office"}),
    ("ice_type=municipality", {"Quietville Police Department"}),
    ("status=active&as_of=2025-05-20&state=AL", {"Colbert County Sheriff's Office"}),
])
def test_agency_filters(anon, reg, query, expected):
    assert {a["name"] for a in results(anon.get(f"/api/agencies/?{query}"))} == expected


@pytest.mark.parametrize("query, expected", [
    ("status=active", 3),
    ("status=removed", 1),
    ("status=superseded", 1),
    ("status=active&as_of=2025-05-20", 4),
    ("model=WSO", 2),
    ("signed_from=2025-05-01", 3),
    (f"template_version=2019", 1),
])
def test_agreement_filters(anon, reg, query, expected):
    data = anon.get(f"/api/agreements/?{query}").json()
    assert data["count"] == expected


def test_agreement_list_reports_status_as_of_the_day_asked(anon, reg):
    rows = results(anon.get(f"/api/agreements/?agency={reg.orange.pk}&as_of=2025-06-10"))
    assert [r["status"] for r in rows] == ["active"]
    rows = results(anon.get(f"/api/agreements/?agency={reg.orange.pk}"))
    assert [r["status"] for r in rows] == ["removed"]


def test_bad_filter_values_are_rejected_by_name(anon, reg):
    response = anon.get("/api/agreements/?status=gone&as_of=not-a-date")
    assert response.status_code == 400
    assert set(response.json()) >= {"status", "as_of"}


def test_publication_filters(anon, reg):
    assert [p["file_name"] for p in results(anon.get("/api/publications/?kind=pending"))] == [reg.pending.file_name]
    june = results(anon.get("/api/publications/?published_from=2025-06-01&published_to=2025-06-30"))
    assert [p["id"] for p in june] == [reg.p2.pk]


def test_schema_builds_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning into an error: the schema must be clean.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ["/api/agencies/", "/api/agreements/{id}/", "/api/publications/"]:
        assert f"  {path}:" in text
    assert "name: as_of" in text and "name: status" in text


def test_schema_endpoint(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/agreements/" in response.content
