"""``POST /api/actions/`` answers the common case without DRF's request cycle; everything else, and every
error, is DRF's. Both give the same answers."""

import json

import pytest
from django.test import Client
from rest_framework.renderers import JSONRenderer

from g287.operations.api import ActionViewSet
from g287.operations.models import Action
from tests.conftest import sign_in
from tests.operations.test_recording_paths import CASES, _api_data, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _post(client, data, **headers):
    return client.post("/api/actions/", json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def drf_refuses_create(monkeypatch):
    """Make DRF's create fail loudly: an answer then proves the direct path gave it."""
    def refuse(self, request, *args, **kwargs):
        raise AssertionError("DRF's create was called")
    monkeypatch.setattr(ActionViewSet, "create", refuse)


def test_direct_answer_is_drfs_answer(client, world):  # noqa: F811
    sign_in(client, world["coord_a"])
    for i, case in enumerate(CASES):
        direct = _post(client, _api_data(world, case, f"direct-{i}"))
        # the same action through DRF (an Accept header the direct path leaves to DRF), then compared
        through_drf = _post(client, _api_data(world, case, f"drf-{i}"), HTTP_ACCEPT="application/json; q=1")
        assert direct.status_code == through_drf.status_code == 201
        assert direct["Content-Type"] == through_drf["Content-Type"] == "application/json"
        assert direct["Allow"] == through_drf["Allow"] and "Accept" in direct["Vary"]
        a, b = direct.json(), through_drf.json()
        assert direct.content == JSONRenderer().render(a)  # DRF's formatting, byte for byte
        differ = {"id", "external_ref", "subject_ref", "recorded", "obligations"}
        assert {k: v for k, v in a.items() if k not in differ} == {k: v for k, v in b.items() if k not in differ}
        assert [(o["code"], o["due"]) for o in a["obligations"]] == [(o["code"], o["due"]) for o in b["obligations"]]


def test_common_case_skips_drf(client, world, drf_refuses_create):  # noqa: F811
    sign_in(client, world["coord_a"])
    r = _post(client, _api_data(world, CASES[0], "skip-1"))
    assert r.status_code == 201 and Action.objects.filter(pk=r.json()["id"]).exists()


def test_errors_and_repeats_are_drfs(client, world):  # noqa: F811
    sign_in(client, world["coord_a"])
    data = _api_data(world, CASES[0], "rep-1")
    assert _post(client, data).status_code == 201
    again = _post(client, data)
    assert again.status_code == 200 and again.json()["external_ref"] == "rep-1"
    unknown = _post(client, data | {"officer": 999999, "external_ref": "rep-2"})
    assert unknown.status_code == 400 and "officer" in unknown.json()
    other = _post(client, data | {"officer": world["ob"].pk, "agreement": world["mb"].pk, "external_ref": "rep-3"})
    assert other.status_code == 403 and "detail" in other.json()
    badly_typed = _post(client, data | {"officer": str(world["oa"].pk), "external_ref": "rep-4"})
    assert badly_typed.status_code == 201  # the serializer accepts "12" for 12; DRF's path answered
    assert Action.objects.count() == 2


def test_csrf_and_sign_in_are_enforced(world):  # noqa: F811
    anonymous = Client(enforce_csrf_checks=True)
    r = _post(anonymous, _api_data(world, CASES[0], "anon-1"))
    assert r.status_code == 403 and r.json() == {"detail": "Authentication credentials were not provided."}
    signed_in = Client(enforce_csrf_checks=True)
    sign_in(signed_in, world["coord_a"])
    r = _post(signed_in, _api_data(world, CASES[0], "csrf-1"))
    assert r.status_code == 403 and r.json()["detail"].startswith("CSRF Failed")
    assert not Action.objects.exists()
