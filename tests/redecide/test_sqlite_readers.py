"""On the embedded SQLite database, the bulk reader waits for a writer instead of answering "database is locked",
and cannot write."""

import sqlite3
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from g287.redecide.read import _fetch


def test_reader_waits_for_a_writer_and_writes_nothing(tmp_path):
    path = tmp_path / "g287.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=DELETE")  # the strictest case: a writer's lock blocks readers
    setup.execute("CREATE TABLE t (x INTEGER)")
    setup.execute("INSERT INTO t VALUES (1)")
    setup.commit()
    setup.close()
    conn = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(path)})
    # The writer is another process, as the server or a command would be (locks are per process).
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"w = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "w.execute('BEGIN EXCLUSIVE'); w.execute('INSERT INTO t VALUES (2)')\n"
        "print('holding', flush=True); time.sleep(1.5); w.execute('COMMIT')\n")], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "holding"
    started = time.monotonic()
    frame = _fetch(conn, "SELECT x FROM t ORDER BY x", ["x"], own_connection=True)
    waited = time.monotonic() - started
    assert writer.wait(10) == 0
    assert waited > 0.5 and frame["x"].to_list() == [1, 2]  # it waited for the commit, then read it
    with pytest.raises(Exception, match="readonly|read-only|query_only"):
        _fetch(conn, "INSERT INTO t VALUES (3) RETURNING x", ["x"], own_connection=True)
