"""Portal benchmark: the real registry and ten years of generated activity on PostgreSQL, the portal served by
gunicorn on 127.0.0.1 and read by 20 concurrent clients; then the annual report. Prints JSON.

Steps: a fresh database (``--reuse`` keeps one already built), ``g287 migrate`` and ``g287 setup`` (the real ICE
lists), ``bench/generate.py --since … --until …`` (officers, trainings and actions on the real agreements from their
signing dates, and on SYNTHETIC earlier agreements of a share of the real agencies from ``--since``: the legacy 2016
template, then the 2019/2020 templates), oversight records through the services (inspections and complaints with
their notices, from each agency's first signing date), then the load: a bounded number of requests, bounded in
time, from a thread pool of keep-alive clients, over five page groups (the map, the trend, the measures, agency
pages, agreement pages) in English and Spanish. Every page group in each language has the target p95 < 100 ms.

The pages are measured warm (each worker has the page in its cache, as for any page read more than once per data
version); the first reading of agency pages after a data change is measured apart (``first_readings``), for
information.

Usage: ``python bench/portal_bench.py [--actions 400000] [--clients 20] [--requests 6000] [--reuse]``
(``PORTAL_BENCH_DATABASE_URL`` selects the database; default ``g287_portal_bench`` on 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/g287_portal_bench"
# Ten years of activity, ending before the day the benchmark runs.
SINCE, UNTIL = date(2016, 11, 1), date(2026, 10, 31)
TARGET_MS = 100
GROUPS = ["portal", "trends", "measures", "agency", "agreement"]


def _env(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="g287.settings")
    env.pop("G287_DEBUG", None)
    return env


def _run(cmd: list[str], url: str, quiet: bool = True) -> str:
    r = subprocess.run(cmd, cwd=ROOT, env=_env(url), capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return r.stdout


def _recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _populated(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT COUNT(*) FROM operations_action").fetchone()[0] > 0
    except psycopg.Error:
        return False


def _oversight(seed: int, say, until: date = UNTIL) -> dict:
    """Inspections (roughly every two years, some late or missed) and complaints (some told to ICE late, some
    never) for every agency with an agreement, through the oversight services, from each signing date on."""
    from django.utils import timezone

    from g287.oversight.services.complaints import notify_ice, receive_complaint
    from g287.oversight.services.inspections import record_inspection
    from g287.registry.models import Agreement

    rng = random.Random(seed)
    today = timezone.localdate()
    first: dict[int, tuple] = {}
    for ag in Agreement.objects.select_related("agency").exclude(signed=None).order_by("signed"):
        first.setdefault(ag.agency_id, (ag.agency, ag.signed))
    inspections = complaints = 0
    for agency, signed in first.values():
        day = signed + timedelta(days=rng.randint(200, 800))
        while day <= today and rng.random() < 0.9:
            record_inspection(None, agency, "inspection", day, summary="SYNTHETIC")
            inspections += 1
            day += timedelta(days=rng.randint(600, 900))
        n = rng.choices([0, 1, 2, 4, 8], [40, 25, 15, 12, 8])[0]
        span = max((min(today, until) - signed).days, 1)
        for _ in range(n):
            got = datetime.combine(signed + timedelta(days=rng.randrange(span)), datetime.min.time()) + timedelta(
                hours=rng.randint(7, 19), minutes=rng.randrange(60))
            if got.date() > today:
                continue
            c = receive_complaint(None, agency, got, summary="SYNTHETIC", synthetic=True)
            complaints += 1
            r = rng.random()
            if r < 0.8:
                told = got + timedelta(hours=rng.randint(1, 40))
            elif r < 0.95:
                told = got + timedelta(hours=rng.randint(60, 200))
            else:
                continue
            if told.date() <= today:
                notify_ice(None, c, told)
    say(f"oversight: {inspections} inspections, {complaints} complaints")
    return {"inspections": inspections, "complaints": complaints}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str, lang: str, jar: dict | None = None) -> tuple[int, float, int]:
    """One request; ``jar`` keeps the cookies the site sets (the CSRF cookie) as a reader's browser does."""
    cookies = {**(jar or {}), "django_language": lang}
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                                       "Accept-Language": lang})
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    if jar is not None:
        for header in r.msg.get_all("Set-Cookie") or []:
            jar.update({k: m.value for k, m in SimpleCookie(header).items() if k != "django_language"})
    return r.status, ms, len(body)


def _pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1) if values else None


