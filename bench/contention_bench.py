"""Writes that never stall the site: prints one JSON object (issue "Hardening", "Must show").

On its own PostgreSQL database (``CONTENTION_BENCH_DATABASE_URL``, default ``g287_contention_bench`` on
127.0.0.1:5432, dropped and created again): ``g287 migrate``, the API benchmark's synthetic agencies, officers and
coordinator logins (``api_bench._seed``), then granian on 127.0.0.1 (cores + 1 workers, 2 threads each).

1. ``write_alone``: one coordinator records single actions (``POST /api/actions/``) at ``--write-rate`` per
   second for ``--seconds``: the latency of a write on a quiet site.
2. ``write_during_upload``: the same while another agency's 20,000-row CSV batch is recorded by a separate
   process (``uploads.import_actions``, as the task queue's worker runs it): bounded transactions, audit events
   appended per batch. Target: p95 of the single write at most 100 ms.
3. ``portal_reads_alone`` and ``portal_reads_under_writes``: ``--readers`` anonymous readers fetch the public
   pages (map, trends, measures, agency pages; English and Spanish) as fast as answered for ``--seconds``, first
   alone, then while actions are recorded at 2 per second. Target: reads per second under writes at least 80 %
   of reads alone (pages are kept per version of the data they show).

Latencies count from when each write was due (a fixed schedule), so a stall counts against the writes it held
back. The load averages before and after are printed: on a shared machine every figure is pessimistic.

Usage: ``python bench/contention_bench.py [--seconds 30] [--upload-rows 20000] [--readers 4]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench as ab  # noqa: E402  (the seeding, sign-in and server helpers)

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/g287_contention_bench"
TARGET_WRITE_P95_MS = 100.0
TARGET_READ_RATIO = 0.8
UPLOAD_SCRIPT = """
import os, sys, time, json, django
django.setup()
from g287.accounts.models import User
from g287.operations import uploads
uploads.background_priority()  # as the task queue's worker does (tasks.record_upload)
user = User.objects.get(username=sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
t0 = time.perf_counter()
result = uploads.import_actions(user, user.agency, text, "contention.csv")
print(json.dumps({"seconds": round(time.perf_counter() - t0, 2), **result.as_dict()}))
"""


def _pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1) if values else None


def _writes(base: str, who: dict, rate: float, stop: threading.Event, tag: str) -> list[tuple[int, float]]:
    """Single actions on a fixed schedule until ``stop``: (status, ms from when each was due)."""
    client = ab._session(base, who["username"])
    out, i, start = [], 0, time.perf_counter()
    day = date(2025, 6, 1)
    while not stop.is_set():
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        body = {"officer": who["officers"][i % len(who["officers"])], "agreement": who["agreement"],
                "function": "interview", "at": f"{day + timedelta(days=i % 150)}T{9 + i % 8:02d}:{i % 60:02d}",
                "external_ref": f"{tag}-{i}"}
        try:
            r = client.post("/api/actions/", json=body)
            status = r.status_code
        except Exception:  # a timeout is an error of the run, counted
            status = 0
        out.append((status, (time.perf_counter() - due) * 1000))
        i += 1
    client.close()
    return out


def _write_stats(rows) -> dict:
    ok = [ms for s, ms in rows if s in (200, 201)]
    return {"writes": len(rows), "errors": len(rows) - len(ok), "p50_ms": _pct(ok, 50), "p95_ms": _pct(ok, 95),
            "p99_ms": _pct(ok, 99), "max_ms": round(max(ok), 1) if ok else None}


def _reads(port: int, paths: list[str], readers: int, seconds: float) -> dict:
    counts, lat, errors = [0] * readers, [[] for _ in range(readers)], [0] * readers
    deadline = time.perf_counter() + seconds

    def reader(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            lang = "es" if (i // len(paths)) % 2 else "en"
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"django_language={lang}", "Accept-Language": lang})
            r = conn.getresponse()
            r.read()
            lat[k].append((time.perf_counter() - t0) * 1000)
            counts[k] += 1
            errors[k] += r.status != 200
            i += 1
        conn.close()

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(readers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    every = [x for ls in lat for x in ls]
    return {"reads": sum(counts), "errors": sum(errors), "reads_per_second": round(sum(counts) / elapsed, 1),
            "p50_ms": _pct(every, 50), "p95_ms": _pct(every, 95)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=30.0, help="seconds of each phase (default 30)")
    p.add_argument("--write-rate", type=float, default=5.0, help="single writes per second in phases 1 and 2")
    p.add_argument("--upload-rows", type=int, default=20_000)
    p.add_argument("--readers", type=int, default=4)
    p.add_argument("--agencies", type=int, default=6)
    p.add_argument("--officers", type=int, default=20)
    args = p.parse_args(argv)
    url = os.environ.get("CONTENTION_BENCH_DATABASE_URL", DEFAULT_DB)
    var_dir = tempfile.mkdtemp(prefix="g287-contention-bench-")
    env = ab._env(url, var_dir)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "G287_VAR_DIR", "G287_LOG_LEVEL")})
    load_before = [round(x, 2) for x in os.getloadavg()]
    ab._recreate(url)
    r = subprocess.run([str(ab.BIN / "g287"), "migrate", "--no-input", "-v", "0"], cwd=ab.ROOT, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("migrate failed")
    seeded = ab._seed(args.agencies, args.officers, 287)
    from django.db import connections

    from g287.registry.models import Agency

    agency_ids = list(Agency.objects.filter(key__startswith="synthetic-api-bench").values_list("pk", flat=True))
    uploader, writer = seeded[1], seeded[2]  # JEM agencies (every fourth is WSO)
    from g287.personnel.models import Officer

    refs = list(Officer.objects.filter(pk__in=uploader["officers"]).values_list("reference", flat=True))
    connections.close_all()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from csv_upload_bench import make_csv

    csv_path = Path(var_dir) / "contention.csv"
    csv_path.write_text(make_csv(args.upload_rows, refs), encoding="utf-8")

    port = ab._free_port()
    base = f"http://127.0.0.1:{port}"
    workers = (os.cpu_count() or 1) + 1
    server = subprocess.Popen([str(ab.BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", str(workers), "--blocking-threads", "2", "--no-ws",
                               "--log-level", "warning", "g287.wsgi:application"], cwd=ab.ROOT, env=env)
    out = {"benchmark": "contention", "database": "postgresql", "server": f"granian {workers}x2",
           "load_average_before": load_before}
    try:
        ab._wait_up(base, server)
        paths = ["/portal/", "/portal/trends/", "/portal/measures/"] + [f"/agencies/{pk}/" for pk in agency_ids]
        for path in paths:  # warm every worker's cache a little
            for _ in range(workers):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("GET", path)
                conn.getresponse().read()
                conn.close()

        def phase_writes(tag: str, during=None) -> dict:
            stop = threading.Event()
            rows: list = []
            t = threading.Thread(target=lambda: rows.extend(_writes(base, writer, args.write_rate, stop, tag)))
            t.start()
            if during is None:
                time.sleep(args.seconds)
                extra = {}
            else:
                extra = during()
            stop.set()
            t.join()
            return _write_stats(rows) | extra

        out["write_alone"] = phase_writes("alone")

        def upload() -> dict:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", UPLOAD_SCRIPT, uploader["username"], str(csv_path)],
                                  cwd=ab.ROOT, env=env, capture_output=True, text=True)
            if proc.returncode:
                return {"upload_error": proc.stderr[-2000:]}
            return {"upload": json.loads(proc.stdout.strip().splitlines()[-1]),
                    "upload_wall_seconds": round(time.perf_counter() - t0, 1)}

        out["write_during_upload"] = phase_writes("upload", upload)
        p95 = out["write_during_upload"]["p95_ms"]
        out["write_target"] = {"p95_ms_at_most": TARGET_WRITE_P95_MS,
                               "met": p95 is not None and p95 <= TARGET_WRITE_P95_MS
                               and out["write_during_upload"]["errors"] == 0}

        out["portal_reads_alone"] = _reads(port, paths, args.readers, args.seconds)
        stop = threading.Event()
        rows: list = []
        t = threading.Thread(target=lambda: rows.extend(_writes(base, writer, 2.0, stop, "portal")))
        t.start()
        out["portal_reads_under_writes"] = _reads(port, paths, args.readers, args.seconds)
        stop.set()
        t.join()
        out["portal_reads_under_writes"]["writes"] = _write_stats(rows)
        ratio = (out["portal_reads_under_writes"]["reads_per_second"]
                 / max(out["portal_reads_alone"]["reads_per_second"], 0.001))
        out["portal_target"] = {"ratio": round(ratio, 3), "ratio_at_least": TARGET_READ_RATIO,
                                "met": ratio >= TARGET_READ_RATIO}
        import django

        django.setup()
        from g287.audit.services import verify

        chain = verify()
        out["audit_chain_ok"], out["audit_events"] = chain.ok, chain.checked
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        connections.close_all()
        out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        out["cpus"] = os.cpu_count()
        print(json.dumps(out, indent=2))
        ab._recreate(url)  # leave an empty database, not 20,000 synthetic rows
    return 0 if out.get("write_target", {}).get("met") and out.get("portal_target", {}).get("met") else 1


if __name__ == "__main__":
    sys.exit(main())
