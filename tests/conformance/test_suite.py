"""The project's scenario suite and the shipped examples, through the in-process path."""

from pathlib import Path

import pytest

from g287.conformance.runner import run_paths

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _failures(report):
    return [f"{r['scenario']} / {r['id']}: expected {r['expected']}, got {r['got']}" for r in report.results if not r["ok"]]


def test_shipped_examples_pass():
    report = run_paths([SCENARIOS / "examples"])
    assert report.passed == 5
    assert _failures(report) == []


@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: p.name)
def test_scenario_file_passes(path):
    report = run_paths([path])
    assert report.results, f"{path} holds no checks"
    assert _failures(report) == []