def _stats(rows) -> dict:
    ok = [ms for *_x, s, ms in rows if s == 200]
    return {"requests": len(rows), "errors": len(rows) - len(ok), "p50_ms": _pct(ok, 50), "p95_ms": _pct(ok, 95),
            "p99_ms": _pct(ok, 99), "max_ms": round(max(ok), 1) if ok else None,
            "mean_ms": round(statistics.fmean(ok), 1) if ok else None}


def _load(port: int, groups: dict[str, list[tuple[str, str]]], clients: int, requests: int, seconds: float) -> dict:
    """``clients`` threads, each with its own keep-alive connection, share ``requests`` requests (bounded in
    count and in time): request i reads group i mod n (so every group gets the same share), and that group's
    URLs in turn, alternating the languages."""
    names = list(groups)
    results: list[tuple[str, str, str, int, float]] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        jar: dict = {}  # each client is one reader with their own cookies
        mine = []
        while time.perf_counter() < stop:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            group = names[i % len(names)]
            urls = groups[group]
            path, lang = urls[(i // len(names)) % len(urls)]
            try:
                status, ms, _n = _get(conn, path, lang, jar)
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, ms = 0, 0.0
            mine.append((group, path, lang, status, ms))
        conn.close()
        with lock:
            results.extend(mine)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0
    out = {"clients": clients, "seconds": round(wall, 2), "requests_per_second": round(len(results) / wall, 1),
           **_stats([(s, ms) for *_x, s, ms in results]), "groups": {}}
    for group in names:
        mine = [r for r in results if r[0] == group]
        out["groups"][group] = {lang: _stats([(s, ms) for _g, _p, la, s, ms in mine if la == lang])
                                for lang in ("en", "es")}
        out["groups"][group]["urls"] = len(groups[group])
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--actions", type=int, default=400_000)
    p.add_argument("--officers", type=int, default=8_000)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=6_000)
    p.add_argument("--seconds", type=float, default=120, help="time bound of the load")
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    p.add_argument("--year", type=int, default=2025, help="the annual report's year")
    p.add_argument("--pages", type=int, default=60, help="agency pages and agreement pages read (each)")
    p.add_argument("--reuse", action="store_true", help="keep an already generated database")
    args = p.parse_args(argv)
    url = os.environ.get("PORTAL_BENCH_DATABASE_URL", DEFAULT_DB)
    say = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    out: dict = {"database": "postgresql", "data": {}}
    g287 = [str(BIN / "g287")]

    t0 = time.perf_counter()
    if not (args.reuse and _populated(url)):
        _recreate(url)
        _run(g287 + ["migrate", "--no-input"], url)
        _run(g287 + ["setup"], url)
        say("registry imported")
        gen = json.loads(_run([sys.executable, "bench/generate.py", "--agencies", "2000", "--officers",
                               str(args.officers), "--actions", str(args.actions), "--since", SINCE.isoformat(),
                               "--until", UNTIL.isoformat()], url))
        out["data"]["generated"] = {k: gen[k] for k in ("agencies", "agreements", "officers", "trainings",
                                                        "authorizations", "actions", "obligations", "history")}
        say(f"generated {gen['actions']} actions")
        os.environ.update(_env(url))
        import django

        django.setup()
        out["data"]["oversight"] = _oversight(287, say)
    out["data"]["build_seconds"] = round(time.perf_counter() - t0, 1)

    os.environ.update(_env(url))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*), MIN(local_date), MAX(local_date) FROM operations_action")
        n, lo, hi = cur.fetchone()
        cur.execute("SELECT COUNT(*) FROM registry_publication")
        pubs = cur.fetchone()[0]
        span = {"actions": [str(lo), str(hi)]}
        for name, sql in [
            ("agreements_signed", "SELECT MIN(signed), MAX(signed) FROM registry_agreement"),
            ("synthetic_earlier_agreements_signed", "SELECT MIN(signed), MAX(signed) FROM registry_agreement "
                                                    "WHERE key LIKE 'synthetic-history-%%'"),
            ("trainings", "SELECT MIN(completed), MAX(completed) FROM personnel_training"),
            ("inspections", "SELECT MIN(held), MAX(held) FROM oversight_inspection"),
            ("complaints", "SELECT MIN(received)::date, MAX(received)::date FROM oversight_complaint"),
        ]:
            cur.execute(sql)
            span[name] = [str(v) if v else None for v in cur.fetchone()]
        cur.execute("SELECT EXTRACT(YEAR FROM local_date)::int, COUNT(*) FROM operations_action GROUP BY 1 ORDER BY 1")
        span["actions_per_year"] = {str(y): c for y, c in cur.fetchall()}
        # A fixed, spread sample of agencies with agreements (real ones with and without an earlier synthetic
        # history) and of agreements (real and synthetic), and a second sample read only once (first readings).
        cur.execute("SELECT DISTINCT agency_id FROM registry_agreement ORDER BY agency_id")
        agencies = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM registry_agreement ORDER BY id")
        agreements = [r[0] for r in cur.fetchall()]
    days = (hi - lo).days if lo and hi else 0
    span["years"] = round(days / 365.25, 2)
    out["data"].update({"actions": n, "ice_publications": pubs, "activity_span": span})
    connection.close()
    rng = random.Random(287)
    agency_ids = rng.sample(agencies, min(len(agencies), 2 * args.pages))
    agreement_ids = rng.sample(agreements, min(len(agreements), args.pages))
    cold_ids, agency_ids = agency_ids[args.pages:], agency_ids[:args.pages]

    port = _free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "g287.wsgi:application", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}",
                               "--timeout", "120"], cwd=ROOT, env=_env(url), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        langs = ("en", "es")
        groups = {
            "portal": [("/portal/", la) for la in langs],
            "trends": [("/portal/trends/", la) for la in langs],
            "measures": [("/portal/measures/", la) for la in langs],
            "agency": [(f"/agencies/{a}/", la) for a in agency_ids for la in langs],
            "agreement": [(f"/agreements/{a}/", la) for a in agreement_ids for la in langs],
        }
        # Warm every worker's cache: every URL in both languages, several times over per worker.
        t1 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        first = {}
        for group in ("portal", "trends", "measures"):
            for pth, lang in groups[group]:
                status, ms, size = _get(conn, pth, lang)
                first[f"{pth} [{lang}]"] = {"status": status, "first_ms": round(ms, 1), "bytes": size}
        conn.close()
        every = [u for urls in groups.values() for u in urls]
        warm = _load(port, {"all": every}, args.workers * 2, len(every) * args.workers * 6, 600)
        out["warm_up"] = {"seconds": round(time.perf_counter() - t1, 1), "requests": warm["requests"],
                          "first_requests": first, "errors": warm["errors"]}
        say("caches warm; measuring")
        load_before = os.getloadavg()
        out["load"] = _load(port, groups, args.clients, args.requests, args.seconds)
        out["machine"] = {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                          "load_average_after": [round(x, 2) for x in os.getloadavg()],
                          "note": "1, 5 and 15 minute load averages of the whole machine (clients and server "
                                  "share it)"}
        out["load"]["workers"] = args.workers
        out["load"]["server"] = "gunicorn (sync workers) on 127.0.0.1"
        # Agency pages no one has read since the data changed: each read once per language by one of the clients
        # (each worker renders it the first time it gets it), for information.
        cold = {"agency (first reading)": [(f"/agencies/{a}/", la) for a in cold_ids for la in langs]}
        out["first_readings"] = _load(port, cold, args.clients, len(cold_ids) * 2, args.seconds / 2)
        out["first_readings"]["note"] = ("agency pages read once each, not in any worker's cache: the cost after "
                                         "a data change; not part of the target")
    finally:
        server.terminate()
        server.wait(timeout=30)

    with tempfile.TemporaryDirectory() as tmp:
        t2 = time.perf_counter()
        report = _run(g287 + ["report", "annual", "--year", str(args.year), "--out", tmp], url)
        wall = time.perf_counter() - t2
        pdf = Path(tmp) / f"annual-report-{args.year}.pdf"
        out["annual_report"] = {"year": args.year, "seconds": round(wall, 2), "pdf_bytes": pdf.stat().st_size,
                                "stages": report.strip().splitlines()[-1]}
    targets = {}
    for group in GROUPS:
        for lang in ("en", "es"):
            g = out["load"]["groups"][group][lang]
            targets[f"{group} [{lang}] p95 < {TARGET_MS} ms"] = {
                "p95_ms": g["p95_ms"], "errors": g["errors"],
                "pass": g["p95_ms"] is not None and g["p95_ms"] < TARGET_MS and not g["errors"]}
    targets["annual report < 30 s"] = {"seconds": out["annual_report"]["seconds"],
                                       "pass": out["annual_report"]["seconds"] < 30}
    span = out["data"]["activity_span"]
    targets["ten years of activity"] = {"from": span["actions"][0], "to": span["actions"][1], "years": span["years"],
                                        "pass": span["years"] >= 9.9}
    out["targets"] = targets
    out["all_targets_met"] = all(t["pass"] for t in targets.values())
    print(json.dumps(out, indent=2))
    if not out["all_targets_met"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
