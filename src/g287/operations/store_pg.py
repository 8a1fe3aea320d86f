"""Recording an action on PostgreSQL in one statement.

The action, its violations and obligations, the reporter's reference, the supervisor's queue item and the
audit event are one ``INSERT … WITH`` statement: a single statement is atomic without a transaction around it,
and the audit link hash is computed by PostgreSQL (``audit.services.link_sql``), so the chain head's lock is
held only while that statement commits. Every API and form request that records an action costs one round
trip to the database for the write instead of nine.

It is a storage strategy of the one writer (``services._write``), not a path of its own: the rows are the ones
the writer's other strategy (multi-row inserts inside a transaction) stores, built by the same code from the same
unsaved model instances, with the columns and conversions of the models' own fields (``g287.rows.insert_layout``);
a test compares the two strategies row by row. The statement's text depends only on how many rows of each kind
it inserts, so it is composed once per shape and prepared.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections

from g287.audit import services as audit
from g287.operations.models import Action, ActionReference, ActionViolation, Obligation
from g287.oversight.models import ReviewItem
from g287.rows import insert_layout, params_of, prepared_cursor

_CHILD = "action_id"  # a child row's action: the new action's id, ``(SELECT id FROM a)`` in the statement


@lru_cache(maxsize=None)
def _layout(model) -> tuple[str, str, tuple]:
    """The model's insert columns, one row's value expressions and the fields whose values are parameters."""
    conn = connections[DEFAULT_DB_ALIAS]
    columns, fields, _ = insert_layout(model, conn.ops.quote_name)
    child = model is not Action
    exprs = ", ".join("(SELECT id FROM a)" if child and f[1] == _CHILD else "%s" for f in fields)
    return columns, f"({exprs})", tuple(f for f in fields if not (child and f[1] == _CHILD))


_KINDS = (("a", Action), ("v", ActionViolation), ("o", Obligation), ("r", ActionReference), ("q", ReviewItem))


@lru_cache(maxsize=256)
def _statement(counts: tuple[int, int, int, int, int]) -> str:
    """The statement for one action with these numbers of violations, obligations, references and items."""
    parts = []
    for (name, model), n in zip(_KINDS, counts):
        if n:
            columns, row, _ = _layout(model)
            table = connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)
            parts.append(f"{name} AS (INSERT INTO {table} ({columns}) VALUES {', '.join([row] * n)} RETURNING id)")
    parts.append(f"h AS ({audit.head_update_sql('a.id::text', '%s', 'FROM a')})")
    # LEFT JOIN: with no chain head the event's number is NULL, the insert fails and nothing is kept.
    parts.append(
        f"e AS (INSERT INTO {audit.EVENTS_TABLE} ({audit.EVENT_COLUMNS}) SELECT h.seq, %s, %s, %s, %s, %s, "
        f"a.id::text, %s::jsonb, %s::jsonb, h.prev_hash, h.hash FROM a LEFT JOIN h ON true "
        f"RETURNING id, seq, prev_hash, hash)")
    n_v, n_o, n_r, n_q = counts[1:]
    selects = ["a.id", "e.id", "e.seq", "e.prev_hash", "e.hash",
               "(SELECT array_agg(id ORDER BY id) FROM v)" if n_v else "NULL",
               "(SELECT array_agg(id ORDER BY id) FROM o)" if n_o else "NULL",
               "(SELECT id FROM r)" if n_r else "NULL", "(SELECT id FROM q)" if n_q else "NULL"]
    return f"WITH {', '.join(parts)} SELECT {', '.join(selects)} FROM a, e"


def store(row, violations: list, obligations: list, reference, review, event: audit.Prepared) -> None:
    """Insert the action ``row`` with its children and audit event, outside any transaction (the statement is
    its own), and fill in the ids it returns. Raises IntegrityError when a constraint refuses a row (a
    reference already used), with nothing written."""
    conn = connections[DEFAULT_DB_ALIAS]
    groups = ([row], violations, obligations, [reference] if reference is not None else [],
              [review] if review is not None else [])
    params: list = []
    for (_, model), objs in zip(_KINDS, groups):
        if objs:
            fields = _layout(model)[2]
            for obj in objs:
                params_of(obj, fields, conn, params)
    params += [event.content, event.at, event.actor_id, event.actor_label, event.action, event.object_type,
               audit.json_param(event.before), audit.json_param(event.after)]
    sql = _statement(tuple(len(g) for g in groups))
    with prepared_cursor(conn) as cur:
        try:
            cur.execute(sql, params)
        except IntegrityError:
            if _head_exists(cur):
                raise
            audit.ensure_head()  # a new or flushed database: the first event creates the head
            cur.execute(sql, params)
        action_id, event_id, seq, prev_hash, digest, violation_ids, obligation_ids, ref_id, review_id = cur.fetchone()
    state = conn.alias
    _stored(row, action_id, state)
    for objs, ids in ((violations, violation_ids), (obligations, obligation_ids)):
        for obj, pk in zip(objs, ids or []):  # ids come in the order of the VALUES list
            _stored(obj, pk, state, action_id)
    for obj, pk in ((reference, ref_id), (review, review_id)):
        if obj is not None:
            _stored(obj, pk, state, action_id)
    row.audit_seq = seq  # the action's place in the audit chain


def _stored(obj, pk: int, alias: str, action_id: int | None = None) -> None:
    obj.pk = pk
    if action_id is not None:
        obj.action_id = action_id
    obj._state.adding, obj._state.db = False, alias


def _head_exists(cur) -> bool:
    cur.execute(f"SELECT 1 FROM {audit.HEAD_TABLE} WHERE id = 1")
    return cur.fetchone() is not None
