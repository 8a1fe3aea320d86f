"""The documented complaint limit across three worker processes and a restart (slow, PostgreSQL): complaints
posted to a real server of three granian workers, each on a fresh connection so that they land on different
workers, are accepted up to the limit and refused after it; a restarted server still refuses."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from g287.oversight.models import Complaint
from tests.operations.test_faults import _free_port, _up
from tests.personnel import factories as f

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LIMIT = 5


def _server(port: int, env: dict) -> subprocess.Popen:
    granian = Path(sys.executable).with_name("granian")
    return subprocess.Popen([str(granian), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "3", "--blocking-threads", "1", "--no-ws", "--log-level", "error",
                             "g287.wsgi:application"], env=env, start_new_session=True)


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _complain(base: str, agency_pk: int) -> int:
    import httpx

    with httpx.Client(base_url=base, timeout=20) as c:  # a new connection: any of the workers answers
        c.get("/complaints/")
        r = c.post("/complaints/", data={
            "csrfmiddlewaretoken": c.cookies["csrftoken"], "agency": agency_pk, "allegation": "other",
            "what_happened": "An officer asked about status during a traffic stop.", "occurred_on": "2025-06-01",
            "occurred_place": "Main Street"}, headers={"Referer": base + "/complaints/"})
        return r.status_code


def test_the_complaint_limit_holds_across_three_workers_and_a_restart():
    if connection.vendor != "postgresql":
        pytest.skip("a server in other processes needs the shared PostgreSQL test database (DATABASE_URL)")
    ag = f.agency("limit-so", state="TX")
    f.agreement(ag)
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="g287.settings", G287_LOG_LEVEL="CRITICAL",
               G287_COMPLAINT_RATE=f"{LIMIT}/h")
    env.pop("G287_REDIS_URL", None)  # the database store, the default
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _server(port, env)
    try:
        _up(base)
        answers = [_complain(base, ag.pk) for _ in range(LIMIT + 3)]
        assert answers.count(302) == LIMIT and answers[LIMIT:] == [429] * 3, answers
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 3
    finally:
        _stop(server)
    server = _server(port, env)
    try:
        _up(base)
        assert _complain(base, ag.pk) == 429  # the count outlived the processes
    finally:
        _stop(server)
    assert Complaint.objects.count() == LIMIT
