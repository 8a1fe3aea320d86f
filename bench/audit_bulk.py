"""The bulk auditor against the per-action path, over generated actions on SQLite and on PostgreSQL.

``bulk_audit()`` is a section of ``bench/policy_bench.py``. For each database it runs, each in its own process
(so settings and peak memory are measured apart):

1. ``generate``: a fresh database, migrated, filled by ``bench/generate.py`` (synthetic, seeded);
2. ``audit``: ``redecide_actions()`` over every action, reading the rows out of the database included (timed, peak
   memory = the process's maximum resident set), then the per-action path (``operations.services.redecide``:
   facts gathered from the database for each action, then ``evaluate``) over a random sample, and the two
   compared action by action on that sample; the bulk pass is also compared with every stored decision.

Environment: ``G287_BENCH_ACTIONS`` (default 1,000,000), ``G287_BENCH_SAMPLE`` (default 20,000),
``G287_BENCH_PG_URL`` (default postgresql://postgres@127.0.0.1:5432/g287_bench; the database is created and
dropped), ``G287_BENCH_DATABASES`` (default "sqlite,postgresql").
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("G287_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/g287_bench")


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    import django

    django.setup()


def worker_generate(actions: int) -> dict:
    _setup()
    from django.core.management import call_command

    from bench.generate import Sizes, generate

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0
    officers = max(2000, actions // 250)
    g = generate(Sizes(agencies=max(40, officers // 50), officers=officers, actions=actions, seed=287))
    return {"migrate_s": round(migrate_s, 2), **{k: v for k, v in g.__dict__.items()}}


def worker_audit(sample: int) -> dict:
    _setup()
    from django.db import connection

    from g287.redecide.run import redecide_actions
    from g287.redecide.bulk import codes_of
    from g287.operations.models import Action
    from g287.operations.services import redecide

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    t0 = time.perf_counter()
    result = redecide_actions()
    bulk_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    masks = dict(result.decided.select("id", "mask").iter_rows())
    ids = sorted(masks)
    chosen = sorted(random.Random(287).sample(ids, min(sample, len(ids))))
    rows = {a.pk: a for a in Action.objects.filter(pk__in=chosen)} if len(chosen) <= 30_000 else \
        {a.pk: a for a in Action.objects.all().iterator() if a.pk in set(chosen)}
    t1 = time.perf_counter()
    decisions = {pk: redecide(rows[pk]) for pk in chosen}
    per_action_s = time.perf_counter() - t1
    mismatches = [pk for pk in chosen if decisions[pk].codes != codes_of(masks[pk])]
    bulk_tp = result.actions / bulk_s
    per_tp = len(chosen) / per_action_s
    return {
        "vendor": connection.vendor,
        "actions": result.actions,
        "denied": result.denied,
        "bulk_seconds": round(bulk_s, 3),
        "bulk_phases": result.seconds,
        "bulk_actions_per_s": round(bulk_tp),
        "peak_memory_mb": round(peak_mb),
        "per_action_sample": len(chosen),
        "per_action_seconds": round(per_action_s, 2),
        "per_action_actions_per_s": round(per_tp),
        "throughput_ratio": round(bulk_tp / per_tp, 1),
        "sample_mismatches": len(mismatches),
        "stored_decisions_differing": result.changed,
        "identical": not mismatches and result.changed == 0,
        "under_5_s": bulk_s < 5,
        "under_2_gb": peak_mb < 2048,
    }


def _run(mode: str, arg: int, env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, mode, str(arg)], env=env, capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_admin(sql: str) -> str | None:
    import psycopg

    base, _, name = PG_URL.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as c:
            c.execute(sql.format(name=name))
    except psycopg.Error as e:
        return str(e).strip()
    return None


def bulk_audit() -> dict:
    actions = int(os.environ.get("G287_BENCH_ACTIONS", 1_000_000))
    sample = int(os.environ.get("G287_BENCH_SAMPLE", 20_000))
    wanted = os.environ.get("G287_BENCH_DATABASES", "sqlite,postgresql").split(",")
    report: dict = {"actions": actions, "sample": sample}
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "G287_VAR_DIR")}
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory(prefix="g287-bench-") as tmp:
            env = {**base_env, "G287_VAR_DIR": tmp}
            gen = _run("generate", actions, env)
            report["sqlite"] = {"generate": gen, **_run("audit", sample, env)}
    if "postgresql" in wanted:
        err = _pg_admin('DROP DATABASE IF EXISTS "{name}"') or _pg_admin('CREATE DATABASE "{name}"')
        if err:
            report["postgresql"] = {"skipped": f"PostgreSQL not available at {PG_URL}: {err}"}
        else:
            try:
                env = {**base_env, "DATABASE_URL": PG_URL}
                gen = _run("generate", actions, env)
                report["postgresql"] = {"generate": gen, **_run("audit", sample, env)}
            finally:
                _pg_admin('DROP DATABASE IF EXISTS "{name}"')
    return {"bulk_audit": report}


if __name__ == "__main__":
    mode, arg = sys.argv[1], int(sys.argv[2])
    fn = {"generate": worker_generate, "audit": worker_audit}[mode]
    print(json.dumps(fn(arg), default=str))
