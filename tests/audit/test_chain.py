import pytest
from django.db import transaction

from g287.audit import services
from g287.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _write(n):
    with transaction.atomic():
        for i in range(n):
            services.record(None, "test.write", "thing", i, before=None, after={"i": i, "name": "ñ"})


def test_intact_chain_verifies():
    _write(5)
    result = services.verify()
    assert result.ok and result.checked == 5


def test_altered_row_is_named():
    _write(5)
    AuditEvent.objects.filter(seq=3).update(after={"i": 99})
    result = services.verify()
    assert not result.ok and result.first_bad_seq == 3 and "altered" in result.reason


def test_removed_row_is_named():
    _write(5)
    AuditEvent.objects.filter(seq=2).delete()
    result = services.verify()
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.reason


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused():
    with pytest.raises(RuntimeError):
        services.record(None, "test.write", "thing", 1)
