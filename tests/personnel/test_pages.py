"""Personnel pages and API: a coordinator nominates and records training, ICE certifies and authorizes, each
write audited; the officer's standing is the engine's; a form with an error keeps what was typed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.personnel.models import Authorization, Officer
from g287.registry.models import FieldOffice
from g287.registry.field_offices import load_field_offices
from tests.conftest import sign_in
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    if not FieldOffice.objects.exists():
        load_field_offices()
    ag = f.agency("in-lake-so", state="IN")
    agreement = f.agreement(ag)
    other = f.agency("ga-other-so", state="GA")
    f.officer(other, "ZETA-1", authorize=f.agreement(other))
    fo = next(fo for fo in FieldOffice.objects.all() if "IN" in (fo.states or []))
    coord = User.objects.create_user("coord", password="x-long-password-1", role=Role.LEA_COORDINATOR, agency=ag)
    ice = User.objects.create_user("fod", password="x-long-password-1", role=Role.FIELD_OFFICE, field_office=fo)
    return ag, agreement, coord, ice


def test_nominate_train_certify_authorize_then_the_engine_lets_the_officer_act(client, world):
    ag, agreement, coord, ice = world
    today = timezone.localdate()
    sign_in(client, coord)
    resp = client.post("/officers/nominate/", {"reference": "L-7", "us_citizen": "on", "lea_experience_years": "4",
                                               "nominated": (today - timedelta(days=40)).isoformat()})
    officer = Officer.objects.get(reference="L-7")
    assert resp.status_code == 302 and resp["Location"] == f"/officers/{officer.pk}/"
    resp = client.post(f"/officers/{officer.pk}/trainings/", {"course": "basic", "model": "JEM",
                                                              "completed": (today - timedelta(days=10)).isoformat(),
                                                              "exams": "64, 81"})
    assert resp.status_code == 302
    # The coordinator may not authorize.
    assert client.post(f"/officers/{officer.pk}/authorizations/", {"agreement": agreement.pk,
                                                                   "granted": today.isoformat()}).status_code == 403
    page = client.get(f"/officers/{officer.pk}/").content.decode()
    assert "JEM" in page.split('data-testid="certified"')[1][:80]
    assert "background check" in page and "The officer is not authorized" not in page[:0]

    client.logout()
    sign_in(client, ice)
    assert client.post(f"/officers/{officer.pk}/eligibility/", {"background_check": "approved", "us_citizen": "on",
                                                                "lea_experience_years": "4"}).status_code == 302
    assert client.post(f"/officers/{officer.pk}/authorizations/", {"agreement": agreement.pk,
                                                                   "granted": today.isoformat()}).status_code == 302
    status = client.get(f"/api/personnel/officers/{officer.pk}/status/").json()
    assert status["certified"] == ["JEM"]
    assert status["agreements"][0] == {"agreement": agreement.pk, "may_act": True, "violations": [],
                                       "authorization": Authorization.objects.get(officer=officer).pk,
                                       "authorization_ends": None}
    # Before the authorization, the engine says why not.
    before = client.get(f"/api/personnel/officers/{officer.pk}/status/?as_of={today - timedelta(days=1)}").json()
    assert [v["code"] for v in before["agreements"][0]["violations"]] == ["OFFICER_NOT_AUTHORIZED"]
    actions = list(AuditEvent.objects.filter(object_type__startswith="personnel.").values_list("action", flat=True))
    for name in ("personnel.nominate_officer", "personnel.record_training", "personnel.update_eligibility",
                 "personnel.grant_authorization"):
        assert name in actions


def test_a_form_with_an_error_keeps_what_was_typed_and_names_the_field(client, world):
    ag, agreement, coord, ice = world
    officer = f.officer(ag, "L-8")
    sign_in(client, coord)
    resp = client.post(f"/officers/{officer.pk}/trainings/", {"course": "basic", "model": "JEM",
                                                              "completed": "2025-02-30", "exams": "64, 1o1"})
    body = resp.content.decode()
    assert resp.status_code == 400
    assert 'value="64, 1o1"' in body and "data-error-summary" in body
    assert "Exam 2: “1o1” is not a whole number from 0 to 100." in body
    assert 'href="#id_completed"' in body
    # A duplicate reference is refused on the reference field, the rest kept.
    resp = client.post("/officers/nominate/", {"reference": "L-8", "lea_experience_years": "3.5",
                                               "nominated": "2025-05-01"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "already has an officer" in body and 'value="3.5"' in body


def test_revoking_the_last_officer_is_refused_on_the_page_with_the_reason(client, world):
    ag, agreement, coord, ice = world
    officer = f.officer(ag, "L-9", authorize=agreement)
    auth = Authorization.objects.get(officer=officer)
    sign_in(client, ice)
    resp = client.post(f"/officers/authorizations/{auth.pk}/revoke/", {"revoked": "2025-06-01",
                                                                       "reason": "misconduct"})
    assert resp.status_code == 400
    assert "suspension notice first" in resp.content.decode()
    auth.refresh_from_db()
    assert auth.revoked is None


def test_lists_and_api_are_scoped_and_the_api_nominates(client, world):
    ag, agreement, coord, ice = world
    sign_in(client, coord)
    resp = client.post("/api/personnel/officers/", {"reference": "API-1", "lea_experience_years": 2.5},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["agency"] == ag.pk
    listed = client.get("/api/personnel/officers/").json()
    refs = [o["reference"] for o in listed["results"]] if isinstance(listed, dict) else [o["reference"] for o in listed]
    assert refs == ["API-1"]
    assert "ZETA" not in client.get("/officers/").content.decode()
    other = Officer.objects.get(reference="ZETA-1")
    assert client.get(f"/officers/{other.pk}/").status_code == 404


def test_admin_lists_officers_read_only(client, world):
    ag, agreement, coord, ice = world
    f.officer(ag, "L-10")
    root = User.objects.create_superuser("root", password="x-long-password-1")
    sign_in(client, root)
    assert client.get("/admin/personnel/officer/").status_code == 200
    assert client.get("/admin/personnel/officer/add/").status_code == 403
