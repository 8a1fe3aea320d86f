"""The one way to write an audit event. Call it inside the service's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from g287.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 287_000_001  # advisory lock taken only to create the chain head on PostgreSQL


def _canonical(value: Any) -> Any:
    """JSON-normal form, so the hash is the same before and after a round trip through the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def event_hash(prev_hash: str, seq: int, at: datetime, actor_label: str, action: str, object_type: str,
               object_id: str, before: Any, after: Any) -> str:
    payload = json.dumps(
        [prev_hash, seq, at.isoformat(), actor_label, action, object_type, object_id, before, after],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(actor, action: str, object_type: str, object_id: Any, before: Any = None, after: Any = None,
           at: datetime | None = None) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    Appends are serialized by the lock on the chain head's row, held until the caller commits. Everything
    that does not depend on the previous event (timestamp, canonical JSON) is prepared before the lock is
    taken; call this as the service's last write so that the serialized section stays short.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    at = (at or timezone.now()).astimezone(dt_timezone.utc).replace(microsecond=0)
    label = "system" if actor is None else (getattr(actor, "username", None) or str(actor))
    actor_id = actor.pk if isinstance(actor, AuditEvent._meta.get_field("actor").related_model) else None
    before_c, after_c = _canonical(before), _canonical(after)
    object_id = str(object_id)
    if connection.vendor == "postgresql":
        return _append_postgresql(at, label, actor_id, action, object_type, object_id, before_c, after_c)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1, defaults={"hash": GENESIS})
    seq, prev = head.seq + 1, head.hash
    digest = event_hash(prev, seq, at, label, action, object_type, object_id, before_c, after_c)
    event = AuditEvent.objects.create(seq=seq, at=at, actor_id=actor_id, actor_label=label, action=action,
                                      object_type=object_type, object_id=object_id, before=before_c,
                                      after=after_c, prev_hash=prev, hash=digest)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=digest)
    return event


_HEAD = AuditChainHead._meta.db_table
_EVENTS = AuditEvent._meta.db_table
# Taking the next number locks the head row until commit: the only serialized step, one round trip.
_PG_NEXT = f"UPDATE {_HEAD} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
# The event and the new head hash in one statement; the guard on seq makes a lost lock fail loudly.
_PG_APPEND = (
    f"WITH head AS (UPDATE {_HEAD} SET hash = %s WHERE id = 1 AND seq = %s RETURNING seq) "
    f"INSERT INTO {_EVENTS} (seq, at, actor_id, actor_label, action, object_type, object_id, before, after, "
    f"prev_hash, hash) SELECT head.seq, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s FROM head RETURNING id"
)


def _json_param(value: Any) -> str | None:
    # SQL NULL for None, as the JSONField stores it.
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _append_postgresql(at, label, actor_id, action, object_type, object_id, before_c, after_c) -> AuditEvent:
    with connection.cursor() as cur:
        cur.execute(_PG_NEXT)
        row = cur.fetchone()
        if row is None:  # the very first event: create the head once, under an advisory lock
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            cur.execute(f"INSERT INTO {_HEAD} (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT (id) DO NOTHING",
                        [GENESIS])
            cur.execute(_PG_NEXT)
            row = cur.fetchone()
        seq, prev = row
        digest = event_hash(prev, seq, at, label, action, object_type, object_id, before_c, after_c)
        cur.execute(_PG_APPEND, [digest, seq, at, actor_id, label, action, object_type, object_id,
                                 _json_param(before_c), _json_param(after_c), prev, digest])
        inserted = cur.fetchone()
    if inserted is None:
        raise RuntimeError(f"audit chain head moved while appending event #{seq}")
    event = AuditEvent(id=inserted[0], seq=seq, at=at, actor_id=actor_id, actor_label=label, action=action,
                       object_type=object_type, object_id=object_id, before=before_c, after=after_c,
                       prev_hash=prev, hash=digest)
    event._state.adding, event._state.db = False, connection.alias
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain in order; report the first event whose hash, link or sequence is wrong."""
    prev = GENESIS
    expected_seq = 1
    n = 0
    for ev in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        n += 1
        if ev.seq != expected_seq:
            return VerifyResult(False, n, expected_seq, f"event #{expected_seq} is missing (next found is #{ev.seq})")
        if ev.prev_hash != prev:
            return VerifyResult(False, n, ev.seq, f"event #{ev.seq} does not link to the event before it")
        digest = event_hash(prev, ev.seq, ev.at.astimezone(dt_timezone.utc), ev.actor_label, ev.action,
                            ev.object_type, ev.object_id, ev.before, ev.after)
        if digest != ev.hash:
            return VerifyResult(False, n, ev.seq, f"event #{ev.seq} was altered (its content no longer matches its hash)")
        prev = ev.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        return VerifyResult(False, n, expected_seq, f"events after #{expected_seq - 1} were removed "
                            f"(the chain head records #{head_seq})")
    return VerifyResult(True, n)
