"""The one way to write an audit event. Call it inside the service's transaction.

Each event's hash links it to the one before: ``sha256(prev_hash|seq|object_id|content_hash)``, where the
content hash covers the rest of the event (when, who, what, before, after) in canonical JSON. The link is
plain text, so PostgreSQL can compute it itself in the statement that takes the next number: an append
is then a single round trip, and a write that knows its object's id only in the database (a new action)
can be stored with its event in one statement (``operations.store_pg``).
"""

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
from g287.rows import insert

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-normal form, so the hash is the same before and after a round trip through the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def content_hash(at: datetime, actor_label: str, action: str, object_type: str, before: Any, after: Any) -> str:
    """The hash of an event's content, everything but its place in the chain and its object's id."""
    payload = json.dumps([at.isoformat(), actor_label, action, object_type, before, after],
                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def link_hash(prev_hash: str, seq: int, object_id: str, content: str) -> str:
    """The event's hash: the previous hash, its number, its object and its content hash (``LINK_SQL``)."""
    return hashlib.sha256(f"{prev_hash}|{seq}|{object_id}|{content}".encode()).hexdigest()


def event_hash(prev_hash: str, seq: int, at: datetime, actor_label: str, action: str, object_type: str,
               object_id: str, before: Any, after: Any) -> str:
    return link_hash(prev_hash, seq, object_id, content_hash(at, actor_label, action, object_type, before, after))


def link_sql(prev: str, seq: str, object_id: str, content: str) -> str:
    """``link_hash`` as a PostgreSQL expression over the given SQL expressions (text, bigint, text, text)."""
    return (f"encode(sha256(convert_to({prev} || '|' || ({seq})::text || '|' || {object_id} || '|' || {content}, "
            f"'UTF8')), 'hex')")


@dataclass(frozen=True)
class Prepared:
    """An event with everything computed that does not depend on the chain: ready to append."""

    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    before: Any
    after: Any
    content: str

    def event(self, event_id: int, seq: int, object_id: str, prev_hash: str, digest: str) -> AuditEvent:
        """The stored event, built from what the append returned (no read back)."""
        ev = AuditEvent(id=event_id, seq=seq, at=self.at, actor_id=self.actor_id, actor_label=self.actor_label,
                        action=self.action, object_type=self.object_type, object_id=object_id, before=self.before,
                        after=self.after, prev_hash=prev_hash, hash=digest)
        ev._state.adding, ev._state.db = False, connection.alias
        return ev


def prepare(actor, action: str, object_type: str, before: Any = None, after: Any = None,
            at: datetime | None = None) -> Prepared:
    at = (at or timezone.now()).astimezone(dt_timezone.utc).replace(microsecond=0)
    label = "system" if actor is None else (getattr(actor, "username", None) or str(actor))
    actor_id = actor.pk if isinstance(actor, AuditEvent._meta.get_field("actor").related_model) else None
    before_c, after_c = _canonical(before), _canonical(after)
    return Prepared(at, actor_id, label, action, object_type, before_c, after_c,
                    content_hash(at, label, action, object_type, before_c, after_c))


def record(actor, action: str, object_type: str, object_id: Any, before: Any = None, after: Any = None,
           at: datetime | None = None) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    Appends are serialized by the lock on the chain head's row, held until the caller commits; call this as
    the service's last write so that the serialized section stays short.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    p = prepare(actor, action, object_type, before, after, at)
    object_id = str(object_id)
    if connection.vendor == "postgresql":
        return _append_postgresql(p, object_id)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"hash": GENESIS, "prev_hash": GENESIS})
    seq, prev = head.seq + 1, head.hash
    digest = link_hash(prev, seq, object_id, p.content)
    event = AuditEvent.objects.create(seq=seq, at=p.at, actor_id=p.actor_id, actor_label=p.actor_label,
                                      action=p.action, object_type=p.object_type, object_id=object_id,
                                      before=p.before, after=p.after, prev_hash=prev, hash=digest)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=digest, prev_hash=prev)
    return event


