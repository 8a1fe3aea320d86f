"""Model rows read in plain SQL, on the few paths every request takes.

Building and compiling an ORM query costs more than running it; these read the same columns and turn them
into the same model instances (``Model.from_db``), with the converters the ORM would apply.
"""

from __future__ import annotations

from functools import lru_cache



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
