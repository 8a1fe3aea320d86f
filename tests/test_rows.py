"""The prepared-statement cursor: kept per connection, errors as Django's, and visible to query logging."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from g287.rows import prepared_cursor

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")]


def test_kept_per_connection_and_renewed_when_closed():
    first = prepared_cursor(connection)
    assert prepared_cursor(connection) is first
    with first as cur:
        cur.execute("SELECT %s::int + 1", [41])
        assert cur.fetchone() == (42,)
    first.raw.close()  # a closed cursor (as after its connection was closed) is replaced
    assert prepared_cursor(connection) is not first


def test_errors_are_djangos():
    with prepared_cursor(connection) as cur, pytest.raises(IntegrityError):
        cur.execute("INSERT INTO audit_auditchainhead (id, seq, hash, prev_hash) VALUES (%s, 0, %s, %s), "
                    "(%s, 0, %s, %s)", [7, "x", "x", 7, "x", "x"])


def test_logged_queries_see_the_statements():
    with CaptureQueriesContext(connection) as queries, prepared_cursor(connection) as cur:
        cur.execute("SELECT %s::int", [1])
        cur.fetchone()
    assert len(queries.captured_queries) == 1
