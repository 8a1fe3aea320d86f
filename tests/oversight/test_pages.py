from datetime import date, datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from g287.accounts.models import Role
from g287.oversight.models import Complaint, Finding, ReviewItem, Sanction
from g287.oversight.services import complaints as cs
from g287.oversight.services import inspections as ins
from g287.oversight.services import reviews as rs
from g287.personnel.models import Authorization
from tests.conftest import sign_in
from tests.oversight.helpers import act, assigned, user
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_public_form_in_spanish_gives_a_receipt_and_shows_no_other_complaint(client):
    ag = f.agency(state="IN")
    f.agreement(ag)
    other = cs.receive_complaint(None, ag, datetime(2025, 6, 2, 9, 0), summary="an earlier complaint")
    page = client.get("/complaints/", HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert page.status_code == 200 and "Presentar una queja" in html and "¿Qué pasó?" in html
    response = client.post("/complaints/", {
        "agency": ag.pk, "allegation": "racial_profiling", "what_happened": "Me detuvieron por mi apariencia.",
        "occurred_on": "2025-06-01", "occurred_place": "Cárcel del condado", "contact": ""},
        HTTP_ACCEPT_LANGUAGE="es", follow=True)
    html = response.content.decode()
    c = Complaint.objects.exclude(pk=other.pk).get()
    assert "Queja recibida" in html and c.receipt in html and other.receipt not in html
    assert (c.source, c.language, c.allegation, c.contact) == ("public_form", "es", "racial_profiling", "")
    assert c.obligations.get().code == "NOTIFY_ICE_OF_COMPLAINT"
    # The receipt is shown once; going back does not show it (or any other) again.
    again = client.get(reverse("complaints:received"))
    assert again.status_code == 302


def test_public_form_rejects_missing_fields_naming_them(client):
    response = client.post("/complaints/", {"allegation": "other"})
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert response.content.decode().count("usa-error-message") >= 4


@override_settings(G287_COMPLAINT_RATE="3/h")
def test_public_form_is_rate_limited_per_address(client):
    ag = f.agency()
    f.agreement(ag)
    data = {"agency": ag.pk, "allegation": "other", "what_happened": "x", "occurred_on": "2025-06-01",
            "occurred_place": "y"}
    codes = [client.post("/complaints/", data, REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429] and Complaint.objects.count() == 3
    assert client.post("/complaints/", data, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_supervisor_signs_and_returns_from_the_queue_page(client):
    ag, other = f.agency(), f.agency("other-so")
    m, om = f.agreement(ag), f.agreement(other)
    o, oo = f.officer(ag, authorize=m), f.officer(other, "X-1", authorize=om)
    a1 = rs.enqueue_for_review(act(o, m, subject_ref="S-1"))
    a2 = rs.enqueue_for_review(act(o, m, subject_ref="S-2"))
    hidden = rs.enqueue_for_review(act(oo, om, subject_ref="S-OTHER"))
    sup = sign_in(client, assigned("sup", Role.SUPERVISOR, ag))
    page = client.get(reverse("oversight:review-queue")).content.decode()
    assert "S-1" in page and "S-2" in page and "S-OTHER" not in page
    client.post(reverse("oversight:review-sign", args=[a1.pk]))
    client.post(reverse("oversight:review-return", args=[a2.pk]), {"reason": "wrong charge code"})
    assert ReviewItem.objects.get(pk=a1.pk).decision == "signed"
    assert ReviewItem.objects.get(pk=a2.pk).return_reason == "wrong charge code"
    assert client.post(reverse("oversight:review-sign", args=[hidden.pk])).status_code == 404
    assert sup.pk == ReviewItem.objects.get(pk=a1.pk).decided_by_id


def test_coordinator_sees_but_cannot_sign_and_officers_see_nothing(client):
    ag = f.agency()
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    item = rs.enqueue_for_review(act(o, m))
    sign_in(client, user("coord", Role.LEA_COORDINATOR, agency=ag))
    page = client.get(reverse("oversight:review-queue")).content.decode()
    assert "Waiting for a supervisor" in page and "Sign</button>" not in page
    client.post(reverse("oversight:review-sign", args=[item.pk]))
    assert ReviewItem.objects.get(pk=item.pk).decision == ""
    client.logout()
    sign_in(client, user("dio", Role.OFFICER, agency=ag))
    for name in ("oversight:dashboard", "oversight:review-queue", "oversight:complaint-list",
                 "oversight:inspection-list", "oversight:sanction-list"):
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("oversight:complaint-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inspector_records_inspection_and_finding_and_cannot_see_another_agency(client):
    a, b = f.agency("a-so"), f.agency("b-so")
    f.agreement(a), f.agreement(b)
    fb = ins.add_finding(None, ins.record_inspection(None, b, "inspection", date(2025, 5, 1)), severity="major",
                         clause="Article B", description="B's secret finding")
    sign_in(client, assigned("insp", Role.INSPECTOR, a))
    r = client.post(reverse("oversight:inspection-new"), {"agency": a.pk, "kind": "inspection",
                                                          "held": "2025-05-02", "summary": "Jail visited"})
    assert r.status_code == 302
    inspection = a.inspections.get()
    client.post(reverse("oversight:finding-add", args=[inspection.pk]),
                {"severity": "minor", "clause": "Article IX", "description": "Late complaint notice"})
    assert Finding.objects.filter(inspection=inspection, clause="Article IX").exists()
    # A corrective action with a bad due date: the page again, the typed text kept, the error at its field.
    finding = Finding.objects.get(inspection=inspection, clause="Article IX")
    r = client.post(reverse("oversight:corrective-add", args=[finding.pk]),
                    {"description": "Retrain the night shift on the 48-hour notice", "due": "2025-13-40"})
    body = r.content.decode()
    assert r.status_code == 400 and "Retrain the night shift on the 48-hour notice</textarea>" in body
    assert f'id="ca-due-{finding.pk}-error"' in body and f'href="#ca-due-{finding.pk}"' in body
    assert not finding.corrective_actions.exists()
    assert client.get(reverse("oversight:inspection-detail", args=[fb.inspection_id])).status_code == 404
    listing = client.get(reverse("oversight:inspection-list") + "?as_of=2025-06-01").content.decode()
    assert "a-so (test)" in listing and "b-so (test)" not in listing
    # The API agrees.
    data = client.get("/api/oversight/inspections/").json()
    assert [i["agency"] for i in data["results"]] == [a.pk]


def test_coordinator_records_a_complaint_received_and_moves_it_along(client):
    ag = f.agency(state="IN")
    f.agreement(ag)
    sign_in(client, user("coord", Role.LEA_COORDINATOR, agency=ag))
    r = client.post(reverse("oversight:complaint-new"), {
        "agency": ag.pk, "received": "2025-06-06T15:00", "source": "phone", "about": "non_designated",
        "allegation": "conduct", "summary": "Caller reports a rude jail clerk."})
    c = Complaint.objects.get()
    assert r.status_code == 302 and c.obligations.get().due_local == "2025-06-10T15:00:00"
    page = client.get(reverse("oversight:complaint-detail", args=[c.pk])).content.decode()
    assert "Forwarded to ICE" in page and "2025-06-10T15:00:00" in page
    client.post(reverse("oversight:complaint-step", args=[c.pk, "notify"]), {"at": "2025-06-09T10:00"})
    client.post(reverse("oversight:complaint-step", args=[c.pk, "investigate"]), {"day": "2025-06-10"})
    client.post(reverse("oversight:complaint-step", args=[c.pk, "resolve"]),
                {"resolved": "2025-07-01", "outcome": "unfounded"})
    page = client.get(reverse("oversight:complaint-detail", args=[c.pk])).content.decode()
    assert "2025-07-31" in page
    c.refresh_from_db()
    assert (c.investigation_started, c.outcome) == (date(2025, 6, 10), "unfounded")


def test_last_officer_refusal_offers_the_suspension_path(client):
    ag = f.agency()
    m = f.agreement(ag)
    b1 = f.officer(ag, "B-1", authorize=m)
    sign_in(client, user("prog", Role.PROGRAM_OFFICE))
    url = reverse("oversight:agency-sanctions", args=[ag.pk])
    page = client.get(url).content.decode()
    assert "When a notice given today takes effect" in page
    r = client.post(url, {"kind": "revoke_officer", "reason": "misconduct", "officer": b1.pk,
                          "start": "2025-06-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "no authorized officer" in html and "?kind=suspend_agreement" in html
    assert Authorization.objects.get().revoked is None and not Sanction.objects.exists()
    r = client.post(url, {"kind": "suspend_agreement", "reason": "noncompliance", "agreement": m.pk,
                          "start": "2025-06-01", "details": "Officer misconduct", "length_days": "30"})
    s = Sanction.objects.get()
    assert r.status_code == 302 and s.effective == date(2025, 6, 1)
    detail = client.get(reverse("oversight:sanction-detail", args=[s.pk])).content.decode()
    assert "2025-06-01" in detail


def test_racial_profiling_proposal_is_shown_until_decided(client):
    ag = f.agency()
    m = f.agreement(ag)
    o1 = f.officer(ag, "B-1", authorize=m)
    f.officer(ag, "B-2", authorize=m)
    c = cs.receive_complaint(None, ag, datetime(2025, 6, 2, 9, 0), officer=o1, allegation="racial_profiling")
    cs.resolve_complaint(None, c, date(2025, 7, 1), outcome="sustained")
    proposal = Sanction.objects.get()
    sign_in(client, user("prog", Role.PROGRAM_OFFICE))
    assert "B-1" in client.get(reverse("oversight:sanction-list")).content.decode()
    client.post(reverse("oversight:sanction-detail", args=[proposal.pk]), {"decision": "accept",
                                                                           "start": "2025-07-02"})
    proposal.refresh_from_db()
    assert proposal.status == "imposed" and Authorization.objects.get(officer=o1).revoked == date(2025, 7, 2)


def test_queue_links_each_document_to_its_action_filters_pages_and_signs_several(client):
    ag, other = f.agency(), f.agency("other-so")
    m = f.agreement(ag)
    o = f.officer(ag, authorize=m)
    items = [rs.enqueue_for_review(act(o, m, subject_ref=f"S-{i}")) for i in range(30)]
    sup = sign_in(client, assigned("sup", Role.SUPERVISOR, ag))
    page = client.get(reverse("oversight:review-queue")).content.decode()
    assert f'href="/actions/{items[0].action_id}/"' in page and "S-0" in page and "S-29" not in page
    assert page.count("<textarea") == 25  # one per row, folded under "Return…"
    assert "S-29" in client.get(reverse("oversight:review-queue") + "?page=2").content.decode()
    assert "S-0" not in client.get(reverse("oversight:review-queue") + "?reason=denied").content.decode()
    # The action's page shows why it is in the queue and lets the supervisor sign there.
    action_page = client.get(f"/actions/{items[0].action_id}/").content.decode()
    assert "Why it is in the queue" in action_page and items[0].get_reason_display() in action_page
    resp = client.post(reverse("oversight:review-sign", args=[items[0].pk]),
                       {"next": f"/actions/{items[0].action_id}/"})
    assert resp["Location"] == f"/actions/{items[0].action_id}/"
    # Several at once, all or none.
    resp = client.post(reverse("oversight:review-sign-many"), {"item": [items[1].pk, items[2].pk]})
    assert resp.status_code == 302
    assert [ReviewItem.objects.get(pk=i.pk).decision for i in items[:4]] == ["signed", "signed", "signed", ""]
    resp = client.post(reverse("oversight:review-sign-many"), {"item": [items[3].pk, items[0].pk]})
    assert resp.status_code == 400 and "Nothing was signed" in resp.content.decode()
    assert ReviewItem.objects.get(pk=items[3].pk).decision == ""
    # A return without a reason: the error at the row, its box open.
    resp = client.post(reverse("oversight:review-return", args=[items[3].pk]), {"reason": "  "})
    body = resp.content.decode()
    assert resp.status_code == 400 and f'id="return-{items[3].pk}-error"' in body
    assert "Write what must be corrected" in body.split(f'data-testid="review-item-{items[3].pk}"')[1]
    assert sup.pk == ReviewItem.objects.get(pk=items[1].pk).decided_by_id
