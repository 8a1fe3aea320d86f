"""API benchmark: recording actions through ``POST /api/actions/`` on PostgreSQL; prints one JSON object.

Steps: a fresh PostgreSQL database (``API_BENCH_DATABASE_URL``, default ``g287_api_bench`` on 127.0.0.1:5432),
``g287 migrate``, a seeded synthetic set of agencies (keys ``synthetic-``), agreements, trained and authorized
officers and one LEA coordinator login per agency (a coordinator needs no second factor); then the WSGI server
on 127.0.0.1 (granian by default: cores + 1 worker processes, 2 threads each; ``--server gunicorn`` for gthread
workers) and ``--clients`` concurrent clients, each signed in with its own session and CSRF token. The clients
are Debian's ``wrk`` (one thread and one connection per client, requests built in LuaJIT) when it is
installed, else httpx sessions in threads, which take much more of the CPU the server shares with them.

Phases, all with the same signed-in clients:
1. ``ping_ceiling``: the trivial JSON view ``/api/ping/`` as fast as answered: the server's ceiling.
2. ``record_capacity``: actions recorded as fast as answered (each client sends the next request when it has
   the answer): the most the server records per second. Latencies here are only queueing (Little's law).
3. ``record_at_rate``: actions offered at a fixed rate (``--rate``, all clients together, each on its own
   schedule) for ``--duration`` seconds. Latencies count from when each request was due, so a slow answer
   also counts against the requests it held back. The targets are judged here.
Afterwards the stored actions are counted against the 201 responses, a sample of stored decisions is checked
to be the engine's (``redecide`` on the same facts), and the audit chain is verified (one event per action,
every link intact after the concurrent appends).

Beside rates and latencies, which depend on whatever else the machine runs (the load averages before and
after are reported), each phase reports the CPU time the server processes, the database backends and the
load client spent per request: what recording costs whatever the machine's load.

Targets (issue 4): p95 under 30 ms, at least 500 recorded actions per second, no errors, over at least 2 minutes.

Usage: ``python bench/api_bench.py [--duration 120] [--rate 510] [--capacity-seconds 30] [--clients 20]
[--server granian|gunicorn] [--workers N] [--threads N] [--client wrk] [--quick]`` (``--quick``: a smoke run
used by the test suite).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/g287_api_bench"
PASSWORD = "bench-coordinator-287g"  # synthetic logins of a throwaway database
FUNCTIONS = ["interview", "screen", "process", "issue_detainer", "prepare_i213", "serve_arrest_warrant",
             "warrantless_arrest", "detain_transport"]


def _env(url: str, var_dir: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="g287.settings", G287_VAR_DIR=var_dir,
               G287_LOG_LEVEL="ERROR")
    env.pop("G287_DEBUG", None)
    return env


def _recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(agencies: int, officers_per: int, seed: int) -> list[dict]:
    """Synthetic agencies with a JEM 2025 agreement, trained and authorized officers, a coordinator each."""
    import django

    django.setup()
    from g287.accounts.models import Role, User
    from g287.personnel import services as ps
    from g287.registry.models import Agency, Agreement

    rng = random.Random(seed)
    states = ["IN", "TX", "FL", "GA", "AZ", "NC", "TN", "OK", "LA", "AL"]
    out = []
    for i in range(agencies):
        ag = Agency.objects.create(key=f"synthetic-api-bench-{i:03d}", name=f"SYNTHETIC bench agency {i:03d}",
                                   state=states[i % len(states)], ice_type="County")
        model = "JEM" if i % 4 else "WSO"
        m = Agreement.objects.create(key=f"synthetic-api-bench-{i:03d}:{model}", agency=ag, model=model,
                                     template_version="2025", template_inferred=False, signed=date(2025, 2, 3))
        officers = []
        for k in range(officers_per):
            o = ps.nominate_officer(None, ag, f"SYN-{i:03d}-{k:02d}", background_check="approved",
                                    lea_experience_years=rng.choice([1, 3, 8]))
            if rng.random() < 0.9:
                ps.record_training(None, o, course="basic", model=model, completed=date(2025, 3, 1),
                                   exams=[rng.choice([75, 88, 95])])
                ps.grant_authorization(None, o, m, date(2025, 3, 10))
            o.synthetic = True
            o.save(update_fields=["synthetic"])
            officers.append(o.pk)
        u = User.objects.create_user(f"bench-coord-{i:03d}", password=PASSWORD, role=Role.LEA_COORDINATOR,
                                     agency=ag, is_demo=True)
        out.append({"username": u.username, "agreement": m.pk, "officers": officers})
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc, timeout: float = 60) -> None:
    import httpx

    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/api/ping/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer within a minute")


def _session(base: str, username: str):
    import httpx

    c = httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
    c.get("/accounts/login/")
    r = c.post("/accounts/login/", data={"username": username, "password": PASSWORD,
                                         "csrfmiddlewaretoken": c.cookies["csrftoken"]},
               headers={"Referer": base + "/accounts/login/"})
    if r.status_code not in (302, 303) or "sessionid" not in c.cookies:
        raise SystemExit(f"sign-in of {username} failed: HTTP {r.status_code}")
    c.headers["X-CSRFToken"] = c.cookies["csrftoken"]
    c.headers["Referer"] = base + "/"
    return c


def _load(sessions, seconds: float, make_request) -> dict:
    """Run every session in its own thread for ``seconds``; latencies in ms and errors."""
    stop = time.perf_counter() + seconds
    lat: list[list[float]] = [[] for _ in sessions]
    errors: list[list[str]] = [[] for _ in sessions]
    codes: list[dict] = [{} for _ in sessions]

    def run(i, c):
        rng = random.Random(i)
        n = 0
        while time.perf_counter() < stop:
            method, path, body = make_request(i, n, rng)
            t0 = time.perf_counter()
            try:
                r = c.post(path, json=body) if method == "POST" else c.get(path)
                code = r.status_code
            except Exception as exc:  # a transport error counts as an error, not a crash of the run
                code, r = 0, None
                errors[i].append(repr(exc)[:200])
            lat[i].append((time.perf_counter() - t0) * 1000)
            codes[i][code] = codes[i].get(code, 0) + 1
            if r is not None and code >= 300:
                errors[i].append(f"HTTP {code}: {r.text[:200]}")
            n += 1

    t_start = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    all_lat = sorted(x for part in lat for x in part)
    all_codes: dict = {}
    for part in codes:
        for k, v in part.items():
            all_codes[k] = all_codes.get(k, 0) + v
    all_errors = [e for part in errors for e in part]

    def pct(p):
        return round(all_lat[min(len(all_lat) - 1, int(p * len(all_lat)))], 2) if all_lat else None

    return {"requests": len(all_lat), "seconds": round(elapsed, 2), "per_second": round(len(all_lat) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": round(all_lat[-1], 2) if all_lat else None,
            "status_codes": {str(k): v for k, v in sorted(all_codes.items())}, "errors": len(all_errors),
            "first_errors": all_errors[:5]}


# The load client in C (Debian's wrk): one thread and one connection per client, each with its own signed-in
# session, so the clients take little of the CPU the server shares with them. Requests are built in LuaJIT.
_WRK_SCRIPT = r"""
local json_escape = function(s) return (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)) end
local clients = {CLIENTS}
local functions = {FUNCTIONS}
local mode = "{MODE}"
local base = {BASE_EPOCH}
local counter = 0
local threads = {}
local interval = {INTERVAL_MS}  -- at a fixed rate: each client's time between requests (0: as fast as answered)
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } g287_timespec; int clock_gettime(int clk, g287_timespec *tp); ]]
local ts = ffi.new("g287_timespec")
local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  me = clients[index]
  codes = {}
  first_error = ""
  n = 0
  lats = {}
  sched = nil
  sent_at = nil
  math.randomseed(index * 7919)
  headers = {["Cookie"] = "sessionid=" .. me.session .. "; csrftoken=" .. me.csrf, ["X-CSRFToken"] = me.csrf,
             ["Referer"] = me.referer, ["Content-Type"] = "application/json", ["Accept"] = "application/json"}
