"""Model rows read and written in plain SQL, on the paths where the ORM's own cost dominates.

Building and compiling an ORM query costs more than running it; ``Columns`` reads the same columns and turns them
into the same model instances (``Model.from_db``), with the converters the ORM would apply. ``insert`` writes
unsaved model instances in multi-row ``INSERT … RETURNING id`` statements whose columns and values come from the
models' own fields and conversions (what ``bulk_create`` would send, without compiling a query per call).
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Field, ForeignKey



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



@lru_cache(maxsize=None)
def insert_layout(model, quote) -> tuple[str, tuple, tuple]:
    """The model's insert columns (quoted with ``quote``), each column's field with whether its ``pre_save``
    matters (auto_now and the like), and the foreign keys whose id may still be unset on an unsaved instance
    whose related object has since been stored (a violation built with its action before the action's insert)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    params = tuple((f, f.attname, type(f).pre_save is not Field.pre_save) for f in fields)
    related = tuple((f.attname, f.name) for f in fields if isinstance(f, ForeignKey))
    return columns, params, related


def params_of(obj, fields: tuple, conn, out: list) -> None:
    """One instance's values, converted for the database as the ORM's insert converts them, appended to ``out``."""
    for field, attname, pre_save in fields:
        value = field.pre_save(obj, True) if pre_save else getattr(obj, attname)
        out.append(field.get_db_prep_save(value, conn))


def _link_related(obj, related: tuple) -> None:
    cache = obj._state.fields_cache
    for attname, name in related:
        if getattr(obj, attname) is None:
            parent = cache.get(name)
            if parent is not None and parent.pk is not None:
                setattr(obj, attname, parent.pk)


@lru_cache(maxsize=512)
def _insert_sql(model, n: int, vendor: str, quote) -> str:
    columns, params, _ = insert_layout(model, quote)
    row = "(" + ", ".join(["%s"] * len(params)) + ")"
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * n)} "
            f"RETURNING {quote(model._meta.pk.column)}")


def _max_params(conn) -> int:
    if conn.vendor == "sqlite":
        import sqlite3

        conn.ensure_connection()
        return conn.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's wire protocol


def insert(model, objs: list, conn) -> None:
    """Insert unsaved instances of ``model`` in multi-row statements (as many rows a statement as the database takes
    parameters) and give each its id, as ``bulk_create`` does. Inside the caller's transaction; the statements'
    texts depend only on their numbers of rows, so PostgreSQL prepares each once per connection."""
    if not objs:
        return
    quote = conn.ops.quote_name
    _, fields, related = insert_layout(model, quote)
    per = max(1, min(1000, _max_params(conn) // len(fields)))
    for start in range(0, len(objs), per):
        chunk = objs[start:start + per]
        params: list = []
        for obj in chunk:
            if related:
                _link_related(obj, related)
            params_of(obj, fields, conn, params)
        with prepared_cursor(conn) as cur:
            cur.execute(_insert_sql(model, len(chunk), conn.vendor, quote), params)
            # One statement's ids grow in the order of its VALUES rows (a sequence, SQLite's rowid).
            ids = sorted(r[0] for r in cur.fetchall())
        for obj, pk in zip(chunk, ids):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, conn.alias
