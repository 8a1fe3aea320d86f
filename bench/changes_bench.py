"""Changes benchmark: the changes of every shipped ICE publication, and the cost of adding one publication.

Imports every shipped sheet (data/ice-sheets and data/ice-history) except the newest publication into an
empty, migrated SQLite database (setup, not timed), then times:

- ``full_recompute_seconds``: the changes of every publication recomputed from the lineage (``refresh(full=True)``);
- ``command_seconds``: ``g287 registry changes --json`` over the full history (in-process, output discarded);
- ``add_one_publication_seconds``: importing the newest publication (read, store, lineage, changes),
  and ``add_one_changes_seconds``: the part of it this app's receiver took (changes, originals, queueing).

Prints JSON with the load average beside the figures (they mean little on a busy machine) and exits non-zero
when a limit is exceeded (full recompute and command 5 s each; adding one publication 2 s in total). The queue
points to a closed port so no job reaches anyone's Redis.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

LIMITS = {"full_recompute_seconds": 5.0, "command_seconds": 5.0, "add_one_publication_seconds": 2.0}


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    tmp = tempfile.TemporaryDirectory(prefix="g287-changes-bench-")
    os.environ["G287_VAR_DIR"] = tmp.name
    os.environ["G287_REDIS_URL"] = "redis://127.0.0.1:1/0"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    sys.path.insert(0, str(root / "src"))
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("g287.changes.tasks").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0, interactive=False)
    from g287.changes import receivers, services
    from g287.changes.models import Change
    from g287.registry.importers.ice_sheets import describe_name
    from g287.registry.lineage import publication_order_key
    from g287.registry.models import Observation, Publication
    from g287.registry.services import collect_files, import_ice_sheets
    from g287.registry.signals import lineage_updated

    data = root / "data"
    files = collect_files([data / "ice-sheets", data / "ice-history"])

    # The newest publication in the registry's own order (over both lists), so adding it appends to the history
    # and the lineage resumes from its checkpoint, as a daily fetch does.
    dated = []
    for f in files:
        name = describe_name(f)  # what the importer reads from the name: list, ICE's date, edition, capture
        if name is not None and name.kind and name.published is not None:
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
            pub = SimpleNamespace(published=name.published, edition=name.edition, captured=name.captured, sha256=sha)
            dated.append((publication_order_key(pub), f))
    newest = max(dated, key=lambda d: d[0])[1]
    t = time.perf_counter()
    setup = import_ice_sheets([f for f in files if f != newest], progress=False)
    setup_seconds = time.perf_counter() - t

    t = time.perf_counter()
    full = services.refresh(full=True)
    full_seconds = time.perf_counter() - t

    t = time.perf_counter()
    call_command("registry", "changes", "--json", stdout=io.StringIO())
    command_seconds = time.perf_counter() - t

    # Adding one publication: the receiver's share timed by wrapping it.
    spent = []
    lineage_updated.disconnect(dispatch_uid="g287.changes.follow_lineage")

    def timed(sender, **kwargs):
        t0 = time.perf_counter()
        receivers.follow_lineage(sender, **kwargs)
        spent.append(time.perf_counter() - t0)

    lineage_updated.connect(timed, dispatch_uid="bench.timed")
    t = time.perf_counter()
    added = import_ice_sheets([newest], progress=False)
    add_seconds = time.perf_counter() - t

    result = {
        "publications": Publication.objects.count(), "observations": Observation.objects.count(),
        "changes": Change.objects.count(), "files_refused_at_setup": len(setup.errors),
        "setup_import_seconds": round(setup_seconds, 1),
        "full_recompute_seconds": round(full_seconds, 3), "full_recompute": full,
        "command_seconds": round(command_seconds, 3),
        "added_file": newest.name, "added_status": added.files[0].status if added.files else None,
        "add_one_publication_seconds": round(add_seconds, 3),
        "add_one_changes_seconds": round(sum(spent), 3),
        "add_one_lineage_full": added.lineage.get("full"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(), "limits": LIMITS,
    }
    print(json.dumps(result, indent=2))
    over = [k for k, limit in LIMITS.items() if result[k] > limit]
    if over:
        print(f"over the limit: {over}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
