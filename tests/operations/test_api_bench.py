"""The API benchmark's smoke run (recording through the WSGI server on PostgreSQL, as fast as answered and at a
fixed rate)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_api_bench_quick_run_records_without_errors():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the API benchmark runs on PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    bench_url = f"{url.rsplit('?', 1)[0]}_api_bench"  # beside the caller's own database, never a shared one
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "api_bench.py"), "--quick", "--agencies", "10",
                        "--officers", "5"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env={**os.environ, "API_BENCH_DATABASE_URL": bench_url})
    assert r.returncode == 0, r.stderr[-3000:] + r.stdout[-3000:]
    out = json.loads(r.stdout)
    for phase in (out["record_capacity"], out["record_at_rate"]):
        assert phase["errors"] == 0 and phase["requests"] > 0
        assert phase["status_codes"] == {"201": phase["requests"]}
    assert out["ping_ceiling"]["requests"] > 0
    # at a fixed rate the clients send what was offered, no more (100/s for 10 s here)
    assert 0.8 * 100 <= out["record_at_rate"]["per_second"] <= 1.05 * 100
    assert out["stored"]["match"] and out["stored"]["decisions_mismatched"] == 0
    assert out["stored"]["audit_chain_ok"] and out["stored"]["audit_events_of_actions"] == out["stored"]["stored_actions"]
