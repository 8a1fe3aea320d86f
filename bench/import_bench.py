"""Import benchmark: ICE's whole shipped history (data/ice-sheets and data/ice-history, 1,032 files) on SQLite and
on PostgreSQL. Prints JSON; exits non-zero when a target is missed.

Phases, each run as its own ``g287 import ice-sheets`` process so wall time and peak memory (max RSS) are the
command's own:

- ``full``: everything into an empty, migrated database (target ≤ 60 s);
- ``reimport``: everything again, unchanged (target ≤ 5 s);
- ``add_one``: into a registry holding everything but ICE's newest lists, those newest lists (the participating
  and the pending list of the same day: one publication each; target ≤ 2 s) — the fold resumes from its checkpoint.

Peak memory target ≤ 1 GB in every phase. Beside each phase, the same-run baseline: reading the same files' cells
with python-calamine alone, in its own process. The load average is printed with the figures: they mean little on
a machine busy with other work.

Usage: ``python bench/import_bench.py [--backends sqlite,postgresql]`` (``IMPORT_BENCH_DATABASE_URL`` names the
PostgreSQL server database to create afresh; default ``postgresql://postgres@127.0.0.1:5432/g287_import_bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = ROOT / "data"
TARGETS = {"full_seconds": 60.0, "reimport_seconds": 5.0, "add_one_seconds": 2.0, "peak_memory_mb": 1024.0}
NEWEST = ("participatingAgencies01092025pm.xlsx", "pendingAgencies01092025pm.xlsx")
PG_URL = os.environ.get("IMPORT_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/g287_import_bench")

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
for f in sys.argv[1:]:
    CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()
"""


def run(cmd: list[str], env: dict) -> dict:
    """Run a child and read its own peak memory from its rusage."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))} failed ({code}):\n{err[-2000:]}")
    lines = out.strip().splitlines()
    return {"seconds": round(seconds, 2), "peak_memory_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "summary": lines[-1] if lines else ""}


def fresh(backend: str, tmp: Path) -> dict:
    env = dict(os.environ, G287_VAR_DIR=str(tmp))
    env.pop("DATABASE_URL", None)
    if backend == "postgresql":
        import psycopg

        base, name = PG_URL.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_URL
    else:
        for f in tmp.glob("g287.sqlite3*"):
            f.unlink()
    subprocess.run([str(BIN / "g287"), "migrate", "--no-input", "-v0"], env=env, check=True)
    return env


def bench(backend: str) -> dict:
    files = [str(f) for f in sorted((DATA / "ice-sheets").rglob("*.xlsx")) + sorted((DATA / "ice-history").rglob("*.xlsx"))]
    earlier = [f for f in files if Path(f).name not in NEWEST]
    newest = [f for f in files if Path(f).name in NEWEST]
    imp = [str(BIN / "g287"), "import", "ice-sheets", "--no-progress"]
    calamine = [str(BIN / "python"), "-c", CALAMINE]
    with tempfile.TemporaryDirectory(prefix="g287-import-bench-") as tmp:
        env = fresh(backend, Path(tmp))
        full = run(imp + files, env)
        full["calamine_seconds"] = run(calamine + files, env)["seconds"]
        reimport = run(imp + files, env)
        reimport["calamine_seconds"] = full["calamine_seconds"]
        env = fresh(backend, Path(tmp))
        run(imp + earlier, env)
        add_one = run(imp + newest, env)
        add_one["calamine_seconds"] = run(calamine + newest, env)["seconds"]
    for phase in (full, reimport, add_one):
        phase["ratio_to_calamine"] = round(phase["seconds"] / phase["calamine_seconds"], 2) if phase["calamine_seconds"] else None
    return {"full": full, "reimport": reimport, "add_one": add_one,
            "met": {"full_seconds": full["seconds"] <= TARGETS["full_seconds"],
                    "reimport_seconds": reimport["seconds"] <= TARGETS["reimport_seconds"],
                    "add_one_seconds": add_one["seconds"] <= TARGETS["add_one_seconds"],
                    "peak_memory_mb": max(p["peak_memory_mb"] for p in (full, reimport, add_one))
                    <= TARGETS["peak_memory_mb"]}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    # The product as installed (``make install``): its modules compiled, not compiled again by every command.
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    result = {"targets": TARGETS, "files": 1032, "load_average_before": os.getloadavg()}
    for backend in args.backends.split(","):
        result[backend] = bench(backend)
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0 if all(all(result[b]["met"].values()) for b in args.backends.split(",")) else 1


if __name__ == "__main__":
    sys.exit(main())