end

{DELAY}
function request()
  n = n + 1
  sent_at = sched or now_ms()
  if mode == "ping" then return wrk.format("GET", "/api/ping/", headers, nil) end
  local i = index - 1
  local charge = ({"pending", "convicted", "none"})[math.random(3)]
  local level = ({"felony", "misdemeanor", "infraction", ""})[math.random(4)]
  local body = string.format(
    '{"officer": %d, "agreement": %d, "function": "%s", "at": "%s", "location": "%s", "subject_ref": "SYN-%d-%d", ' ..
    '"criminal_charge": "%s", "charge_level": "%s", "ice_designated": %s, "usc_claim": %s, "in_lea_custody": %s, ' ..
    '"external_ref": "bench-{PHASE}-%d-%d"}',
    me.officers[math.random(#me.officers)], me.agreement, functions[math.random(#functions)],
    os.date("!%Y-%m-%dT%H:%M", base + ((n * 7 + i) % 288000) * 60),
    math.random() < 0.15 and "field" or "lea_facility", i, n, charge, level,
    tostring(math.random() < 0.6), tostring(math.random() < 0.03), tostring(math.random() < 0.93), i, n)
  return wrk.format("POST", "/api/actions/", headers, body)
end

function response(status, headers, body)
  -- from the moment the request was due, so a slow answer also counts against the requests it held back
  table.insert(lats, now_ms() - sent_at)
  codes[status] = (codes[status] or 0) + 1
  if status >= 300 and first_error == "" then first_error = "HTTP " .. status .. ": " .. json_escape(body:sub(1, 200)) end
end

function done(summary, latency, requests)
  local all = {}
  local errors = {}
  local lat = {}
  for _, t in ipairs(threads) do
    for _, v in ipairs(t:get("lats")) do table.insert(lat, v) end
    for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
    local e = t:get("first_error")
    if e ~= "" then table.insert(errors, '"' .. e .. '"') end
  end
  local parts = {}
  for k, v in pairs(all) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  table.sort(lat)
  local function pct(p) if #lat == 0 then return 0 end return lat[math.max(1, math.ceil(p * #lat))] * 1000 end
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"codes": {%s}, "socket_errors": %d, "timeouts": %d, "first_errors": [%s]}\n',
    summary.requests, summary.duration, pct(0.50), pct(0.95), pct(0.99), pct(1.0),
    table.concat(parts, ", "), e.connect + e.read + e.write, e.timeout,
    table.concat(errors, ", ")))
