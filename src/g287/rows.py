"""Model rows read and written in plain SQL, on the paths where the ORM's own cost dominates.

Building and compiling an ORM query costs more than running it; ``Columns`` reads the same columns and turns them
into the same model instances (``Model.from_db``), with the converters the ORM would apply. ``insert`` writes
unsaved model instances in multi-row ``INSERT … RETURNING id`` statements whose columns and values come from the
models' own fields and conversions (what ``bulk_create`` would send, without compiling a query per call).
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.db.models import Field



class Columns:
    """A model's row read in plain SQL: its columns in order, and the converters the ORM would apply to them."""

    def __init__(self, model, conn):
        q = conn.ops.quote_name
        table = model._meta.db_table
        self.model, self.alias = model, conn.alias
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        self.sql = ", ".join(f"{q(table)}.{q(f.column)}" for f in fields)
        self.table = q(table)
        self.converters = []
        for i, f in enumerate(fields):
            col = f.get_col(table)
            convs = conn.ops.get_db_converters(col) + f.get_db_converters(conn)
            if convs:
                self.converters.append((i, col, convs))

    def build(self, values, conn):
        values = list(values)
        for i, col, convs in self.converters:
            for convert in convs:
                values[i] = convert(values[i], col, conn)
        return self.model.from_db(self.alias, self.names, values)


@lru_cache(maxsize=1)
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # needs psycopg: PostgreSQL only

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


class _KeptCursor:
    """One prepared-statement cursor kept per database connection, without Django's cursor wrapper: each
    request runs a few of these statements, and creating a cursor and passing through the wrapper cost
    about as much as the statement's work on the client. Errors still become Django's database errors."""

    def __init__(self, conn):
        self.conn = conn
        self.raw = _prepared_cursor_class()(conn.connection)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.conn.validate_no_broken_transaction()
        with self.conn.wrap_database_errors:
            return self.raw.execute(sql, params)

    def fetchone(self):
        with self.conn.wrap_database_errors:
            return self.raw.fetchone()

    def fetchall(self):
        with self.conn.wrap_database_errors:
            return self.raw.fetchall()


def prepared_cursor(conn):
    """A cursor whose statements PostgreSQL parses and plans once per connection (server-side binding, every
    statement prepared; ``plan_cache_mode`` in the settings keeps the generic plan). Only for statements whose
    text is fixed; elsewhere Django's client-side binding stays. On other databases, the usual cursor.

    While queries are logged (``DEBUG``, a test capturing them) or execute wrappers are installed, the cursor
    goes through Django's wrapper so that they see these statements too."""
    if conn.vendor != "postgresql":
        return conn.cursor()
    # Django's cursors check a kept connection once per request (CONN_HEALTH_CHECKS); this one must too, or a
    # connection the database dropped answers a 500 before it is replaced.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    if conn.queries_logged or conn.execute_wrappers:
        raw = _prepared_cursor_class()(conn.connection)
        return conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)
    kept = getattr(conn, "_g287_kept_cursor", None)
    if kept is None or kept.raw.connection is not conn.connection or kept.raw.closed:
        kept = conn._g287_kept_cursor = _KeptCursor(conn)
    return kept


# --- Writing: multi-row inserts ----------------------------------------------------------------------------------



# Fields whose values go to the database as they are (``get_db_prep_save`` would return them unchanged).
_AS_IS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.BigIntegerField,
          models.PositiveIntegerField, models.SmallIntegerField, models.ForeignKey, models.OneToOneField)


def _as_is(f) -> bool:
    if type(f) in (models.ForeignKey, models.OneToOneField):
        return type(f.target_field) in (models.AutoField, models.BigAutoField, models.IntegerField)
    return type(f) in _AS_IS


