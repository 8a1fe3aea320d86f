"""Runs conformance scenarios and compares what the system decides with what they expect.

The decisions come from a *backend*, so the same scenarios check every path to an answer:

- :class:`InProcessBackend` asks the policy engine directly (``g287 scenario run``);
- the stored path (``g287 scenario run --via-db``) lives in ``g287.conformance.via_db``, which must
  define ``get_backend() -> Backend``: it loads a scenario's facts into the database and asks the
  recording service for each decision.

A backend answers, for one validated :class:`~g287.conformance.schema.Scenario`:

- ``decide(scenario) -> {action id: Decision}`` for every action of the scenario;
- ``complaint_deadlines(scenario) -> {complaint id: (notify_ice_due, resolution_report_due or None)}``
  for every complaint.

``run_paths(paths, backend)`` reads every file (folders: every ``*.yaml`` / ``*.yml`` below), runs each
valid scenario through the backend and returns a :class:`Report`; files or scenarios that do not parse
or break the schema become failed results naming the file, the scenario and the field.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from g287.conformance.schema import ActionIn, ComplaintIn, Scenario, ScenarioError, load_file
from g287.policy import Decision, evaluate, notify_ice_due, resolution_report_due


class Backend(Protocol):
    """Where decisions come from (see the module docstring)."""

    def decide(self, scenario: Scenario) -> dict[str, Decision]: ...

    def complaint_deadlines(self, scenario: Scenario) -> dict[str, tuple[datetime, date | None]]: ...


class InProcessBackend:
    """The policy engine, called in this process on the scenario's facts."""

    name = "in-process"

    def decide(self, scenario: Scenario) -> dict[str, Decision]:
        return {a.id: evaluate(*scenario.facts_for(a)) for a in scenario.actions}

    def complaint_deadlines(self, scenario: Scenario) -> dict[str, tuple[datetime, date | None]]:
        return {
            c.id: (notify_ice_due(c.received), None if c.resolved is None else resolution_report_due(c.resolved))
            for c in scenario.complaints
        }


class _DecideFunction(InProcessBackend):
    """A plain ``decide(scenario) -> {action id: Decision}`` function used as a backend."""

    def __init__(self, decide: Callable[[Scenario], dict[str, Decision]]):
        self._decide = decide

    def decide(self, scenario: Scenario) -> dict[str, Decision]:
        return self._decide(scenario)


@dataclass
class Report:
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r["ok"])

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    def as_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "failed": self.failed, "results": self.results}

    def lines(self) -> list[str]:
        out = []
        for r in self.results:
            head = f"{'ok  ' if r['ok'] else 'FAIL'} {r['scenario']} / {r['id']}"
            out.append(head if r["ok"] else f"{head}: expected {_show(r['expected'])}, got {_show(r['got'])}")
        out.append(f"{self.passed} passed, {self.failed} failed")
        return out


def _show(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


def minute(t: datetime) -> str:
    """Times are compared to the minute."""
    return t.strftime("%Y-%m-%dT%H:%M")


def scenario_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[ScenarioError]]:
    """The files named, and every ``*.yaml`` / ``*.yml`` below the folders named, in a stable order."""
    files: list[Path] = []
    errors: list[ScenarioError] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in (".yaml", ".yml"))
            if not found:
                errors.append(ScenarioError(str(p), "(folder)", f"{p}: no *.yaml or *.yml files in this folder"))
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            errors.append(ScenarioError(str(p), "(file)", f"{p}: no such file or folder"))
    return files, errors


def _error_result(e: ScenarioError) -> dict[str, Any]:
    return {"scenario": e.scenario, "id": e.file, "ok": False, "expected": "a valid scenario file", "got": e.message}


def check_action(a: ActionIn, decision: Decision | None) -> dict[str, Any]:
    exp = a.expect
    expected: dict[str, Any] = {"decision": exp.decision}
    if exp.violations is not None:
        expected["violations"] = sorted(exp.violations)
    if exp.obligations:
        expected["obligations"] = [{"code": o.code, "due": minute(o.due)} for o in exp.obligations]
    if decision is None:
        return {"id": a.id, "ok": False, "expected": expected, "got": "no decision was returned for this action"}
    got_obligations = {(o.code, minute(o.due)) for o in decision.obligations}
    got: dict[str, Any] = {
        "decision": decision.decision,
        "violations": sorted(decision.codes),
        "obligations": [{"code": o.code, "due": minute(o.due)} for o in decision.obligations],
    }
    ok = decision.decision == exp.decision
    if ok and exp.decision == "deny" and exp.violations is not None:
        ok = decision.codes == frozenset(exp.violations)
    if ok:
        ok = all((o.code, minute(o.due)) in got_obligations for o in exp.obligations)
    return {"id": a.id, "ok": ok, "expected": expected, "got": got}


def check_complaint(c: ComplaintIn, deadlines: tuple[datetime, date | None] | None) -> dict[str, Any]:
    expected: dict[str, Any] = {}
    if c.expect.notify_ice_due is not None:
        expected["notify_ice_due"] = minute(c.expect.notify_ice_due)
    if c.expect.resolution_report_due is not None:
        expected["resolution_report_due"] = c.expect.resolution_report_due.isoformat()
    if deadlines is None:
        return {"id": c.id, "ok": False, "expected": expected, "got": "no deadlines were returned for this complaint"}
    notify, report = deadlines
    got = {"notify_ice_due": minute(notify), "resolution_report_due": None if report is None else report.isoformat()}
    ok = all(got[k] == v for k, v in expected.items())
    return {"id": c.id, "ok": ok, "expected": expected, "got": got}


def run_scenario(scenario: Scenario, backend: Backend) -> list[dict[str, Any]]:
    """The checks of one scenario, through one backend. A backend that fails fails every check."""
    try:
        decisions = backend.decide(scenario) if scenario.actions else {}
        deadlines = backend.complaint_deadlines(scenario) if scenario.complaints else {}
    except Exception as e:  # a backend error is a failed check, not a crashed run
        where = traceback.extract_tb(e.__traceback__)[-1]
        got = f"error: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})"
        return [
            {"scenario": scenario.name, "id": x.id, "ok": False, "expected": "a decision", "got": got}
            for x in [*scenario.actions, *scenario.complaints]
        ]
    results = [check_action(a, decisions.get(a.id)) for a in scenario.actions]
    results += [check_complaint(c, deadlines.get(c.id)) for c in scenario.complaints]
    return [{"scenario": scenario.name, **r} for r in results]


def run_paths(paths: Iterable[str | Path], backend: Backend | Callable[[Scenario], dict[str, Decision]] | None = None) -> Report:
    """Run every scenario below ``paths`` through ``backend`` (default: in process).

    ``backend`` may also be a plain ``decide(scenario) -> {action id: Decision}`` function; complaint
    deadlines then come from the policy clocks.
    """
    if backend is None:
        backend = InProcessBackend()
    elif not hasattr(backend, "decide"):
        backend = _DecideFunction(backend)
    report = Report()
    files, errors = scenario_files(paths)
    report.results.extend(_error_result(e) for e in errors)
    for f in files:
        scenarios, errors = load_file(f)
        report.results.extend(_error_result(e) for e in errors)
        for s in scenarios:
            report.results.extend(run_scenario(s, backend))
    return report
