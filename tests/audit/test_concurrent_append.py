"""Concurrent writers on PostgreSQL: the head row's lock serializes appends, so the chain stays whole."""

import threading

import pytest
from django.db import connection, connections, transaction

from g287.audit import services
from g287.audit.models import AuditChainHead, AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"),
]


def test_concurrent_appends_keep_one_intact_chain():
    writers, per_writer = 6, 15
    errors = []
    barrier = threading.Barrier(writers)

    def write(w):
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    services.record(None, "test.concurrent", "thing", f"{w}-{i}", None, {"w": w, "i": i})
        except Exception as exc:  # reported below, the thread must not die silently
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = writers * per_writer
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    result = services.verify()
    assert result.ok and result.checked == total, result.reason
    head = AuditChainHead.objects.get(id=1)
    assert head.seq == total and head.hash == AuditEvent.objects.get(seq=total).hash


def test_rolled_back_append_leaves_the_chain_as_it_was():
    with transaction.atomic():
        services.record(None, "test.kept", "thing", 1, None, {"n": 1})
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.record(None, "test.lost", "thing", 2, None, {"n": 2})
        1 / 0
    with transaction.atomic():
        ev = services.record(None, "test.kept", "thing", 3, None, {"n": 3})
    assert ev.seq == 2 and AuditEvent.objects.get(seq=2).hash == ev.hash
    assert services.verify().ok
