"""The policy engine's own tests cover every line and branch of ``g287.policy``."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_policy_tests_cover_every_branch(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
    env["COVERAGE_FILE"] = str(tmp_path / ".coverage")
    proc = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
            "--cov=g287.policy", "--cov-branch", "--cov-report=term-missing", "--cov-fail-under=100",
            "--deselect", "tests/policy/test_coverage.py::test_policy_tests_cover_every_branch",
            "tests/policy",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
