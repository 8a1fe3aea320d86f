"""Faults under recording load (slow, PostgreSQL): the server's workers are killed and restarted and the database
drops every connection while clients record actions through ``POST /api/actions/``, retrying with the same
``external_ref`` as a client must when it got no answer. Afterwards nothing is lost (every reference a client saw
confirmed is stored), nothing is duplicated (one action, one reference and one audit event per reference), the
audit chain verifies, and after the database dropped its connections the next requests are answered without a
server error (``CONN_HEALTH_CHECKS``)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from g287.accounts.models import Role, User
from tests.personnel import factories as f

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "fault-test-password-287"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(port: int, env: dict) -> subprocess.Popen:
    granian = Path(sys.executable).with_name("granian")
    return subprocess.Popen([str(granian), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2", "--blocking-threads", "2", "--no-ws", "--respawn-failed-workers",
                             "--log-level", "error", "g287.wsgi:application"], env=env, start_new_session=True)


def _up(base: str, timeout: float = 60) -> None:
    import httpx

    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            if httpx.get(base + "/api/ping/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not come up")


def _client(base: str, username: str):
    import httpx

    c = httpx.Client(base_url=base, timeout=10)
    c.get("/accounts/login/")
    r = c.post("/accounts/login/", data={"username": username, "password": PASSWORD,
                                         "csrfmiddlewaretoken": c.cookies["csrftoken"]},
               headers={"Referer": base + "/accounts/login/"})
    assert r.status_code in (302, 303), r.status_code
    c.headers.update({"X-CSRFToken": c.cookies["csrftoken"], "Referer": base + "/"})
    return c


def _terminate_backends(env_db: str) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()", [env_db])
        return cur.fetchone()[0]


def test_kills_of_the_server_and_of_database_connections_lose_and_duplicate_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("the fault test runs on PostgreSQL (DATABASE_URL)")
    import httpx

    from g287.audit.models import AuditEvent
    from g287.audit.services import verify
    from g287.operations.models import Action, ActionReference

    ag = f.agency("fault-so", state="TX")
    m = f.agreement(ag)
    officers = [f.officer(ag, f"F-{i}", authorize=m) for i in range(4)]
    User.objects.create_user("fault-coord", password=PASSWORD, role=Role.LEA_COORDINATOR, agency=ag)
    db = connection.settings_dict["NAME"]
    settings_dict = connection.settings_dict
    url = (f"postgresql://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
           f"{settings_dict['PORT'] or 5432}/{db}")
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="g287.settings", G287_LOG_LEVEL="CRITICAL")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _server(port, env)
    confirmed: set[str] = set()
    server_errors: list[int] = []
    stop = threading.Event()

    def record(k: int) -> None:
        client = None
        i = 0
        while not stop.is_set():
            ref = f"fault-{k}-{i}"
            body = {"officer": officers[i % 4].pk, "agreement": m.pk, "function": "interview",
                    "at": f"2025-06-{1 + i % 28:02d}T{8 + i % 9:02d}:{i % 60:02d}", "external_ref": ref}
            while not stop.is_set():  # the same reference again until an answer confirms it
                try:
                    client = client or _client(base, "fault-coord")
                    r = client.post("/api/actions/", json=body)
                except (httpx.HTTPError, KeyError, AssertionError):
                    client = None
                    time.sleep(0.1)
                    continue
                if r.status_code in (200, 201):
                    confirmed.add(ref)
                    break
                if r.status_code >= 500:
                    server_errors.append(r.status_code)
                time.sleep(0.05)
            i += 1

    try:
        _up(base)
        threads = [threading.Thread(target=record, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(4)
        assert confirmed, f"no action was recorded before the faults (server errors: {server_errors[:5]})"
        # 1. A worker killed outright (granian starts another).
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert workers, "granian's workers"
        os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(3)
        # 2. The database drops every connection of the server.
        assert _terminate_backends(db) >= 1
        time.sleep(3)
        # 3. The whole server killed and started again.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        time.sleep(1)
        server = _server(port, env)
        _up(base)
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # 4. With no load: connections dropped again, and the next requests are answered without a server error.
        client = _client(base, "fault-coord")
        client.get("/api/actions/?limit=1")
        _terminate_backends(db)
        after = [client.get("/api/actions/?limit=1").status_code for _ in range(12)]
        assert after == [200] * 12, after
    finally:
        stop.set()
        try:
                os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(timeout=30)

    refs = set(ActionReference.objects.filter(agency=ag).values_list("external_ref", flat=True))
    assert confirmed and confirmed <= refs, f"lost: {sorted(confirmed - refs)[:10]}"
    n = ActionReference.objects.filter(agency=ag).count()
    assert n == len(refs) == Action.objects.filter(agreement=m).count()  # one action per reference
    assert AuditEvent.objects.filter(action="operations.record_action").count() == n  # one event per action
    result = verify()
    assert result.ok, result.reason