end
"""


def _lua_value(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_lua_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(_lua_value(x) for x in v) + "}"
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string of ASCII is a valid Lua string
    return str(v)


# At a fixed rate each client sends on its own schedule, the clients spread evenly over one interval; a late
# answer delays the next request (one connection), but its latency counts from when the request was due.
_WRK_DELAY = r"""
function delay()
  local t = now_ms()
  if sched == nil then sched = t + (index - 1) * interval / #clients  -- the first request, staggered
  else sched = sched + interval end
  local wait = sched - t
  if wait < 0 then return 0 end
  return math.ceil(wait)
end
"""


def _wrk_load(base: str, clients: list[dict], seconds: float, mode: str, rate: float = 0) -> dict:
    """Run wrk for ``seconds`` with one thread and connection per client; the same figures as ``_load``.
    ``rate``: requests per second of all clients together, each on a fixed schedule (0: each client sends its
    next request as soon as it has the answer)."""
    interval = len(clients) * 1000 / rate if rate else 0
    script = (_WRK_SCRIPT.replace("{CLIENTS}", _lua_value(clients)).replace("{FUNCTIONS}", _lua_value(FUNCTIONS))
              .replace("{INTERVAL_MS}", repr(interval)).replace("{PHASE}", f"{mode}-{rate:g}")
              .replace("{DELAY}", _WRK_DELAY if rate else "")
              .replace("{MODE}", mode).replace("{BASE_EPOCH}", str(int(datetime(2025, 6, 2, 6, 0, tzinfo=dt_timezone.utc)
                                                                         .timestamp()))))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        n = len(clients)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk's own CPU, once it has been waited for
        r = subprocess.run(["wrk", "-t", str(n), "-c", str(n), "-d", f"{seconds:g}s", "--timeout", "30s",
                            "-s", f.name, base], capture_output=True, text=True, timeout=seconds + 120)
    finally:
        os.unlink(f.name)
    line = next((x for x in r.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if r.returncode or line is None:
        raise SystemExit(f"wrk failed ({r.returncode}): {r.stderr[-2000:]}{r.stdout[-2000:]}")
    w = json.loads(line[len("WRK-RESULT "):])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    elapsed = w["duration_us"] / 1e6
    codes = {str(k): v for k, v in sorted(w["codes"].items(), key=lambda kv: int(kv[0]))}
    bad = sum(v for k, v in codes.items() if int(k) >= 300) + w["socket_errors"] + w["timeouts"]
    return {"requests": w["requests"], "seconds": round(elapsed, 2), "per_second": round(w["requests"] / elapsed, 1),
            "p50_ms": round(w["p50_us"] / 1000, 2), "p95_ms": round(w["p95_us"] / 1000, 2),
            "p99_ms": round(w["p99_us"] / 1000, 2), "max_ms": round(w["max_us"] / 1000, 2),
            "status_codes": codes, "errors": bad, "socket_errors": w["socket_errors"], "timeouts": w["timeouts"],
            "first_errors": w["first_errors"][:5],
            "client_cpu_ms_per_request": round(client_cpu * 1000 / w["requests"], 2) if w["requests"] else None}


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(master: int, url: str) -> dict[str, list[int]]:
    """The server's main process and workers, and the PostgreSQL backends serving the bench database."""
    import psycopg

    workers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
               and _ppid(int(p.name)) == master]
    with psycopg.connect(url, autocommit=True) as conn:
        backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                               "AND pid <> pg_backend_pid()")]
    return {"server": [master, *workers], "postgresql": backends}


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


