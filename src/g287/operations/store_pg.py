"""Recording an action on PostgreSQL in one statement.

The action, its violations and obligations, the reporter's reference, the supervisor's queue item and the
audit event are one ``INSERT … WITH`` statement: a single statement is atomic without a transaction around it,
and the audit link hash is computed by PostgreSQL (``audit.services.link_sql``), so the chain head's lock is
held only while that statement commits. Every API and form request that records an action costs one round
trip to the database for the write instead of nine.

The rows are the ones the ORM path (``services._store``) writes, built from the same unsaved model
instances and their fields' own conversions; a test compares the two paths row by row.
"""

from __future__ import annotations

from django.db import IntegrityError, connection

from g287.audit import services as audit
from g287.rows import prepared_cursor

_CHILD = {"action_id": "(SELECT id FROM a)"}  # a child row's action: the new action's id in the statement


def _values(obj, replace: dict[str, str] | None = None) -> tuple[list[str], list[str], list]:
    """Columns, value expressions and parameters of an unsaved instance, as the ORM's insert prepares them."""
    replace = replace or {}
    columns, exprs, params = [], [], []
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in replace:
            exprs.append(replace[field.attname])
        else:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    return columns, exprs, params


def _insert(name: str, rows: list, returning: str, replace: dict[str, str] | None = None) -> tuple[str, list]:
    """One CTE inserting ``rows`` (instances of one model)."""
    params: list = []
    tuples = []
    columns: list[str] = []
    for obj in rows:
        columns, exprs, p = _values(obj, replace)
        tuples.append(f"({', '.join(exprs)})")
        params += p
    table = connection.ops.quote_name(rows[0]._meta.db_table)
    return f"{name} AS (INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(tuples)} RETURNING {returning})", params


def store(row, violations: list, obligations: list, reference, review, event: audit.Prepared) -> None:
    """Insert the action ``row`` with its children and audit event, outside any transaction (the statement is
    its own), and fill in the ids it returns. Raises IntegrityError when a constraint refuses a row (a
    reference already used), with nothing written."""
    parts, params = [], []
    for name, rows, replace in (("a", [row], None), ("v", violations, _CHILD), ("o", obligations, _CHILD),
                                ("r", [reference] if reference else [], _CHILD),
                                ("q", [review] if review else [], _CHILD)):
        if rows:
            sql, p = _insert(name, rows, "id", replace)
            parts.append(sql)
            params += p
    parts.append(f"h AS ({audit.head_update_sql('a.id::text', '%s', 'FROM a')})")
    params.append(event.content)
    # LEFT JOIN: with no chain head the event's number is NULL, the insert fails and nothing is kept.
    parts.append(
        f"e AS (INSERT INTO {audit.EVENTS_TABLE} ({audit.EVENT_COLUMNS}) SELECT h.seq, %s, %s, %s, %s, %s, "
        f"a.id::text, %s::jsonb, %s::jsonb, h.prev_hash, h.hash FROM a LEFT JOIN h ON true "
        f"RETURNING id, seq, prev_hash, hash)")
    params += [event.at, event.actor_id, event.actor_label, event.action, event.object_type,
               audit.json_param(event.before), audit.json_param(event.after)]
    selects = ["a.id", "e.id", "e.seq", "e.prev_hash", "e.hash",
               "(SELECT array_agg(id ORDER BY id) FROM v)" if violations else "NULL",
               "(SELECT array_agg(id ORDER BY id) FROM o)" if obligations else "NULL",
               "(SELECT id FROM r)" if reference else "NULL", "(SELECT id FROM q)" if review else "NULL"]
    sql = f"WITH {', '.join(parts)} SELECT {', '.join(selects)} FROM a, e"
    with prepared_cursor(connection) as cur:
        try:
            cur.execute(sql, params)
        except IntegrityError:
            if _head_exists(cur):
                raise
            audit.ensure_head()  # a new or flushed database: the first event creates the head
            cur.execute(sql, params)
        action_id, event_id, seq, prev_hash, digest, violation_ids, obligation_ids, ref_id, review_id = cur.fetchone()
    _stored(row, action_id)
    for objs, ids in ((violations, violation_ids), (obligations, obligation_ids)):
        for obj, pk in zip(objs, ids or []):  # ids come in the order of the VALUES list
            _stored(obj, pk, action_id)
    for obj, pk in ((reference, ref_id), (review, review_id)):
        if obj is not None:
            _stored(obj, pk, action_id)
    row.audit_event = event.event(event_id, seq, str(action_id), prev_hash, digest)


def _stored(obj, pk: int, action_id: int | None = None) -> None:
    obj.pk = pk
    if action_id is not None:
        obj.action_id = action_id
    obj._state.adding, obj._state.db = False, connection.alias


def _head_exists(cur) -> bool:
    cur.execute(f"SELECT 1 FROM {audit.HEAD_TABLE} WHERE id = 1")
    return cur.fetchone() is not None
