"""The lineage curation page and API: the program office decides with a reason; everyone else is refused."""

import json

import pytest

from g287.accounts.models import Role
from g287.audit.models import AuditEvent
from g287.registry import services
from g287.registry.choices import AuditAction
from g287.registry.models import LineageDecision
from tests.conftest import sign_in

from .test_curation import import_candidates, user

pytestmark = pytest.mark.django_db


def test_the_page_lists_declined_pairs_and_merges_with_their_decisions(client, tmp_path):
    declined, merged = import_candidates(tmp_path)
    sign_in(client, user(Role.PROGRAM_OFFICE, "po-page"))
    page = client.get("/lineage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert declined.old_identity in html and declined.reason in html
    assert f'action="/lineage/{declined.pk}/decision/"' in html
    assert 'value="confirm"' in html and 'value="reject"' in html and 'value="split"' not in html
    merges = client.get("/lineage/?show=merged").content.decode()
    assert merged.old_identity in merges and 'value="split"' in merges and 'value="confirm"' not in merges

    resp = client.post(f"/lineage/{declined.pk}/decision/", {"decision": "reject", "reason": "Two departments.",
                                                              "next": "/lineage/"})
    assert resp.status_code == 302 and resp["Location"] == "/lineage/"
    d = LineageDecision.objects.get()
    assert (d.decision, d.reason, d.by.username) == ("reject", "Two departments.", "po-page")
    html = client.get("/lineage/").content.decode()
    assert "Rejected: different agreements" in html and "by po-page" in html and "Two departments." in html
    decisions = client.get("/lineage/?show=decisions").content.decode()
    assert "Two departments." in decisions and "po-page" in decisions


def test_the_page_refuses_a_decision_without_a_reason_and_says_why(client, tmp_path):
    declined, merged = import_candidates(tmp_path)
    sign_in(client, user(Role.PROGRAM_OFFICE))
    events = AuditEvent.objects.count()
    resp = client.post(f"/lineage/{declined.pk}/decision/", {"decision": "confirm", "reason": "  "}, follow=True)
    assert "reason" in resp.content.decode() and "This field is required" in resp.content.decode()
    resp = client.post(f"/lineage/{merged.pk}/decision/", {"decision": "confirm", "reason": "same"}, follow=True)
    assert "a merge can only be split" in resp.content.decode()
    assert not LineageDecision.objects.exists() and AuditEvent.objects.count() == events
    assert client.post("/lineage/999999/decision/", {"decision": "confirm", "reason": "x"}).status_code == 404


@pytest.mark.parametrize("role", [Role.FIELD_OFFICE, Role.LEA_COORDINATOR, Role.OVERSIGHT])
def test_other_roles_are_refused(client, tmp_path, role):
    declined, _ = import_candidates(tmp_path)
    assert client.get("/lineage/").status_code == 302  # not signed in: to the sign-in page
    sign_in(client, user(role))
    assert client.get("/lineage/").status_code == 403
    assert client.post(f"/lineage/{declined.pk}/decision/", {"decision": "reject", "reason": "x"}).status_code == 403
    assert client.get("/api/lineage-candidates/").status_code == 403
    resp = client.post(f"/api/lineage-candidates/{declined.pk}/decision/",
                       data=json.dumps({"decision": "reject", "reason": "x"}), content_type="application/json")
    assert resp.status_code == 403
    assert not LineageDecision.objects.exists()


def test_the_api_lists_candidates_and_decides(client, tmp_path):
    declined, merged = import_candidates(tmp_path)
    sign_in(client, user(Role.PROGRAM_OFFICE, "po-api"))
    listing = client.get("/api/lineage-candidates/").json()
    assert listing["count"] == services.declined_candidates().count() + services.lineage_merges().count()
    only_merged = client.get("/api/lineage-candidates/?merged=true").json()["results"]
    assert only_merged and all(c["merged"] for c in only_merged)
    one = client.get(f"/api/lineage-candidates/{declined.pk}/").json()
    assert one["old_identity"] == declined.old_identity and one["decision"] is None

    url = f"/api/lineage-candidates/{declined.pk}/decision/"
    post = lambda body: client.post(url, data=json.dumps(body), content_type="application/json")  # noqa: E731
    bad = post({"decision": "confirm"})
    assert bad.status_code == 400 and "reason" in bad.json()
    bad = post({"decision": "maybe", "reason": "x"})
    assert bad.status_code == 400 and "decision" in bad.json()
    bad = post({"decision": "split", "reason": "x"})
    assert bad.status_code == 400 and "confirm it" in bad.json()["decision"][0]
    assert not LineageDecision.objects.exists()

    ok = post({"decision": "confirm", "reason": "The same office, renamed."})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["decision"] == "confirm" and body["by"] == "po-api" and body["reason"] == "The same office, renamed."
    assert AuditEvent.objects.filter(action=AuditAction.LINEAGE_DECISION, actor_label="po-api").count() == 1
    # Candidates are rewritten by the recompute; the decision shows on the pair's candidate wherever it now is.
    listing = client.get("/api/lineage-candidates/?limit=500").json()["results"]
    pair = [c for c in listing if (c["old_identity"], c["new_identity"]) == (declined.old_identity,
                                                                             declined.new_identity)]
    assert pair and pair[0]["decision"]["decision"] == "confirm"


def test_the_schema_documents_the_decision_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    op = schema["paths"]["/api/lineage-candidates/{id}/decision/"]["post"]
    assert set(op["responses"]) >= {"200", "400", "403"}
    assert "requestBody" in op