@lru_cache(maxsize=None)
def insert_layout(model, quote) -> tuple[str, tuple, tuple]:
    """The model's insert columns (quoted with ``quote``); each column's field and attribute with its conversion
    for the database (None: the value as it is) and whether its ``pre_save`` matters (auto_now and the like); and
    the foreign keys whose id may still be unset on an unsaved instance whose related object has since been stored
    (a violation built with its action before the action's insert)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    params = tuple((f, f.attname, None if _as_is(f) else f.get_db_prep_save, _pre_save_matters(f)) for f in fields)
    related = tuple((f.attname, f.name) for f in fields if isinstance(f, models.ForeignKey))
    return columns, params, related


def _pre_save_matters(f) -> bool:
    if isinstance(f, models.DateField):  # DateField, DateTimeField: only to fill in auto_now(_add)
        return f.auto_now or f.auto_now_add
    return type(f).pre_save is not Field.pre_save


def params_of(obj, fields: tuple, conn, out: list) -> None:
    """One instance's values, converted for the database as the ORM's insert converts them, appended to ``out``."""
    for field, attname, convert, pre_save in fields:
        value = field.pre_save(obj, True) if pre_save else getattr(obj, attname)
        out.append(value if convert is None else convert(value, conn))


def _link_related(obj, related: tuple) -> None:
    cache = obj._state.fields_cache
    for attname, name in related:
        if getattr(obj, attname) is None:
            parent = cache.get(name)
            if parent is not None and parent.pk is not None:
                setattr(obj, attname, parent.pk)


@lru_cache(maxsize=512)
def _insert_sql(model, n: int, quote) -> str:
    """SQLite: one VALUES row per instance."""
    columns, params, _ = insert_layout(model, quote)
    row = "(" + ", ".join(["%s"] * len(params)) + ")"
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * n)} "
            f"RETURNING {quote(model._meta.pk.column)}")


@lru_cache(maxsize=None)
def _unnest_sql(model, alias: str) -> str:
    """PostgreSQL: one array a column, whatever the number of rows, so the statement's text is short and fixed
    (parsed and planned once per connection). JSON travels as text, each value cast back."""
    from django.db import connections

    conn = connections[alias]
    quote = conn.ops.quote_name
    columns, params, _ = insert_layout(model, quote)
    arrays, exprs = [], []
    for i, (field, *_rest) in enumerate(params):
        json = isinstance(field, models.JSONField)
        arrays.append(f"%s::{'text' if json else field.db_type(conn)}[]")
        exprs.append(f"c{i}::jsonb" if json else f"c{i}")
    names = ", ".join(f"c{i}" for i in range(len(params)))
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {', '.join(exprs)} "
            f"FROM unnest({', '.join(arrays)}) WITH ORDINALITY AS u({names}, n) ORDER BY n "
            f"RETURNING {quote(model._meta.pk.column)}")


def _max_params(conn) -> int:
    import sqlite3

    conn.ensure_connection()
    return conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _json_text(value):
    import json

    return None if value is None else json.dumps(value, ensure_ascii=False)


def insert(model, objs: list, conn) -> None:
    """Insert unsaved instances of ``model`` and give each its id, as ``bulk_create`` does, inside the caller's
    transaction: on PostgreSQL one statement of arrays (``unnest``), on SQLite multi-row statements of as many rows
    as it takes parameters."""
    if not objs:
        return
    quote = conn.ops.quote_name
    _, fields, related = insert_layout(model, quote)
    if related:
        for obj in objs:
            _link_related(obj, related)
    if conn.vendor == "postgresql":
        columns: list[list] = [[] for _ in fields]
        for obj in objs:
            for column, (field, attname, convert, pre_save) in zip(columns, fields):
                value = field.pre_save(obj, True) if pre_save else getattr(obj, attname)
                if isinstance(field, models.JSONField):
                    value = _json_text(value)
                elif convert is not None:
                    value = convert(value, conn)
                column.append(value)
        chunks = [(objs, _unnest_sql(model, conn.alias), columns)]
    else:
        per = max(1, min(1000, _max_params(conn) // len(fields)))
        chunks = []
        for start in range(0, len(objs), per):
            chunk = objs[start:start + per]
            params: list = []
            for obj in chunk:
                params_of(obj, fields, conn, params)
            chunks.append((chunk, _insert_sql(model, len(chunk), quote), params))
    for chunk, sql, params in chunks:
        with prepared_cursor(conn) as cur:
            cur.execute(sql, params)
            # A statement's ids grow in the order of its rows (a sequence, SQLite's rowid).
            ids = sorted(r[0] for r in cur.fetchall())
        for obj, pk in zip(chunk, ids):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, conn.alias
