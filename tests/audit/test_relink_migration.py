"""The migration to the link hash: an intact chain of the earlier hash is linked again and verifies; a broken
one is left as it is and the first bad event is named."""

import importlib
from datetime import datetime, timezone as dt_timezone

import pytest
from django.apps import apps
from django.db import connection, transaction

from g287.audit import services
from g287.audit.models import AuditChainHead, AuditEvent
from tests.audit.test_chain import tampering

pytestmark = pytest.mark.django_db
relink_migration = importlib.import_module("g287.audit.migrations.0004_link_hash")


def _earlier_chain(n):
    """Events as the earlier hash chained them, written directly (as the database held them)."""
    prev = services.GENESIS
    for seq in range(1, n + 1):
        at = datetime(2026, 1, 1, 9, seq, tzinfo=dt_timezone.utc)
        after = {"i": seq, "name": "ñ"}
        digest = relink_migration._earlier_hash(prev, seq, at, "system", "test.write", "thing", str(seq), None, after)
        AuditEvent.objects.create(seq=seq, at=at, actor_label="system", action="test.write", object_type="thing",
                                  object_id=str(seq), before=None, after=after, prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.update_or_create(id=1, defaults={"seq": n, "hash": prev})


class _Editor:
    """What the migration uses of its schema editor (SQLite's refuses to open inside a test's transaction)."""

    connection = connection

    @staticmethod
    def execute(sql):
        with connection.cursor() as cur:
            cur.execute(sql)


def _run():
    if connection.vendor == "postgresql":  # as after a commit: no deferred checks pending on the table
        _Editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    relink_migration.relink(apps, _Editor())


def test_an_intact_earlier_chain_is_linked_again_and_verifies():
    _earlier_chain(4)
    assert not services.verify().ok  # the earlier hash does not verify under the link hash
    _run()
    result = services.verify()
    assert result.ok and result.checked == 4, result.reason
    head = AuditChainHead.objects.get(id=1)
    assert head.prev_hash == AuditEvent.objects.get(seq=4).prev_hash
    with transaction.atomic():  # and appending goes on from the re-linked head
        services.record(None, "test.after", "thing", 5, None, {"i": 5})
    assert services.verify().ok


def test_a_broken_earlier_chain_is_refused_and_left_alone():
    _earlier_chain(3)
    with tampering():
        AuditEvent.objects.filter(seq=2).update(after={"i": 99})
    before = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(RuntimeError, match="#2 does not verify"):
        _run()
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == before
