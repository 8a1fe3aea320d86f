"""The decision workflow: each transition a service with its audit event; who may take it; bad input refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from g287.audit.models import AuditEvent
from g287.audit.services import verify
from g287.program import services
from g287.program.models import ApplicationStatus as S
from g287.registry.models import Application, Publication
from tests.program import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    miami, atlanta = data.field_offices()
    data.ample_capacity(miami, date(2025, 6, 20))
    return {"miami": miami, "alachua": data.alachua(miami), "po": data.program_office(),
            "fo": data.field_office_user(miami)}


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_received_evaluated_approved_with_audit(world):
    fo, po = world["fo"], world["po"]
    app = services.create_application(fo, world["alachua"], "JEM", date(2025, 6, 2), annual_bookings=9000)
    assert app.status == S.RECEIVED and app.entered_by == fo
    services.start_evaluation(fo, app, date(2025, 6, 9))
    app.refresh_from_db()
    assert app.status == S.UNDER_EVALUATION and app.evaluations.count() == 1
    services.approve(po, app, date(2025, 6, 20), "Resources and record meet the program's needs.")
    app.refresh_from_db()
    assert (app.status, app.decided, app.decided_by, app.shortfall_acknowledged) == (
        S.APPROVED, date(2025, 6, 20), po, False)
    created, started, approved = (_events("program.create_application"), _events("program.start_evaluation"),
                                  _events("program.approve"))
    assert [e.object_id for e in created + started + approved] == [str(app.pk)] * 3
    assert created[0].actor == fo and created[0].before is None and created[0].after["status"] == "received"
    assert started[0].before["status"] == "received" and started[0].after["status"] == "under_evaluation"
    assert started[0].after["evaluation"]["resources"] == 92
    assert approved[0].actor == po and approved[0].before["status"] == "under_evaluation"
    assert approved[0].after["decision_reason"].startswith("Resources and record")
    assert verify().ok


def test_deny_and_withdraw_need_a_reason_and_a_date_not_before_receipt(world):
    po = world["po"]
    app = services.create_application(po, world["alachua"], "WSO", date(2025, 6, 2))
    with pytest.raises(ValidationError, match="reason is required"):
        services.deny(po, app, date(2025, 6, 3), "   ")
    with pytest.raises(ValidationError, match="cannot precede receipt"):
        services.deny(po, app, date(2025, 6, 1), "No jail.")
    with pytest.raises(ValidationError, match="must be a date"):
        services.withdraw(po, app, "2025-06-03", "Board vote")
    services.withdraw(world["fo"], app, date(2025, 6, 3), "The county board voted not to take part.")
    app.refresh_from_db()
    assert app.status == S.WITHDRAWN and app.decided_by == world["fo"]
    assert len(_events("program.withdraw")) == 1 and not _events("program.deny")
    with pytest.raises(ValidationError, match="cannot deny an application that is withdrawn"):
        services.deny(po, app, date(2025, 6, 4), "Too late.")
    with pytest.raises(ValidationError, match="can no longer change"):
        services.update_declarations(po, app, declared_lawsuits=1)


def test_only_an_application_under_evaluation_can_be_approved(world):
    po = world["po"]
    app = services.create_application(po, world["alachua"], "JEM", date(2025, 6, 2))
    with pytest.raises(ValidationError, match="cannot approve an application that is received"):
        services.approve(po, app, date(2025, 6, 20), "Looks fine.")
    assert not _events("program.approve")


def test_roles(world):
    fo = world["fo"]
    app = services.create_application(fo, world["alachua"], "JEM", date(2025, 6, 2))
    services.start_evaluation(fo, app, date(2025, 6, 3))
    with pytest.raises(PermissionDenied, match="for program office staff"):
        services.approve(fo, app, date(2025, 6, 20), "I approve.")
    with pytest.raises(PermissionDenied):
        services.deny(fo, app, date(2025, 6, 20), "I deny.")
    with pytest.raises(PermissionDenied):
        services.set_target(fo, 2025, 100, date(2025, 6, 1))
    coordinator = data.user("lea", "lea_coordinator", agency=world["alachua"])
    with pytest.raises(PermissionDenied):
        services.create_application(coordinator, world["alachua"], "WSO", date(2025, 6, 2))
    assert not _events("program.approve") and not _events("program.set_target")


def test_one_open_application_per_agency_and_model(world):
    po = world["po"]
    services.create_application(po, world["alachua"], "JEM", date(2025, 6, 2))
    with pytest.raises(ValidationError, match="already has an open JEM application"):
        services.create_application(po, world["alachua"], "JEM", date(2025, 6, 3))
    with pytest.raises(ValidationError, match="model must be one of"):
        services.create_application(po, world["alachua"], "XYZ", date(2025, 6, 3))
    with pytest.raises(ValidationError):
        services.create_application(po, world["alachua"], "WSO", date(2025, 6, 3), foreign_born_share=140)


def test_reevaluation_keeps_the_earlier_scores(world):
    fo = world["fo"]
    app = services.create_application(fo, world["alachua"], "JEM", date(2025, 6, 2))
    services.start_evaluation(fo, app, date(2025, 6, 3))
    services.update_declarations(fo, app, declared_consent_decrees=1, annual_bookings=12000)
    services.reevaluate(fo, app, date(2025, 6, 4))
    first, second = app.evaluations.order_by("as_of")
    assert (first.civil_rights_score, second.civil_rights_score) == (100, 60)
    assert (first.capacity_score, second.capacity_score) == (0, 40)
    assert app.latest_evaluation == second
    assert len(_events("program.update_declarations")) == 1 and len(_events("program.evaluate")) == 1


def test_pending_list_applications_are_taken_once(world):
    pub = Publication.objects.create(kind="pending", file_name="pendingAgencies05152025am.xlsx", sha256="a" * 64,
                                     published=date(2025, 5, 15))
    ice = Application.objects.create(key="fl-alachua-so-jem", agency=world["alachua"], model="JEM",
                                     first_listed=pub, last_listed=pub, status="open")
    created = services.import_pending_applications(world["po"])
    assert [(a.ice_application, a.received, a.status) for a in created] == [(ice, date(2025, 5, 15), S.RECEIVED)]
    assert services.import_pending_applications(world["po"]) == []
    events = _events("program.import_pending_applications")
    assert [e.after["created"] for e in events] == [[created[0].pk], []]
    with pytest.raises(PermissionDenied):
        services.import_pending_applications(world["fo"])


def test_target_set_and_changed_with_audit(world):
    po = world["po"]
    services.set_target(po, 2025, 120, date(2024, 10, 1))
    services.set_target(po, 2025, 150, date(2025, 1, 15), "raised mid-year")
    events = _events("program.set_target")
    assert events[0].before is None and events[1].before["target"] == 120 and events[1].after["target"] == 150
    with pytest.raises(ValidationError):
        services.set_target(po, 2025, -1, date(2025, 1, 15))