class _CpuMeter:
    """CPU the server (its processes) and the database (its backends) spend in a phase: per request this does not
    depend on what else the machine runs, unlike the rate and the latencies. Processes are sampled twice a
    second, so a database connection closed during the phase (after ``CONN_MAX_AGE``) still counts."""

    def __init__(self, master: int, url: str):
        self.master, self.url = master, url
        self.before = {k: {p: _proc_cpu(p) for p in v} for k, v in _server_pids(master, url).items()}
        self.last = {k: dict(v) for k, v in self.before.items()}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.5):
            self._take()

    def _take(self) -> None:
        for kind, pids in _server_pids(self.master, self.url).items():
            for p in pids:
                used = _proc_cpu(p)
                if used:
                    self.last[kind][p] = used

    def per_request_ms(self, requests: int) -> dict:
        self.stop.set()
        self.thread.join()
        self._take()
        out = {}
        for kind, seen in self.last.items():
            used = sum(v - self.before[kind].get(p, 0.0) for p, v in seen.items())
            out[f"{kind}_cpu_ms_per_request"] = round(used * 1000 / requests, 2) if requests else None
        return out


def _check_stored(expected_created: int, in_flight: int, sample: int = 300) -> dict:
    """Count the stored actions and re-decide a sample with the engine on the same facts.

    wrk stops at the deadline without waiting for the requests it has sent: up to one per client may be
    stored without its answer being counted (``in_flight``); never fewer stored than answered."""
    from g287.operations.models import Action
    from g287.operations.services import redecide

    stored = Action.objects.count()
    rng = random.Random(7)
    ids = list(Action.objects.values_list("pk", flat=True))
    picked = rng.sample(ids, min(sample, len(ids)))
    mismatched = 0
    for a in Action.objects.filter(pk__in=picked).prefetch_related("violations"):
        d = redecide(a)
        if d.allowed != a.allowed or set(d.codes) != {v.code for v in a.violations.all()}:
            mismatched += 1
    return {"stored_actions": stored, "created_responses": expected_created,
            "match": expected_created <= stored <= expected_created + in_flight,
            "decisions_rechecked": len(picked), "decisions_mismatched": mismatched,
            "denied_share": round(Action.objects.filter(allowed=False).count() / stored, 3) if stored else None,
            **_check_chain()}


