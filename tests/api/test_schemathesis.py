"""Schemathesis over the whole API (every operation of ``/api/schema/``), as a program-office user and as an LEA
coordinator: its examples, coverage, fuzzing and stateful phases, with zero server errors and zero answers that
break the schema (status codes, content types, bodies). Slow: run by ``make test-slow``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from g287.accounts.models import Role
from tests.conftest import sign_in
from tests.security import world as wb

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
CSRF = "Schemathesis0CsrfSecret0123456789"[:32]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = os.environ.get("G287_SCHEMATHESIS_EXAMPLES", "25")


def _session(user) -> str:
    client = Client()
    sign_in(client, user)
    return client.cookies["sessionid"].value


def _run(live_server, session: str, tmp_path: Path, name: str) -> subprocess.CompletedProcess:
    st = Path(sys.executable).with_name("st")
    report = tmp_path / name
    return subprocess.run(
        [str(st), "run", f"{live_server.url}/api/schema/", "--url", live_server.url,
         "--checks", CHECKS, "--phases", "examples,coverage,fuzzing,stateful",
         "--max-examples", MAX_EXAMPLES, "--workers", "1", "--continue-on-failure", "--no-color",
         "--header", f"Cookie: sessionid={session}; csrftoken={CSRF}", "--header", f"X-CSRFToken: {CSRF}",
         "--header", f"Referer: {live_server.url}/", "--request-timeout", "30",
         "--report", "junit", "--report-dir", str(report)],
        capture_output=True, text=True, timeout=1800)


@pytest.mark.parametrize("role", [Role.PROGRAM_OFFICE, Role.LEA_COORDINATOR])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, settings, tmp_path, role):
    settings.G287_COMPLAINT_RATE = "100000/h"
    w = wb.build()
    run = _run(live_server, _session(w.users[role]), tmp_path, role)
    out = run.stdout + run.stderr
    if os.environ.get("G287_SCHEMATHESIS_LOG"):
        Path(os.environ["G287_SCHEMATHESIS_LOG"]).write_text(out, encoding="utf-8")
    assert run.returncode == 0, out[-20000:]
    assert "No issues found" in out or "passed" in out.lower(), out[-3000:]
