"""Pages, read API and admin: login required, field offices see their states only, writes go through services."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from g287.accounts.models import Role, User
from g287.audit.models import AuditEvent
from g287.program import services
from g287.program.models import ApplicationStatus as S
from g287.program.models import Appropriation, ProgramApplication
from tests.personnel import factories
from tests.program import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    miami, atlanta = data.field_offices()
    alachua, gaston = data.alachua(miami), data.gaston(atlanta)
    po = data.program_office()
    fl = services.create_application(po, alachua, "JEM", date(2025, 6, 2), annual_bookings=11000)
    nc = services.create_application(po, gaston, "WSO", date(2025, 6, 3))
    services.start_evaluation(po, nc, date(2025, 6, 4))
    return {"miami": miami, "atlanta": atlanta, "alachua": alachua, "gaston": gaston, "po": po, "fl": fl, "nc": nc,
            "miami_user": data.field_office_user(miami, "fo-miami"),
            "atlanta_user": data.field_office_user(atlanta, "fo-atlanta")}


PAGES = ["program:index", "program:application-list", "program:targets", "program:capacity", "program:funding"]


@pytest.mark.parametrize("name", PAGES + ["program:application-new"])
def test_login_required(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_login_required(client, world):
    assert client.get("/program/api/applications/").status_code == 403


@pytest.mark.parametrize("name", PAGES + ["program:application-new"])
def test_pages_render_for_the_program_office(client, world, name):
    data.signed_in(client, world["po"])
    assert client.get(reverse(name)).status_code == 200


def test_field_office_sees_only_its_states(client, world):
    data.signed_in(client, world["miami_user"])
    listing = client.get(reverse("program:application-list"))
    assert [a.pk for a, _ in listing.context["rows"]] == [world["fl"].pk]
    assert "Gaston" not in listing.content.decode()
    assert client.get(reverse("program:application-detail", args=[world["nc"].pk])).status_code == 404
    assert client.get(reverse("program:application-detail", args=[world["fl"].pk])).status_code == 200
    # Nor can it act on the other area's application.
    assert client.post(reverse("program:application-withdraw", args=[world["nc"].pk]),
                       {"decided": "2025-06-10", "reason": "x"}).status_code == 404
    api = client.get("/program/api/applications/").json()
    assert [r["id"] for r in api["results"]] == [world["fl"].pk]
    assert client.get(f"/program/api/applications/{world['nc'].pk}/").status_code == 404


def test_program_office_sees_all(client, world):
    data.signed_in(client, world["po"])
    listing = client.get(reverse("program:application-list"))
    assert {a.pk for a, _ in listing.context["rows"]} == {world["fl"].pk, world["nc"].pk}
    api = client.get("/program/api/applications/").json()
    assert api["count"] == 2
    nc = next(r for r in api["results"] if r["id"] == world["nc"].pk)
    assert nc["evaluations"][0]["resources_score"] == services.score_application(world["nc"], date(2025, 6, 4))[
        "resources"].score


def test_detail_shows_the_explained_evaluation(client, world):
    data.signed_in(client, world["po"])
    html = client.get(reverse("program:application-detail", args=[world["nc"].pk])).content.decode()
    assert "Available resources:" in html and "133 sworn officers" in html
    assert "Civil-rights record: 100 of 100" in html and "Annual bookings were not entered" in html


def test_field_office_enters_and_evaluates_through_the_pages(client, world):
    data.signed_in(client, world["miami_user"])
    baker = data.baker(world["miami"])
    form = {"agency": baker.pk, "model": "WSO", "received": "2025-06-05", "declared_lawsuits": 1,
            "declared_consent_decrees": 0, "declared_findings": 0, "declared_notes": "", "annual_bookings": 2400,
            "foreign_born_share": "7.5", "ice_encounters": "", "officers_planned": 4}
    response = client.post(reverse("program:application-new"), form)
    assert response.status_code == 302
    app = ProgramApplication.objects.get(agency=baker)
    assert (app.entered_by, app.declared_lawsuits, app.foreign_born_share) == (world["miami_user"], 1, Decimal("7.5"))
    # An agency of another field office is not a choice.
    other = client.post(reverse("program:application-new"), {**form, "agency": world["gaston"].pk, "model": "JEM"})
    assert other.status_code == 200 and "agency" in other.context["form"].errors
    client.post(reverse("program:application-evaluate", args=[app.pk]), {"on": "2025-06-06"})
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION and app.latest_evaluation.civil_rights_score == 90
    client.post(reverse("program:application-withdraw", args=[app.pk]), {"decided": "2025-06-07", "reason": ""})
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION  # no reason: refused
    client.post(reverse("program:application-deny", args=[app.pk]), {"decided": "2025-06-07", "reason": "No."})
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION  # a field office does not deny
    client.post(reverse("program:application-withdraw", args=[app.pk]),
                {"decided": "2025-06-07", "reason": "The sheriff withdrew it."})
    app.refresh_from_db()
    assert app.status == S.WITHDRAWN and app.decided_by == world["miami_user"]


def test_targets_page_and_progress_at_the_fiscal_year_boundary(client, world):
    factories.agreement(world["alachua"], "JEM", signed=date(2024, 9, 30))
    factories.agreement(world["alachua"], "WSO", signed=date(2024, 10, 1))
    factories.agreement(world["gaston"], "WSO", signed=date(2025, 9, 30))
    factories.agreement(world["gaston"], "JEM", signed=date(2025, 10, 1))
    data.signed_in(client, world["po"])
    assert client.post(reverse("program:targets"), {"fiscal_year": 2025, "target": 4, "note": ""}).status_code == 302
    assert services.progress(2024)["signed"] == 1
    p = services.progress(2025)
    assert (p["signed"], p["target"], p["percent"], p["by_model"]["WSO"]) == (2, 4, Decimal("50.0"), 2)
    assert services.progress(2026)["signed"] == 1
    # As of a day within the year: only what was signed by then.
    assert services.progress(2025, as_of=date(2025, 9, 29))["signed"] == 1
    page = client.get(reverse("program:targets"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert AuditEvent.objects.filter(action="program.set_target", actor=world["po"]).count() == 1
    # A field office sees the progress of its states; it cannot set the target.
    client.logout()
    data.signed_in(client, world["miami_user"])
    rows = {r["fiscal_year"]: r["signed"] for r in client.get(reverse("program:targets")).context["rows"]}
    assert rows[2025] == 1
    assert client.post(reverse("program:targets"), {"fiscal_year": 2025, "target": 9}).status_code == 403


def test_funding_page_and_api(client, world):
    data.signed_in(client, world["po"])
    html = client.get(reverse("program:funding"), {"fy": 2014}).content.decode()
    assert "FY2006" in html and "decreased" in html and "not entered" in html
    api = client.get("/program/api/appropriations/").json()
    assert api["count"] == 15 and api["results"][0]["fiscal_year"] == 2006
    cost = client.get("/program/api/appropriations/cost/2025/").json()
    assert cost["fiscal_year"] == 2025 and cost["per_agreement"] is None
    assert client.get(reverse("program:funding"), {"fy": "abc"}).status_code == 200


def test_capacity_page_scoped(client, world):
    data.signed_in(client, world["atlanta_user"])
    page = client.get(reverse("program:capacity"), {"as_of": "2025-06-20"})
    offices = [r["field_office"].code for r in page.context["offices"]]
    assert offices == ["atlanta"]


def test_admin_changes_are_audited(client, world):
    admin_user = User.objects.create_superuser("po-admin", password="a-long-test-password-287",
                                               role=Role.PROGRAM_OFFICE)
    data.signed_in(client, admin_user)
    row = Appropriation.objects.get(fiscal_year=2007)
    response = client.post(f"/admin/program/appropriation/{row.pk}/change/",
                           {"fiscal_year": 2007, "amount": "15500000", "source": row.source, "note": row.note})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="program.save_appropriation")
    assert event.actor == admin_user and event.after["amount"] == "15500000.00"
    bad = client.post("/admin/program/trainingclass/add/", {"model": "JEM", "start": "2025-07-07", "end": "2025-07-01",
                                                            "location": "Charleston, SC", "seats": 20,
                                                            "seats_taken": 0})
    assert bad.status_code == 200 and "must not precede start" in bad.content.decode()
    assert client.get("/admin/program/programapplication/").status_code == 200
    assert client.get(f"/admin/program/programapplication/{world['fl'].pk}/change/").status_code == 200
