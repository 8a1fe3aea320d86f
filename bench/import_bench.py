"""Import benchmark: all shipped ICE sheets into an empty, migrated SQLite database, then again.

Prints JSON: seconds for the first import (and how much of it was reading the xlsx files — calamine plus the
hyperlink XML — versus writing and lineage), seconds for the re-import, peak memory (max RSS of the process),
and the registry figures. Exits non-zero when a limit is exceeded (first import 5 s, re-import 2 s, 500 MB).

Baselines measured in the same run: reading every sheet's cells with python-calamine alone and with openpyxl
alone (no hyperlinks, no writing), so the import's time can be stated as a ratio of plain reading. The load
average is printed too: the figures mean little on a machine that is busy with other work.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

LIMITS = {"import_seconds": 5.0, "reimport_seconds": 2.0, "peak_memory_mb": 500.0}


def read_all_calamine(files) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for f in files:
        CalamineWorkbook.from_path(str(f)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - t


def read_all_openpyxl(files) -> float:
    import openpyxl

    t = time.perf_counter()
    for f in files:
        wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()
    return time.perf_counter() - t


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    tmp = tempfile.TemporaryDirectory(prefix="g287-import-bench-")
    os.environ["G287_VAR_DIR"] = tmp.name
    os.environ.pop("DATABASE_URL", None)  # the embedded SQLite database in the fresh folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    sys.path.insert(0, str(root / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from g287.registry import services
    from g287.registry.models import Observation

    sheets = Path(settings.DATA_DIR) / "ice-sheets"
    files = services.collect_files([sheets])

    t0 = time.perf_counter()
    first = services.import_ice_sheets([sheets], progress=False)
    import_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    again = services.import_ice_sheets([sheets], progress=False)
    reimport_seconds = time.perf_counter() - t1

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB (before the baselines)
    calamine_seconds = read_all_calamine(files)
    openpyxl_seconds = read_all_openpyxl(files)
    stats = services.registry_stats()
    result = {
        "benchmark": "import_ice_sheets",
        "database": "sqlite (fresh, migrated)",
        "files": len(files),
        "rows": Observation.objects.count(),
        "import_seconds": round(import_seconds, 3),
        "import_read_xlsx_seconds": round(first.read_seconds, 3),
        "import_other_seconds": round(import_seconds - first.read_seconds, 3),
        "reimport_seconds": round(reimport_seconds, 3),
        "peak_memory_mb": round(peak_mb, 1),
        "imported": len(first.imported), "errors": len(first.errors), "reimport_unchanged": len(again.unchanged),
        "registry": stats,
        "baseline_read_calamine_seconds": round(calamine_seconds, 3),
        "baseline_read_openpyxl_seconds": round(openpyxl_seconds, 3),
        "import_vs_calamine_read": round(import_seconds / calamine_seconds, 1),
        "import_vs_openpyxl_read": round(import_seconds / openpyxl_seconds, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "limits": LIMITS,
    }
    result["ok"] = (not first.errors and all(result[k] <= v for k, v in LIMITS.items()))
    print(json.dumps(result, indent=2))
    tmp.cleanup()
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
