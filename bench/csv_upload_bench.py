"""CSV batch benchmark: 10,000 rows checked and recorded (``operations.uploads.import_actions``); prints JSON.

A fresh database — the embedded SQLite one in a temporary folder, or PostgreSQL with ``--database-url`` (the
database is dropped and created again) —, one synthetic agency (key ``synthetic-csv-bench``) with a JEM 2025
agreement, 50 trained and authorized officers and its coordinator, then a 10,000-row file of varied actions
(some denied, some flagged for review), uploaded once (every row recorded) and again (every row already
recorded). Reported: seconds for checking and for recording, rows per second, transactions (batches), the
audit chain verified afterwards, and the load average (the machine is shared: figures are pessimistic then).

Target (issue 11, point 5): 10,000 rows recorded in at most 5 s.

Usage: ``python bench/csv_upload_bench.py [--rows 10000] [--database-url postgresql://…/g287_csv_bench]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_SECONDS = 5.0
FUNCTIONS = ["interview", "screen", "process", "issue_detainer", "prepare_i213", "serve_arrest_warrant",
             "warrantless_arrest", "detain_transport"]


def _recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_csv(rows: int, officers: list[str], seed: int = 287) -> str:
    rng = random.Random(seed)
    lines = ["external_ref,officer,agreement,function,date,time,location,subject_ref,in_lea_custody,"
             "criminal_charge,charge_level,ice_designated"]
    for i in range(rows):
        day = date(2025, 4 + i % 6, 1 + i % 28)
        lines.append(",".join([
            f"B-{i:06d}", rng.choice(officers), "JEM", rng.choice(FUNCTIONS), day.isoformat(),
            f"{8 + i % 10:02d}:{i % 60:02d}", rng.choice(["lea_facility"] * 9 + ["field"]), f"BK-{i:06d}",
            rng.choice(["yes"] * 9 + ["no"]), rng.choice(["pending", "convicted", "none"]),
            rng.choice(["felony", "misdemeanor", ""]), rng.choice(["no", "yes"])]))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--database-url", default=None, help="PostgreSQL URL of a database to drop and create")
    args = p.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    tmp = tempfile.TemporaryDirectory(prefix="g287-csv-bench-")
    os.environ["G287_VAR_DIR"] = tmp.name
    os.environ["G287_LOG_LEVEL"] = "ERROR"
    if args.database_url:
        _recreate(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    sys.path.insert(0, str(root / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from g287.accounts.models import Role, User
    from g287.audit.services import verify
    from g287.operations import uploads
    from g287.personnel import services as ps
    from g287.registry.models import Agency, Agreement

    ag = Agency.objects.create(key="synthetic-csv-bench", name="SYNTHETIC CSV bench agency", state="TX",
                               ice_type="County")
    m = Agreement.objects.create(key="synthetic-csv-bench:JEM", agency=ag, model="JEM", template_version="2025",
                                 template_inferred=False, signed=date(2025, 2, 3))
    refs = []
    for k in range(50):
        o = ps.nominate_officer(None, ag, f"SYN-CSV-{k:02d}", background_check="approved", lea_experience_years=3)
        ps.record_training(None, o, course="basic", model="JEM", completed=date(2025, 3, 1), exams=[88])
        if k % 10:
            ps.grant_authorization(None, o, m, date(2025, 3, 10))
        refs.append(o.reference)
    coord = User.objects.create_user("bench-csv-coord", password="bench-csv-password-287", role=Role.LEA_COORDINATOR,
                                     agency=ag)
    text = make_csv(args.rows, refs)
    phases = {}

    def progress(phase, done, total):
        phases.setdefault(phase, time.perf_counter())

    t0 = time.perf_counter()
    rows, digest = uploads.check(coord, ag, text, "bench.csv", progress)
    t1 = time.perf_counter()
    result = uploads.record_rows(coord, ag, rows, "bench.csv", digest, progress)
    t2 = time.perf_counter()
    again = uploads.import_actions(coord, ag, text, "bench.csv")
    t3 = time.perf_counter()
    chain = verify()
    load = os.getloadavg()
    out = {
        "benchmark": "csv_upload", "database": connection.vendor, "rows": args.rows,
        "check_seconds": round(t1 - t0, 3), "record_seconds": round(t2 - t1, 3),
        "total_seconds": round(t2 - t0, 3), "rows_per_second": round(args.rows / (t2 - t0)),
        "created": result.created, "denied": result.denied, "batches": result.batches,
        "batch_rows": uploads.BATCH_ROWS, "again_seconds": round(t3 - t2, 3), "again_unchanged": again.unchanged,
        "audit_chain_ok": chain.ok, "audit_events": chain.checked,
        "target_seconds": TARGET_SECONDS, "target_met": (t2 - t0) <= TARGET_SECONDS,
        "load_average": [round(x, 2) for x in load], "cpus": os.cpu_count(),
    }
    print(json.dumps(out, indent=2))
    if args.database_url:
        connection.close()
        _drop = args.database_url
        import psycopg

        with psycopg.connect(_drop.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_drop.rsplit("/", 1)[1]}" WITH (FORCE)')
    return 0 if out["target_met"] and chain.ok and result.created == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
