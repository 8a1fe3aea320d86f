"""The answer to ``POST /api/actions/`` is built from the rows just inserted; it must be exactly what the API
answers when the same action is read back (``GET /api/actions/<id>/``, the model serializer)."""

import pytest

from tests.conftest import sign_in
from tests.operations.test_recording_paths import CASES, _api_data, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

MORE = [
    # a detainer without a charge: denied, with violations; an arrest in the field; a served warrant
    ("issue_detainer", "2025-06-01", "23:45", "lea_facility", True, "none", "", False, False, True, False, False),
    ("warrantless_arrest", "2025-06-02", "06:00", "field", False, "pending", "felony", True, False, True, True, True),
    ("serve_arrest_warrant", "2025-06-03", "12:00", "lea_facility", True, "convicted", "felony", True, False, False,
     False, False),
]


def test_created_answer_equals_the_action_read_back(client, world):  # noqa: F811
    sign_in(client, world["coord_a"])
    kinds = set()
    for i, case in enumerate(CASES + MORE):
        created = client.post("/api/actions/", _api_data(world, case, f"p-{i}"), content_type="application/json")
        assert created.status_code == 201, created.content
        body = created.json()
        assert body == client.get(f"/api/actions/{body['id']}/").json()
        kinds |= {("violations", bool(body["violations"])), ("obligations", bool(body["obligations"]))}
    # the cases cover answers with and without violations and obligations
    assert kinds == {("violations", True), ("violations", False), ("obligations", True), ("obligations", False)}


def test_created_answer_without_external_ref(client, world):  # noqa: F811
    sign_in(client, world["coord_a"])
    data = _api_data(world, CASES[0], "") | {"external_ref": ""}
    created = client.post("/api/actions/", data, content_type="application/json")
    assert created.status_code == 201 and created.json()["external_ref"] == ""
    assert created.json() == client.get(f"/api/actions/{created.json()['id']}/").json()
