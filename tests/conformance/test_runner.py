"""The runner and the `g287 scenario run` command: output, exit status, and broken files."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from g287.conformance.runner import InProcessBackend, run_paths
from g287.policy import evaluate

EXAMPLES = Path(__file__).resolve().parents[1] / "scenarios" / "examples"

GOOD = """
scenarios:
  - name: good one
    agencies: [{id: a, name: A, state: IN, type: County}]
    agreements: [{id: m, agency: a, model: JEM, template: "2025", signed: 2025-03-03}]
    officers: [{id: o, agency: a, trainings: [{course: basic, model: JEM, completed: 2025-03-20}],
                authorizations: [{agreement: m, granted: 2025-04-01}]}]
    actions:
      - {id: ok, officer: o, agreement: m, function: interview, at: 2025-05-01T10:00, expect: {decision: allow}}
      - {id: wrong, officer: o, agreement: m, function: interview, at: 2025-05-01T10:00,
         expect: {decision: deny, violations: [TRAINING_LAPSED]}}
"""


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def run(*args):
    import io

    out = io.StringIO()
    code = 0
    try:
        call_command("scenario", "run", *map(str, args), stdout=out)
    except SystemExit as e:
        code = e.code
    return code, out.getvalue()


def test_lines_and_exit_status(tmp_path):
    code, out = run(EXAMPLES)
    assert code == 0
    assert out.splitlines()[-1] == "5 passed, 0 failed"
    code, out = run(write(tmp_path, "g.yaml", GOOD))
    lines = out.splitlines()
    assert code == 1 and lines[-1] == "1 passed, 1 failed" and len(lines) == 3
    assert lines[1].startswith("FAIL good one / wrong: expected {decision: deny, violations: [TRAINING_LAPSED]}")


def test_json(tmp_path):
    code, out = run("--json", write(tmp_path, "g.yaml", GOOD))
    data = json.loads(out)
    assert code == 1 and data["passed"] == 1 and data["failed"] == 1
    assert [set(r) for r in data["results"]] == [{"scenario", "id", "ok", "expected", "got"}] * 2
    assert data["results"][1]["got"]["violations"] == []


def test_folder_reads_yaml_and_yml_below(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.yml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    write(tmp_path, "notes.txt", "not a scenario")
    assert len(run_paths([tmp_path]).results) == 4


@pytest.mark.parametrize(
    "text,needle",
    [
        ("scenarios: [ {name: x", "not valid YAML"),
        ("- just a list", "`scenarios:` list"),
        (GOOD.replace("function: interview, at: 2025-05-01T10:00, expect: {decision: allow}",
                      "at: 2025-05-01T10:00, expect: {decision: allow}"),
         "scenario 'good one' (#1): actions[0].function: required field is missing"),
        (GOOD.replace('signed: 2025-03-03', 'signed: someday'), "agreements[0].signed:"),
        (GOOD.replace("[TRAINING_LAPSED]", "[TRAINING_LOST]"), "actions[1].expect.violations: unknown violation code 'TRAINING_LOST'"),
        (GOOD.replace("function: interview, at: 2025-05-01T10:00, expect: {decision: allow}",
                      "function: fly, at: 2025-05-01T10:00, expect: {decision: allow}"), "actions[0].function: unknown function 'fly'"),
        (GOOD.replace('template: "2025"', 'template: "2016"').replace("model: JEM, template", "model: WSO, template"),
         "agreements[0].template: no rules for model 'WSO' on MOA template '2016'"),
        (GOOD.replace("agency: a, model", "agency: zz, model"), "agreements[0].agency: no agency 'zz'"),
        (GOOD.replace("expect: {decision: allow}}", "expect: {decision: allow}, colour: red}"), "actions[0].colour: unknown field"),
        (GOOD.replace("{decision: allow}", "{decision: maybe}"), "actions[0].expect.decision"),
    ],
)
def test_broken_files_name_file_scenario_and_field(tmp_path, text, needle):
    bad = write(tmp_path, "bad.yaml", text)
    good = write(tmp_path, "good.yaml", GOOD)
    report = run_paths([bad, good])
    errors = [r for r in report.results if r["expected"] == "a valid scenario file"]
    assert len(errors) == 1 and not errors[0]["ok"]
    assert str(bad) in errors[0]["got"] and needle in errors[0]["got"], errors[0]["got"]
    assert report.passed == 1  # the good file still ran


def test_one_broken_scenario_does_not_stop_the_others_in_its_file(tmp_path):
    two = GOOD + "  - {name: broken, actions: [{id: x}]}\n"
    report = run_paths([write(tmp_path, "two.yaml", two)])
    assert report.passed == 1 and report.failed == 2
    assert "scenario 'broken' (#2)" in report.results[0]["got"]


def test_missing_path_is_reported(tmp_path):
    code, out = run(tmp_path / "nope.yaml")
    assert code == 1 and "nope.yaml: no such file or folder" in out


def test_pluggable_backend(tmp_path):
    calls = []

    def decide(scenario):
        calls.append(scenario.name)
        return {a.id: evaluate(*scenario.facts_for(a)) for a in scenario.actions}

    report = run_paths([EXAMPLES], decide)
    assert report.failed == 0 and calls == ["JEM basics in a county jail", "WSO officers serve ICE warrants only"]

    class Broken(InProcessBackend):
        def decide(self, scenario):
            raise RuntimeError("database is down")

    report = run_paths([EXAMPLES], Broken())
    assert report.failed == 4 and "database is down" in report.results[0]["got"]


def test_via_db_without_the_stored_path_is_a_clear_error(monkeypatch):
    import sys

    # an installation without the stored path: the module cannot be imported
    monkeypatch.setitem(sys.modules, "g287.conformance.via_db", None)
    with pytest.raises(CommandError, match="--via-db needs the stored path"):
        call_command("scenario", "run", "--via-db", str(EXAMPLES))
