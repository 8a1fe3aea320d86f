"""Recording in one PostgreSQL statement (``operations.store_pg``) stores exactly what the writer's other strategy
(multi-row inserts in a transaction) stores.

These tests run outside a test transaction (the one-statement path is taken only outside one), on PostgreSQL.
"""

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict

from g287.audit.models import AuditChainHead, AuditEvent
from g287.audit.services import verify
from g287.operations import services as ops
from g287.personnel.facts import load as load_facts
from g287.operations.models import Action, ActionReference
from g287.oversight.models import ReviewItem
from tests.audit.test_chain import tampering
from tests.conftest import sign_in
from tests.operations.test_api_payload import MORE
from tests.operations.test_recording_paths import CASES, _api_data
from tests.operations.test_recording_paths import world as _world  # noqa: F401
from tests.personnel import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"),
]


@pytest.fixture
def world(_world):  # noqa: F811
    wso = f.agreement(_world["a"], model="WSO")
    return _world | {"wso": wso, "ow": f.officer(_world["a"], "A-W", authorize=wso)}


def _input(case):
    fn, d, t, loc, custody, charge, level, ice, usc, warrant, rtb, esc = case
    return ops.ActionInput(function=fn, at=datetime.fromisoformat(f"{d}T{t}"), location=loc, subject_ref="S-1",
                           in_lea_custody=custody, criminal_charge=charge, charge_level=level, ice_designated=ice,
                           usc_claim=usc, warrant_signed_by_ice=warrant, reason_to_believe=rtb, likely_to_escape=esc)


def _stored(action_id):
    """Everything recording wrote for one action, without ids and recording times."""
    a = Action.objects.get(pk=action_id)
    row = model_to_dict(a, exclude=["id", "recorded"])
    ev = AuditEvent.objects.get(object_type="operations.action", object_id=str(action_id))
    ref = ActionReference.objects.filter(action_id=action_id).first()
    review = ReviewItem.objects.filter(action_id=action_id).first()
    return {
        "action": row,
        "violations": [(v.code, v.message, v.citation) for v in a.violations.order_by("code")],
        "obligations": [(o.code, o.due, o.due_local, o.message, o.citation, o.fulfilled_at)
                        for o in a.obligations.order_by("due", "code")],
        "reference": None if ref is None else (ref.agency_id, ref.external_ref),
        "review": None if review is None else (review.agency_id, review.reason, review.queued == a.recorded,
                                               review.decision, review.decided_at, review.return_reason),
        "event": (ev.actor_id, ev.actor_label, ev.action, ev.before, ev.after),
    }


def test_one_statement_stores_what_the_orm_path_stores(world):
    cases = CASES + MORE + [("serve_arrest_warrant", "2025-06-04", "10:00", "lea_facility", True, "pending",
                             "felony", False, False, True, False, False)]
    coord = world["coord_a"]
    seen = set()
    for i, case in enumerate(cases):
        wso = case[0] == "serve_arrest_warrant" and i == len(cases) - 1
        officer, agreement = (world["ow"], world["wso"]) if wso else (world["oa"], world["ma"])
        for ref in (f"fast-{i}", ""):
            o, ag, facts = load_facts(officer.pk, agreement.pk)
            fast = ops.record_reported(coord, o, ag, _input(case), ref, facts=facts)
            o, ag, facts = load_facts(officer.pk, agreement.pk)
            with transaction.atomic():  # inside a transaction: multi-row inserts
                slow = ops.record_reported(coord, o, ag, _input(case), ref and f"slow-{i}", facts=facts)
            # the one statement, except for a warrant the WSO sample may pick (drawn from the stored id)
            assert hasattr(fast.action, "audit_seq") is not wso and not hasattr(slow.action, "audit_seq")
            a, b = _stored(fast.action.pk), _stored(slow.action.pk)
            if ref:
                assert b["reference"][1] == f"slow-{i}"
                b["reference"] = (b["reference"][0], ref)
                b["event"][4]["external_ref"] = ref
            assert a == b
            seen |= {("violations", bool(a["violations"])), ("obligations", bool(a["obligations"])),
                     ("review", a["review"] and a["review"][1])}
            # the rows kept on the returned action are the stored ones, ids included
            kept = fast.action
            assert sorted(v.pk for v in kept._prefetched_objects_cache["violations"]) == sorted(
                Action.objects.get(pk=kept.pk).violations.values_list("pk", flat=True))
            assert sorted(ob.pk for ob in kept._prefetched_objects_cache["obligations"]) == sorted(
                Action.objects.get(pk=kept.pk).obligations.values_list("pk", flat=True))
    assert {("violations", True), ("violations", False), ("obligations", True), ("obligations", False),
            ("review", "denied"), ("review", "document"), ("review", None)} <= seen
    result = verify()
    assert result.ok, result.reason


def test_repeated_reference_writes_nothing(world):
    coord = world["coord_a"]
    o, ag, facts = load_facts(world["oa"].pk, world["ma"].pk)
    first = ops.record_reported(coord, o, ag, _input(CASES[0]), "again", facts=facts)
    counts = (Action.objects.count(), AuditEvent.objects.count())
    o, ag, facts = load_facts(world["oa"].pk, world["ma"].pk)
    again = ops.record_reported(coord, o, ag, _input(CASES[0]), "again", facts=facts)
    assert not again.created and again.action.pk == first.action.pk
    o, ag, facts = load_facts(world["oa"].pk, world["ma"].pk)
    with pytest.raises(ops.ValidationError, match="other facts"):
        ops.record_reported(coord, o, ag, _input(CASES[1]), "again", facts=facts)
    assert (Action.objects.count(), AuditEvent.objects.count()) == counts
    assert verify().ok


def test_first_event_creates_the_chain_head(world):
    with tampering():  # an empty log, as in a new database
        AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    o, ag, facts = load_facts(world["oa"].pk, world["ma"].pk)
    done = ops.record_reported(world["coord_a"], o, ag, _input(CASES[0]), "first", facts=facts)
    assert done.action.audit_seq == 1
    assert verify().ok and AuditChainHead.objects.get(id=1).seq == 1


def test_api_answer_equals_the_action_read_back(client, world):
    sign_in(client, world["coord_a"])
    for i, case in enumerate(CASES + MORE):
        statements = []

        def seen(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(seen):
            created = client.post("/api/actions/", _api_data(world, case, f"p-{i}"), content_type="application/json")
        assert created.status_code == 201, created.content
        writes = [sql for sql in statements if not sql.startswith("SELECT")]
        assert len(writes) == 1 and writes[0].startswith("WITH a AS (INSERT"), writes
        assert created.json() == client.get(f"/api/actions/{created.json()['id']}/").json()
    assert verify().ok
