"""The bulk auditor on generated data in the database: the per-action path's answers, every filter, the command."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench.generate import Sizes, generate
from g287.audit.models import AuditEvent
from g287.redecide.read import Scope
from g287.redecide.run import redecide_actions
from g287.redecide.bulk import codes_of
from g287.operations.models import Action
from g287.operations.services import redecide
from g287.personnel import services as ps
from g287.personnel.models import Authorization
from tests.personnel import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    return generate(Sizes(agencies=6, officers=80, actions=1200, seed=11))


def test_bulk_equals_the_per_action_path_and_the_stored_decisions(generated):
    result = redecide_actions()
    assert result.actions == generated.actions == 1200
    assert result.denied == generated.denied > 0
    assert result.changed == 0
    masks = dict(result.decided.select("id", "mask").iter_rows())
    for action in Action.objects.all():
        assert codes_of(masks[action.pk]) == redecide(action).codes, action.pk
    assert sum(r["actions"] for r in result.as_json()["by_agency"]) == 1200
    assert sum(result.by_code.values()) == generated.violations


def test_a_backdated_revocation_shows_as_changed_decisions(generated):
    # An officer with allowed actions turns out never to have been validly authorized under that agreement.
    action = Action.objects.filter(allowed=True).order_by("id").first()
    affected = Action.objects.filter(officer_id=action.officer_id, agreement_id=action.agreement_id, allowed=True)
    n = affected.count()
    for other in Authorization.objects.filter(officer_id=action.officer_id, agreement_id=action.agreement_id, revoked=None):
        ps.revoke_authorization(None, other, other.granted, "found invalid on review")
    result = redecide_actions()
    assert result.changed >= n > 0
    masks = dict(result.decided.select("id", "mask").iter_rows())
    for a in affected:
        assert "OFFICER_NOT_AUTHORIZED" in codes_of(masks[a.pk])
        assert codes_of(masks[a.pk]) == redecide(a).codes


def test_scope_filters(generated):
    everything = redecide_actions()
    first = Action.objects.order_by("local_date").values_list("local_date", flat=True).first()
    june = redecide_actions(Scope(date(2025, 6, 1), date(2025, 6, 30)))
    assert june.actions == Action.objects.filter(local_date__range=(date(2025, 6, 1), date(2025, 6, 30))).count()
    assert 0 < june.actions < everything.actions and first is not None
    agency_id = Action.objects.values_list("agreement__agency_id", flat=True).first()
    one = redecide_actions(Scope(agency_id=agency_id))
    assert one.actions == Action.objects.filter(agreement__agency_id=agency_id).count()
    assert one.by_agency.get_column("agency_id").to_list() == [agency_id]


def test_command_json_and_errors(generated):
    out = StringIO()
    call_command("redecide", "--json", "--from", "2025-01-01", stdout=out)
    data = json.loads(out.getvalue())
    assert data["actions"] == Action.objects.filter(local_date__gte=date(2025, 1, 1)).count()
    assert data["changed_since_recorded"] == 0
    text = StringIO()
    call_command("redecide", stdout=text)
    assert "1200 actions re-decided" in text.getvalue()
    with pytest.raises(CommandError, match="no agency"):
        call_command("redecide", "--agency", "no-such-agency")
    with pytest.raises(CommandError, match="not a date"):
        call_command("redecide", "--from", "June")


def test_verify_names_the_first_bad_event():
    ag = factories.agency()
    for ref in ("B-1", "B-2", "B-3"):
        ps.nominate_officer(None, ag, ref)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()
    ev = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Someone with direct database access switches the append-only trigger off.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cur.execute("UPDATE audit_auditevent SET object_id = 'altered' WHERE seq = %s", [ev.seq])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    with pytest.raises(CommandError, match=f"#{ev.seq}") as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1


def _snapshot():
    return sorted(Action.objects.values_list("officer__reference", "agreement__key", "function", "local_date",
                                             "local_time", "location", "criminal_charge", "allowed"))


def test_the_generator_is_deterministic_and_labelled():
    from g287.operations.models import ActionViolation, Obligation
    from g287.personnel.models import ExamScore, Officer, Training
    from g287.registry.models import Agency, Agreement, AgreementEvent

    generate(Sizes(agencies=3, officers=20, actions=300, seed=5))
    first = _snapshot()
    assert all(ref.startswith("SYN-") and key.startswith("synthetic-") for ref, key, *_ in first)
    assert not Action.objects.filter(synthetic=False).exists() and not Officer.objects.filter(synthetic=False).exists()
    for model in (ActionViolation, Obligation, Action, Authorization, ExamScore, Training, Officer, AgreementEvent,
                  Agreement, Agency):
        model.objects.all().delete()
    generate(Sizes(agencies=3, officers=20, actions=300, seed=5))
    assert _snapshot() == first
    generate(Sizes(agencies=3, officers=20, actions=300, seed=6))
    assert Action.objects.count() == 600


@pytest.mark.slow
def test_bulk_equals_stored_and_per_action_on_a_larger_generated_set():
    generated = generate(Sizes(agencies=60, officers=3000, actions=100_000, seed=2025))
    result = redecide_actions()
    assert result.actions == 100_000 and result.denied == generated.denied and result.changed == 0
    masks = dict(result.decided.select("id", "mask").iter_rows())
    for action in Action.objects.order_by("?")[:1500]:
        assert codes_of(masks[action.pk]) == redecide(action).codes


@pytest.mark.django_db(transaction=True)
def test_committed_data_is_read_in_parallel_parts_with_the_same_answer():
    """With nothing uncommitted the auditor reads on its own connections (PostgreSQL, SQLite files) in parts."""
    from g287.redecide.read import read_actions_and_masks

    generate(Sizes(agencies=4, officers=30, actions=700, seed=3))
    together, masks1 = read_actions_and_masks(parts=1)
    apart, masks3 = read_actions_and_masks(parts=3)
    assert together.sort("id").equals(apart.sort("id")) and len(apart) == 700
    assert masks1.sort("id").equals(masks3.sort("id"))
    result = redecide_actions()
    assert result.actions == 700 and result.changed == 0
