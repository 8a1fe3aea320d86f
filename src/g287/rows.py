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


def prepared_cursor(conn):
    """A cursor whose statements PostgreSQL parses and plans once per connection (server-side binding, every
    statement prepared; ``plan_cache_mode`` in the settings keeps the generic plan). Only for statements whose
    text is fixed; elsewhere Django's client-side binding stays. On other databases, the usual cursor."""
    if conn.vendor != "postgresql":
        return conn.cursor()
    conn.ensure_connection()
    raw = _prepared_cursor_class()(conn.connection)
    # Django's wrapper: errors become django.db errors, and the query is logged like any other.
    return conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)
