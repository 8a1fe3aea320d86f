"""Every scenario file gives the same results through the stored path as in process."""

from pathlib import Path

import pytest

from g287.conformance.runner import run_paths
from g287.conformance.via_db import get_backend
from g287.operations.models import Action
from g287.personnel.models import Officer
from g287.registry.models import Agency

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

pytestmark = pytest.mark.django_db(transaction=False)


def _files():
    return sorted(SCENARIOS.rglob("*.yaml")) + sorted(SCENARIOS.rglob("*.yml"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_both_paths_agree(path):
    in_process = run_paths([path])
    via_db = run_paths([path], get_backend())
    assert in_process.results, f"{path} holds no checks"
    assert via_db.as_json() == in_process.as_json()
    assert via_db.failed == 0, [r for r in via_db.results if not r["ok"]]
    # Nothing the stored path wrote stays behind.
    assert not Action.objects.exists() and not Officer.objects.exists() and not Agency.objects.exists()


def test_the_stored_path_reads_the_stored_rows(monkeypatch):
    """A decision changed in the database after recording shows up: the answer comes from the rows."""
    from g287.conformance import via_db

    real = via_db.stored_decision

    def tampered(action):
        Action.objects.filter(pk=action.pk).update(allowed=not action.allowed)
        return real(Action.objects.get(pk=action.pk))

    monkeypatch.setattr(via_db, "stored_decision", tampered)
    report = run_paths([SCENARIOS / "examples"], get_backend())
    assert report.failed > 0
