"""g287 demo: labelled synthetic data through the services, real decisions, logins per role, idempotent."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Assignment, Role, User
from g287.audit.models import AuditEvent
from g287.audit.services import verify
from g287.operations.models import Action, Obligation, OfficerAccount
from g287.operations.services import redecide
from g287.oversight.models import Complaint, Finding, Inspection, ReviewItem
from g287.personnel.models import Officer
from g287.registry.models import Agency, Agreement, FieldOffice

pytestmark = pytest.mark.django_db


def _registry():
    fo = FieldOffice.objects.order_by("code").first() or FieldOffice.objects.create(code="nol", name="New Orleans",
                                                                                 states=["LA"])
    for i, (model, template) in enumerate([("JEM", "2020"), ("JEM", "2025"), ("WSO", "2019"), ("WSO", "2025"),
                                           ("TFM", "2025"), ("JEM", "2016")]):
        ag = Agency.objects.create(key=f"demo-test-{i}", name=f"Demo test agency {i}", state=fo.states[0],
                                   ice_type="County", field_office=fo)
        Agreement.objects.create(key=f"demo-test-{i}:{model}", agency=ag, model=model, template_version=template,
                                 template_inferred=False, signed=date(2020 + i % 5, 3, 1))


def _counts():
    return tuple(m.objects.count() for m in (Officer, Action, Obligation, Complaint, Inspection, Finding, ReviewItem,
                                             User, TOTPDevice, Assignment, AuditEvent))


def test_demo_fills_agencies_through_the_services_and_runs_once():
    _registry()
    out = StringIO()
    call_command("demo", "--agencies", "6", stdout=out, stderr=StringIO())
    text = out.getvalue()
    first = _counts()
    assert first[1] > 50 and first[3] > 0 and first[4] > 0 and first[6] > 0
    for username in ("demo-coordinator", "demo-officer", "demo-supervisor", "demo-inspector", "demo-field-office",
                     "demo-oversight"):
        assert username in text
        u = User.objects.get(username=username)
        assert u.is_demo and (TOTPDevice.objects.filter(user=u, confirmed=True).exists() == u.needs_second_factor)
    assert OfficerAccount.objects.get(user__username="demo-officer").officer.reference == "DEMO-01"
    # Labelled synthetic, and every stored decision is the engine's own on the stored facts.
    assert all(o.reference.startswith("DEMO-") and o.synthetic for o in Officer.objects.all())
    actions = list(Action.objects.prefetch_related("violations"))
    assert all(a.synthetic and a.subject_ref.startswith("DEMO-S-") for a in actions)
    for a in actions:
        d = redecide(a)
        assert (d.allowed, set(d.codes)) == (a.allowed, {v.code for v in a.violations.all()})
    assert {a.allowed for a in actions} == {True, False}
    assert Complaint.objects.filter(language="es").exists()
    assert ReviewItem.objects.exclude(decision="").exists() and ReviewItem.objects.filter(decision="").exists()
    assert verify().ok
    # The program's screens have labelled synthetic facts behind them.
    from g287.program.models import AgencyCost, AnnualTarget, ScaapReimbursement, SupervisorStaffing, TrainingClass

    assert SupervisorStaffing.objects.filter(note__contains="synthetic", supervisors__gt=0).exists()
    assert TrainingClass.objects.filter(location__contains="synthetic").count() >= 6
    assert AnnualTarget.objects.filter(note__contains="synthetic").count() == 2
    assert AgencyCost.objects.exists() and all("synthetic" in c.note for c in AgencyCost.objects.all())
    assert ScaapReimbursement.objects.filter(note__contains="synthetic").exists()
    program = [m.objects.count() for m in (AgencyCost, AnnualTarget, ScaapReimbursement, SupervisorStaffing,
                                           TrainingClass)]
    # Running it again adds nothing.
    call_command("demo", "--agencies", "6", stdout=StringIO(), stderr=StringIO())
    assert _counts() == first
    assert program == [m.objects.count() for m in (AgencyCost, AnnualTarget, ScaapReimbursement,
                                                   SupervisorStaffing, TrainingClass)]


def test_demo_without_a_registry_says_what_to_do():
    err = StringIO()
    call_command("demo", stdout=StringIO(), stderr=err)
    assert "g287 setup" in err.getvalue() and not Action.objects.exists()
