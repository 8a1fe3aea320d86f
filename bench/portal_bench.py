"""Portal benchmark: the real registry and years of generated activity on PostgreSQL, the portal served by
gunicorn on 127.0.0.1 and read by 20 concurrent clients; then the annual report. Prints JSON.

Steps: a fresh database (``--reuse`` keeps one already built), ``g287 migrate`` and ``g287 setup`` (the real ICE
lists), ``bench/generate.py`` (officers, trainings and actions on the real agreements, from their signing dates to
mid-2026), oversight records through the services (inspections and complaints with their notices), then the
load: a bounded number of requests, bounded in time, from a thread pool of keep-alive clients.

Usage: ``python bench/portal_bench.py [--actions 400000] [--clients 20] [--requests 4000] [--reuse]``
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/g287_portal_bench"


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


def _oversight(seed: int, say) -> dict:
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
        span = max((min(today, date(2026, 6, 30)) - signed).days, 1)
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


def _get(conn: http.client.HTTPConnection, path: str, lang: str) -> tuple[int, float, int]:
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"django_language={lang}", "Accept-Language": lang})
    r = conn.getresponse()
    body = r.read()
    return r.status, (time.perf_counter() - t0) * 1000, len(body)


def _load(port: int, urls: list[tuple[str, str]], clients: int, requests: int, seconds: float) -> dict:
    """``clients`` threads, each with its own keep-alive connection, share ``requests`` requests (bounded in
    count and in time), round-robin over the URLs."""
    results: list[tuple[str, str, int, float]] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path, lang = urls[(i + k) % len(urls)]
            try:
                status, ms, _n = _get(conn, path, lang)
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, ms = 0, 0.0
            mine.append((path, lang, status, ms))
        conn.close()
        with lock:
            results.extend(mine)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - t0

    def pct(values, p):
        values = sorted(values)
        return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1) if values else None

    per_url = {}
    for path in sorted({p for p, *_ in results}):
        lat = [ms for p, _l, s, ms in results if p == path and s == 200]
        per_url[path] = {"requests": len([1 for p, *_ in results if p == path]), "p50_ms": pct(lat, 50),
                         "p95_ms": pct(lat, 95), "max_ms": round(max(lat), 1) if lat else None}
    ok = [ms for *_x, s, ms in results if s == 200]
    return {"clients": clients, "requests": len(results), "errors": len(results) - len(ok),
            "seconds": round(wall, 2), "requests_per_second": round(len(results) / wall, 1),
            "p50_ms": pct(ok, 50), "p95_ms": pct(ok, 95), "p99_ms": pct(ok, 99),
            "mean_ms": round(statistics.fmean(ok), 1) if ok else None, "per_url": per_url}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--actions", type=int, default=400_000)
    p.add_argument("--officers", type=int, default=8_000)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=4_000)
    p.add_argument("--seconds", type=float, default=120, help="time bound of the load")
    p.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    p.add_argument("--year", type=int, default=2025, help="the annual report's year")
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
                               str(args.officers), "--actions", str(args.actions)], url))
        out["data"]["generated"] = {k: gen[k] for k in ("agencies", "agreements", "officers", "trainings",
                                                        "authorizations", "actions", "obligations")}
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
        cur.execute("SELECT id FROM registry_agency a WHERE EXISTS (SELECT 1 FROM registry_agreement g "
                    "WHERE g.agency_id = a.id) ORDER BY id LIMIT 20")
        agency_ids = [r[0] for r in cur.fetchall()]
    out["data"].update({"actions": n, "first_action": str(lo), "last_action": str(hi), "ice_publications": pubs})
    connection.close()

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
        paths = ["/portal/", "/portal/trends/", "/portal/measures/"]
        urls = [(pth, lang) for pth in paths for lang in ("en", "es")]
        # Warm every worker's cache: each URL and language until it comes back fast three times in a row.
        t1 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        first = {}
        for pth, lang in urls:
            status, ms, size = _get(conn, pth, lang)
            first[f"{pth} [{lang}]"] = {"status": status, "first_ms": round(ms, 1), "bytes": size}
        warm = _load(port, urls, args.workers * 2, len(urls) * args.workers * 6, 300)
        out["warm_up"] = {"seconds": round(time.perf_counter() - t1, 1), "first_requests": first,
                          "errors": warm["errors"]}
        say("caches warm; measuring")
        out["load"] = _load(port, urls, args.clients, args.requests, args.seconds)
        out["load"]["workers"] = args.workers
        out["load"]["server"] = "gunicorn (sync workers) on 127.0.0.1"
        # The agencies' public pages are the registry's own (uncached) pages: measured apart, for information.
        agency_urls = [(f"/agencies/{a}/", lang) for a in agency_ids for lang in ("en", "es")]
        out["agency_pages"] = _load(port, agency_urls, args.clients, args.requests // 4, args.seconds / 2)
        out["agency_pages"].pop("per_url")
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
    out["targets"] = {"portal_p95_under_100_ms": (out["load"]["p95_ms"] or 1e9) < 100 and not out["load"]["errors"],
                      "annual_report_under_30_s": out["annual_report"]["seconds"] < 30}
    print(json.dumps(out, indent=2))
    if not all(out["targets"].values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