def record_many(actor, items: list[tuple], at: datetime | None = None) -> list[AuditEvent]:
    """Append several events at once: ``items`` are (action, object_type, object_id, before, after). Must run
    inside the caller's transaction, as its last write: the chain head is locked once, the links are computed
    here and the events inserted in one statement, so the lock is held for one short statement and the commit
    (a batch of an upload, not the whole file)."""
    if not items:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the service's transaction")
    prepared = [(prepare(actor, action, object_type, before, after, at), str(object_id))
                for action, object_type, object_id, before, after in items]
    if connection.vendor == "postgresql":
        ensure_head()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"hash": GENESIS, "prev_hash": GENESIS})
    seq, prev = head.seq, head.hash
    events = []
    for p, object_id in prepared:
        seq += 1
        digest = link_hash(prev, seq, object_id, p.content)
        events.append(AuditEvent(seq=seq, at=p.at, actor_id=p.actor_id, actor_label=p.actor_label, action=p.action,
                                 object_type=p.object_type, object_id=object_id, before=p.before, after=p.after,
                                 prev_hash=prev, hash=digest))
        last_prev, prev = prev, digest
    insert(AuditEvent, events, connection)  # multi-row inserts without compiling a query (g287.rows)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev, prev_hash=last_prev)
    return events


HEAD_TABLE = AuditChainHead._meta.db_table
EVENTS_TABLE = AuditEvent._meta.db_table
EVENT_COLUMNS = "seq, at, actor_id, actor_label, action, object_type, object_id, before, after, prev_hash, hash"


def head_update_sql(object_id: str, content: str, source: str = "") -> str:
    """The statement that takes the next number and links the new event, as a CTE body. The row lock it takes
    serializes appends until commit; SET sees the old values, so ``prev_hash`` keeps the previous hash."""
    return (f"UPDATE {HEAD_TABLE} SET seq = {HEAD_TABLE}.seq + 1, prev_hash = {HEAD_TABLE}.hash, "
            f"hash = {link_sql(f'{HEAD_TABLE}.hash', f'{HEAD_TABLE}.seq + 1', object_id, content)} "
            f"{source} WHERE {HEAD_TABLE}.id = 1 RETURNING {HEAD_TABLE}.seq, {HEAD_TABLE}.prev_hash, {HEAD_TABLE}.hash")


_PG_APPEND = (f"WITH head AS ({head_update_sql('%s', '%s')}) "
              f"INSERT INTO {EVENTS_TABLE} ({EVENT_COLUMNS}) SELECT head.seq, %s, %s, %s, %s, %s, %s, %s::jsonb, "
              f"%s::jsonb, head.prev_hash, head.hash FROM head RETURNING id, seq, prev_hash, hash")


def json_param(value: Any) -> str | None:
    """A JSON column's parameter: SQL NULL for None, as the JSONField stores it."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def ensure_head() -> None:
    """Create the chain head if it is missing (a new or flushed database); harmless when it exists."""
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {HEAD_TABLE} (id, seq, hash, prev_hash) VALUES (1, 0, %s, %s) "
                    f"ON CONFLICT (id) DO NOTHING", [GENESIS, GENESIS])


def _append_postgresql(p: Prepared, object_id: str) -> AuditEvent:
    params = [object_id, p.content, p.at, p.actor_id, p.actor_label, p.action, p.object_type, object_id,
              json_param(p.before), json_param(p.after)]
    with connection.cursor() as cur:
        cur.execute(_PG_APPEND, params)
        row = cur.fetchone()
        if row is None:  # no head yet: the very first event
            ensure_head()
            cur.execute(_PG_APPEND, params)
            row = cur.fetchone()
    event_id, seq, prev, digest = row
    return p.event(event_id, seq, object_id, prev, digest)


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
