"""Import benchmark: all shipped ICE sheets into an empty, migrated SQLite database, then again.

Prints JSON: seconds for the first import (and how much of it was reading the xlsx files — calamine plus the
hyperlink XML — versus writing and lineage), seconds for the re-import, peak memory (max RSS of the process),
and the registry figures. Exits non-zero when a limit is exceeded (first import 5 s, re-import 2 s, 500 MB).
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

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
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
        "limits": LIMITS,
    }
    result["ok"] = (not first.errors and all(result[k] <= v for k, v in LIMITS.items()))
    print(json.dumps(result, indent=2))
    tmp.cleanup()
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
