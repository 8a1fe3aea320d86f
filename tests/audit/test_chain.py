from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from g287.audit import services
from g287.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _write(n):
    with transaction.atomic():
        for i in range(n):
            services.record(None, "test.write", "thing", i, before=None, after={"i": i, "name": "ñ"})


@contextmanager
def tampering():
    """Stand in for someone with direct database access, who can switch the append-only trigger off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # a superuser's way around triggers
        yield
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
    else:
        yield


def test_intact_chain_verifies():
    _write(5)
    result = services.verify()
    assert result.ok and result.checked == 5


def test_altered_row_is_named():
    _write(5)
    with tampering():
        AuditEvent.objects.filter(seq=3).update(after={"i": 99})
    result = services.verify()
    assert not result.ok and result.first_bad_seq == 3 and "altered" in result.reason


def test_removed_row_is_named():
    _write(5)
    with tampering():
        AuditEvent.objects.filter(seq=2).delete()
    result = services.verify()
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.reason


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused():
    with pytest.raises(RuntimeError):
        services.record(None, "test.write", "thing", 1)


def test_removed_tail_is_found():
    _write(5)
    with tampering():
        AuditEvent.objects.filter(seq__gte=4).delete()
    result = services.verify()
    assert not result.ok and result.first_bad_seq == 4 and "removed" in result.reason


def test_empty_log_verifies():
    assert services.verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_changes_to_the_log():
    _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="changed")
