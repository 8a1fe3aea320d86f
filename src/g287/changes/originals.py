"""The original file of each publication: the shipped copy under data/ or the capture under var/.

The importer records where each file was read from (``Publication.path``). Shipped files (``settings.DATA_DIR``)
and the captures ``g287 fetch ice`` keeps (``settings.VAR_DIR``/captures) are referenced where they are; a file
imported from elsewhere is copied under ``var/originals/``. A file is accepted only when its content hash is the
publication's, and checked again before each download.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from g287.changes.models import StoredOriginal
from g287.registry.models import Publication

CAPTURES = "captures"
ORIGINALS = "originals"


def roots() -> dict[str, Path]:
    return {"data": Path(settings.DATA_DIR), "var": Path(settings.VAR_DIR)}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files_by_name() -> dict[str, list[tuple[str, Path]]]:
    found: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for root, folder in (("data", roots()["data"]), ("var", roots()["var"] / CAPTURES)):
        if not folder.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(".xlsx"):
                    found[name].append((root, Path(dirpath) / name))
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _record_path(path: Path) -> tuple[str, str] | None:
    """(root, relative path) of a file under data/ or var/; None elsewhere."""
    for root, folder in roots().items():
        if _inside(path, folder):
            return root, str(path.resolve().relative_to(folder.resolve()))
    return None


def locate_missing() -> int:
    """Record where the original of every publication without one is kept; returns how many were found.

    The path the importer recorded is tried first: a shipped file (under data/) or a capture (under var/) is
    referenced where it is; a file imported from anywhere else is copied to ``var/originals/<sha256>.xlsx``, so
    the original stays downloadable after the folder it came from is gone. Then the shipped and captured files
    of the same name. Every candidate must have the publication's content hash.
    """
    missing = list(Publication.all_objects.filter(original__isnull=True)
                   .values_list("id", "file_name", "sha256", "path"))
    if not missing:
        return 0
    by_name = None
    new = []
    for pk, name, sha, recorded in missing:
        found = None
        if recorded:
            path = Path(recorded)
            path = path if path.is_absolute() else Path(settings.PROJECT_DIR) / path
            if path.is_file() and _sha256(path) == sha:
                found = _record_path(path)
                if found is None:
                    copy = roots()["var"] / ORIGINALS / f"{sha}.xlsx"
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    if not copy.exists():
                        shutil.copyfile(path, copy)
                    found = ("var", str(copy.relative_to(roots()["var"])))
        if found is None:
            if by_name is None:
                by_name = _files_by_name()
            for root, path in by_name.get(name, ()):
                if _sha256(path) == sha:
                    found = (root, str(path.relative_to(roots()[root])))
                    break
        if found is not None:
            size = (roots()[found[0]] / found[1]).stat().st_size
            new.append(StoredOriginal(publication_id=pk, root=found[0], path=found[1], size=size))
    StoredOriginal.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def open_original(publication: Publication) -> Path | None:
    """The path of the publication's original when it is kept and still has the publication's content."""
    try:
        stored = publication.original
    except StoredOriginal.DoesNotExist:
        return None
    root = roots().get(stored.root)
    if root is None:
        return None
    path = (root / stored.path).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path if _sha256(path) == publication.sha256 else None
