"""Capacity as of a day, and the approval that would exceed it: the shortfall is shown first and must be
acknowledged."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from g287.audit.models import AuditEvent
from g287.personnel import services as personnel
from g287.program import services
from g287.program.models import ApplicationStatus as S
from g287.program.models import ITInstallation, SupervisorStaffing, TrainingClass
from tests.personnel import factories
from tests.program import data

pytestmark = pytest.mark.django_db
DAY = date(2025, 6, 20)


@pytest.fixture
def world():
    miami, atlanta = data.field_offices()
    alachua = data.alachua(miami)
    jem = factories.agreement(alachua, "JEM", signed=date(2025, 3, 3))
    officers = [factories.officer(alachua, f"B-{n}", authorize=jem, granted=date(2025, 4, 1)) for n in range(3)]
    SupervisorStaffing.objects.create(field_office=miami, supervisors=1, start=date(2025, 1, 1))
    TrainingClass.objects.create(model="JEM", start=DAY + timedelta(days=30), end=DAY + timedelta(days=58),
                                 location="Charleston, SC", seats=24, seats_taken=20)
    po = data.program_office()
    app = services.create_application(po, data.baker(miami), "JEM", date(2025, 6, 2), officers_planned=20)
    services.start_evaluation(po, app, date(2025, 6, 3))
    return {"miami": miami, "atlanta": atlanta, "alachua": alachua, "jem": jem, "officers": officers, "po": po,
            "app": app}


def codes(app, day=DAY):
    return [s.code for s in services.shortfalls(app, day)]


def test_authorized_officers_follow_the_personnel_status(world):
    assert services.authorized_officers(["FL"], date(2025, 3, 31)) == 0
    assert services.authorized_officers(["FL"], DAY) == 3
    personnel.revoke_authorization(None, world["officers"][0].authorizations.get(), date(2025, 5, 1), "misconduct")
    assert services.authorized_officers(["FL"], DAY) == 2
    assert services.authorized_officers(["GA", "NC", "SC"], DAY) == 0
    # Trained but never authorized: not counted.
    factories.officer(world["alachua"], "B-untrained", authorize=None)
    assert services.authorized_officers(["FL"], DAY) == 2


def test_no_shortfall_when_capacity_is_there(world):
    assert codes(world["app"]) == []
    rows = services.capacity_by_field_office(DAY, [world["miami"]])
    assert rows[0]["supervisors"] == 1 and rows[0]["officers"] == 3 and rows[0]["over"] is False


def test_supervision_shortfall_above_the_configured_ratio(world):
    app = world["app"]
    app = services.update_declarations(world["po"], app, officers_planned=27)  # 3 + 27 = 30 = the maximum
    assert codes(app) == []
    app = services.update_declarations(world["po"], app, officers_planned=28)
    found = services.shortfalls(app, DAY)
    assert [s.code for s in found] == ["SUPERVISION"]
    assert "31 authorized and planned officers for 1 field supervisors, 31.0 each; the maximum is 30" in found[0].message
    SupervisorStaffing.objects.update(end=DAY)  # the supervisor leaves that day
    assert "has no field supervisors on record" in services.shortfalls(app, DAY)[0].message


def test_training_seat_shortfall(world):
    app = world["app"]
    TrainingClass.objects.update(seats_taken=24)  # full
    assert codes(app) == ["TRAINING_SEATS"]
    TrainingClass.objects.update(seats_taken=0, start=DAY + timedelta(days=91))  # beyond the 90-day window
    assert codes(app) == ["TRAINING_SEATS"]
    TrainingClass.objects.update(start=DAY + timedelta(days=90))
    assert codes(app) == []
    TrainingClass.objects.update(model="WSO")  # a seat in another model's class does not count
    assert codes(app) == ["TRAINING_SEATS"]


def test_it_backlog_shortfall(world):
    agencies = [data.roster_agency(f"fl-a{n}", f"Agency {n}", "FL") for n in range(20)]
    for n, a in enumerate(agencies):
        ITInstallation.objects.create(agency=a, requested=date(2025, 5, 1),
                                      installed=date(2025, 6, 1) if n == 0 else None)
    assert services.pending_installations(DAY).count() == 19
    assert codes(world["app"]) == []
    ITInstallation.objects.create(agency=world["alachua"], requested=DAY)
    assert codes(world["app"]) == ["IT_BACKLOG"]
    assert codes(world["app"], DAY - timedelta(days=1)) == []  # requested that day: not yet waiting the day before


def test_approval_exceeding_capacity_needs_the_acknowledgement(world):
    app, po = world["app"], world["po"]
    TrainingClass.objects.all().delete()
    with pytest.raises(services.ShortfallNotAcknowledged) as caught:
        services.approve(po, app, DAY, "Strong applicant.")
    assert [s.code for s in caught.value.found] == ["TRAINING_SEATS"]
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION
    assert not AuditEvent.objects.filter(action="program.approve").exists()
    services.approve(po, app, DAY, "Strong applicant; a class is being added in August.", acknowledge_shortfall=True)
    app.refresh_from_db()
    assert app.status == S.APPROVED and app.shortfall_acknowledged
    assert app.shortfalls[0]["code"] == "TRAINING_SEATS"
    event = AuditEvent.objects.get(action="program.approve")
    assert event.after["shortfall_acknowledged"] is True and event.after["shortfalls"][0]["code"] == "TRAINING_SEATS"


def test_approval_page_shows_the_shortfall_first_and_requires_the_tick(client, world):
    app = world["app"]
    TrainingClass.objects.all().delete()
    data.signed_in(client, world["po"])
    url = reverse("program:application-approve", args=[app.pk])
    page = client.get(url, {"decided": DAY.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="shortfall"' in html
    assert "No JEM training class with an open seat" in html and 'name="acknowledge_shortfall"' in html
    refused = client.post(url, {"decided": DAY.isoformat(), "reason": "Strong applicant."})
    assert refused.status_code == 400 and "tick the acknowledgement" in refused.content.decode()
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION
    done = client.post(url, {"decided": DAY.isoformat(), "reason": "Strong applicant.", "acknowledge_shortfall": "on"})
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == S.APPROVED and app.shortfall_acknowledged and app.decided_by == world["po"]


def test_approval_page_without_shortfall(client, world):
    data.signed_in(client, world["po"])
    url = reverse("program:application-approve", args=[world["app"].pk])
    page = client.get(url, {"decided": DAY.isoformat()})
    assert 'data-testid="no-shortfall"' in page.content.decode()
    assert client.post(url, {"decided": DAY.isoformat(), "reason": "Ready."}).status_code == 302
    world["app"].refresh_from_db()
    assert world["app"].status == S.APPROVED and not world["app"].shortfall_acknowledged


def test_field_office_cannot_open_the_approval(client, world):
    data.signed_in(client, data.field_office_user(world["miami"]))
    assert client.get(reverse("program:application-approve", args=[world["app"].pk])).status_code == 403