def _check_chain() -> dict:
    """The audit chain after concurrent appends: whole, and one event per stored action."""
    from g287.audit.models import AuditEvent
    from g287.audit.services import verify

    result = verify()
    return {"audit_chain_ok": result.ok, "audit_chain_reason": result.reason,
            "audit_events_of_actions": AuditEvent.objects.filter(action="operations.record_action").count()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=120.0,
                   help="seconds of recording at the fixed rate (default 120)")
    p.add_argument("--rate", type=float, default=510.0,
                   help="actions per second offered by all clients together in the fixed-rate phase (default 510)")
    p.add_argument("--capacity-seconds", type=float, default=30.0,
                   help="seconds of recording as fast as answered, the server's capacity (default 30)")
    p.add_argument("--ping-seconds", type=float, default=15.0, help="seconds of the ping ceiling (default 15)")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--workers", type=int, default=None, help="server worker processes (default: cores + 1)")
    p.add_argument("--threads", type=int, default=2,
                   help="threads per worker (default 2: fewer threads per process contend less for the GIL)")
    p.add_argument("--server", choices=["granian", "gunicorn"], default="granian",
                   help="WSGI server: granian (HTTP in Rust) or gunicorn gthread workers")
    p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                   help="load client: wrk (C, little CPU) or python (httpx in threads); auto: wrk when installed")
    p.add_argument("--agencies", type=int, default=40)
    p.add_argument("--officers", type=int, default=10, help="officers per agency")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run: 3 s of ping, 5 s as fast as answered, 10 s at 100 actions/s")
    p.add_argument("--seed", type=int, default=287)
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.ping_seconds, args.capacity_seconds, args.rate = 10.0, 3.0, 5.0, 100.0
    url = os.environ.get("API_BENCH_DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        raise SystemExit("the API benchmark runs on PostgreSQL (API_BENCH_DATABASE_URL)")
    workers = args.workers or (os.cpu_count() or 1) + 1
    var_dir = tempfile.mkdtemp(prefix="g287-api-bench-")
    env = _env(url, var_dir)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "G287_VAR_DIR", "G287_LOG_LEVEL")})

    load_before = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews every figure
    t0 = time.perf_counter()
    _recreate(url)
    r = subprocess.run([str(BIN / "g287"), "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("migrate failed")
    seeded = _seed(args.agencies, args.officers, args.seed)
    from django.db import connections

    connections.close_all()
    prepare_s = time.perf_counter() - t0

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    if args.server == "granian":
        cmd = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--blocking-threads", str(args.threads), "--no-ws", "--log-level", "warning",
               "g287.wsgi:application"]
    else:
        cmd = [str(BIN / "gunicorn"), "g287.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
               str(workers), "--log-level", "warning", "--backlog", "256"]
        if args.threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(args.threads)]
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        _wait_up(base, server)
        sessions = [_session(base, seeded[i % len(seeded)]["username"]) for i in range(args.clients)]
        if client == "wrk":
            clients = [{"session": c.cookies["sessionid"], "csrf": c.cookies["csrftoken"], "referer": base + "/",
                        "agreement": seeded[i % len(seeded)]["agreement"],
                        "officers": seeded[i % len(seeded)]["officers"]} for i, c in enumerate(sessions)]
            meter = _CpuMeter(server.pid, url)
            ping = _wrk_load(base, clients, args.ping_seconds, "ping")
            ping.update(meter.per_request_ms(ping["requests"]))
            meter = _CpuMeter(server.pid, url)
            capacity = _wrk_load(base, clients, args.capacity_seconds, "record")
            capacity.update(meter.per_request_ms(capacity["requests"]))
            meter = _CpuMeter(server.pid, url)
            at_rate = _wrk_load(base, clients, args.duration, "record", rate=args.rate)
            at_rate.update(meter.per_request_ms(at_rate["requests"]))
            at_rate["offered_per_second"] = args.rate
        else:
            meter = _CpuMeter(server.pid, url)
            ping = _load(sessions, args.ping_seconds, lambda i, n, rng: ("GET", "/api/ping/", None))
            ping.update(meter.per_request_ms(ping["requests"]))
        start = datetime(2025, 6, 2, 6, 0)

        def record(i, n, rng):
            who = seeded[i % len(seeded)]
            fn = rng.choice(FUNCTIONS)
            at = start + timedelta(minutes=(n * 7 + i) % (60 * 24 * 200))
            return ("POST", "/api/actions/", {
                "officer": rng.choice(who["officers"]), "agreement": who["agreement"], "function": fn,
                "at": at.isoformat(timespec="minutes"), "location": "field" if rng.random() < 0.15 else "lea_facility",
                "subject_ref": f"SYN-{i}-{n}", "criminal_charge": rng.choice(["pending", "convicted", "none"]),
                "charge_level": rng.choice(["felony", "misdemeanor", "infraction", ""]),
                "ice_designated": rng.random() < 0.6, "usc_claim": rng.random() < 0.03,
                "in_lea_custody": rng.random() < 0.93, "external_ref": f"bench-{i}-{n}"})

        if client != "wrk":  # no fixed-rate phase without wrk
            meter = _CpuMeter(server.pid, url)
            capacity = _load(sessions, args.capacity_seconds, record)
            capacity.update(meter.per_request_ms(capacity["requests"]))
            at_rate = None
        for c in sessions:
            c.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    connections.close_all()
    phases = [capacity] + ([at_rate] if at_rate else [])
    created = sum(ph["status_codes"].get("201", 0) for ph in phases)
    stored = _check_stored(created, args.clients * len(phases) if client == "wrk" else 0)
    ok = (at_rate is not None and at_rate["p95_ms"] < 30 and at_rate["per_second"] >= 500
          and all(ph["errors"] == 0 for ph in phases) and stored["match"] and stored["decisions_mismatched"] == 0
          and stored["audit_chain_ok"])
    out = {
        "benchmark": "api_record_actions",
        "database": "postgresql",
        "server": (f"granian (WSGI), {workers} workers × {args.threads} threads, 127.0.0.1" if args.server == "granian"
                   else f"gunicorn, {workers} {'gthread' if args.threads > 1 else 'sync'} workers"
                        f"{f' × {args.threads} threads' if args.threads > 1 else ''}, 127.0.0.1"),
        "cpu_count": os.cpu_count(),
        "client": "wrk (one thread and connection per client)" if client == "wrk" else "httpx in threads",
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "clients": args.clients,
        "duration_s": args.duration,
        "rate_offered_per_second": args.rate if at_rate else None,
        "prepare_s": round(prepare_s, 1),
        "seeded": {"agencies": args.agencies, "officers": args.agencies * args.officers},
        "ping_ceiling": ping,
        "record_capacity": capacity,
        "capacity_share_of_ceiling": round(capacity["per_second"] / ping["per_second"], 3) if ping["per_second"] else None,
        "record_at_rate": at_rate,
        "at_rate_share_of_ceiling": (round(at_rate["per_second"] / ping["per_second"], 3)
                                     if at_rate and ping["per_second"] else None),
        "stored": stored,
        "targets": {"p95_ms_below": 30, "actions_per_second_at_least": 500, "errors": 0, "min_duration_s": 120},
        "meets_targets": ok and args.duration >= 120,
    }
    print(json.dumps(out, indent=2))
    healthy = (all(ph["errors"] == 0 for ph in phases) and stored["match"] and stored["decisions_mismatched"] == 0
               and stored["audit_chain_ok"] and stored["audit_events_of_actions"] == stored["stored_actions"])
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
