"""Downloads: the open-data bundle of the Data page, and the CSV of any list page's filtered rows.

The bundle is what ``g287 export open-data`` writes (``g287.reports.opendata``), built into
``var/open-data/<version>/`` and named by ``var/open-data/current.json`` once complete, so a reader never gets a
half-written bundle. It is rebuilt when the registry's version moved (an import, a registry write) or when it is
a day old (the measures move with recorded actions), by the task queue.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from g287 import exports
from g287.pagecache import registry_version
from g287.reports.opendata import export_open_data

BUNDLE_FILES = ("agencies", "agreements", "history", "over_time")
MAX_AGE = timedelta(days=1)


def bundle_root() -> Path:
    return Path(settings.VAR_DIR) / "open-data"


def current_bundle() -> dict | None:
    """The manifest of the newest complete bundle: version, built, as_of, folder and files; None before the first."""
    try:
        manifest = json.loads((bundle_root() / "current.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    folder = bundle_root() / manifest.get("folder", "")
    if not folder.is_dir() or folder.parent != bundle_root():
        return None
    manifest["path"] = folder
    return manifest


def bundle_file(name: str) -> Path | None:
    """A file of the current bundle by name (only the names the manifest lists are served)."""
    bundle = current_bundle()
    if bundle is None or name not in {f["name"] for f in bundle["files"]}:
        return None
    path = bundle["path"] / name
    return path if path.is_file() else None


def is_stale(bundle: dict | None, version: str) -> bool:
    if bundle is None or bundle.get("version") != version:
        return True
    built = timezone.datetime.fromisoformat(bundle["built"])
    return timezone.now() - built > MAX_AGE


def build_bundle(progress: bool = False) -> dict:
    """Write a new bundle with the existing open-data export and make it the current one."""
    version = registry_version()
    now = timezone.now()
    root = bundle_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{now:%Y%m%dT%H%M%S%f}"
    tmp = root / f".{folder.name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    as_of = timezone.localdate()
    d = export_open_data(tmp, as_of, progress=progress)
    tmp.rename(folder)
    files = []
    for path in sorted(folder.iterdir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append({"name": path.name, "size": path.stat().st_size, "sha256": digest})
    manifest = {"version": version, "built": now.isoformat(), "as_of": as_of.isoformat(), "folder": folder.name,
                "files": files, "resources": [{"name": r["name"], "rows": r["rows"]} for r in d["resources"]]}
    staged = root / "current.json.tmp"
    staged.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    staged.replace(root / "current.json")
    for old in root.iterdir():  # earlier bundles: a reader mid-download keeps an open file on POSIX
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def refresh_bundle() -> dict:
    bundle = current_bundle()
    if not is_stale(bundle, registry_version()):
        return {"rebuilt": False, "version": bundle["version"]}
    manifest = build_bundle()
    return {"rebuilt": True, "version": manifest["version"]}


# ---------------------------------------------------------------- CSV of a list page

def csv_response(file_name: str, header: list[str], rows) -> HttpResponse:
    """A list page's filtered rows as CSV, through the one writer that cannot emit a formula (g287.exports)."""
    response = HttpResponse(exports.csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
