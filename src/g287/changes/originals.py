"""The original file of each publication: the shipped copy under data/ or the capture under var/.

The registry's importer keeps each file's name and content hash, not where it was read from. The originals are
found again by name among the shipped sheets (``settings.DATA_DIR``) and the captures ``g287 fetch ice`` keeps
(``settings.VAR_DIR``/captures), and accepted only when the content hash is the publication's. A file imported
from anywhere else has no stored original until a copy with the same content is placed in one of these folders.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from g287.changes.models import StoredOriginal
from g287.registry.models import Publication

CAPTURES = "captures"


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


def locate_missing() -> int:
    """Record where the original of every publication without one is kept; returns how many were found."""
    missing = list(Publication.objects.filter(original__isnull=True).values_list("id", "file_name", "sha256"))
    if not missing:
        return 0
    by_name = _files_by_name()
    base = roots()
    new = []
    for pk, name, sha in missing:
        for root, path in by_name.get(name, ()):
            if _sha256(path) == sha:
                new.append(StoredOriginal(publication_id=pk, root=root, path=str(path.relative_to(base[root])),
                                          size=path.stat().st_size))
                break
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
