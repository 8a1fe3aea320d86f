"""The changes of the newest shipped participating list, checked against a diff of its two spreadsheets computed
here independently: read with openpyxl (the importer reads with calamine), rows compared as text."""

import hashlib
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from openpyxl import load_workbook

from g287.changes.models import Change
from g287.registry.lineage import ordered_publications
from g287.registry.services import import_ice_sheets

pytestmark = pytest.mark.django_db
APPEAR = {"added", "returned", "renewal", "model_switch"}


def _model(text: str) -> str:
    t = text.upper()
    return "JEM" if "JAIL" in t else "WSO" if "WARRANT" in t else "TFM" if "TASK" in t else t


def _name(text) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def _day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def read_list(path: Path) -> dict[tuple, str]:
    """{(name, model, signed): MOA link} of a participating list, straight from the cells."""
    ws = load_workbook(path).worksheets[0]
    rows = ws.iter_rows()
    header = [_name(c.value or "") for c in next(rows)]
    col = {h: i for i, h in enumerate(header)}
    out = {}
    for cells in rows:
        name = cells[col["law enforcement agency"]].value
        if not name or not str(name).strip():
            continue
        key = (_name(name), _model(str(cells[col["support type"]].value or "")), _day(cells[col["signed"]].value))
        link = cells[col["moa"]].hyperlink
        out.setdefault(key, (link.target or "").strip() if link else "")
    return out


def _link(url: str) -> str:
    """The document address, out of a mail filter's redirect, without its scheme."""
    parts = urlsplit(url)
    if "safelinks" in parts.netloc:
        url = parse_qs(parts.query)["url"][0]
    return url.lower().split("://")[-1].rstrip("/")


def _files_by_sha(folder: Path) -> dict[str, Path]:
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in folder.rglob("*.xlsx")}


def check_newest(django_capture_on_commit_callbacks, folders: list[Path]):
    with django_capture_on_commit_callbacks(execute=True):
        import_ice_sheets(folders, progress=False)
    part = [p for p in ordered_publications() if p.kind == "participating"]
    newest, previous = part[-1], part[-2]
    files = {}
    for f in folders:
        files.update(_files_by_sha(f))
    new, old = read_list(files[newest.sha256]), read_list(files[previous.sha256])
    added, removed = set(new) - set(old), set(old) - set(new)
    relinked = {k for k in set(new) & set(old) if new[k] and _link(new[k]) != _link(old[k])}

    changes = list(Change.objects.filter(publication=newest))
    assert {c.previous_id for c in changes} <= {previous.pk}
    explained_added, explained_removed = set(), set()
    switched_agencies = set()
    for c in sorted(changes, key=lambda c: c.kind == "moa_link"):  # links last: a rename can carry one
        key = (_name(c.agency_name), c.model, c.signed)
        if c.kind in APPEAR:
            assert key in added, (c.kind, key)
            explained_added.add(key)
            if c.kind in ("renewal", "model_switch"):
                switched_agencies.add(_name(c.agency_name))
        elif c.kind == "removed":
            assert key in removed, key
            explained_removed.add(key)
        elif c.kind == "renamed":
            assert key in added and (_name(c.before), c.model, c.signed) in removed, key
            explained_added.add(key)
            explained_removed.add((_name(c.before), c.model, c.signed))
            if new[key] and _link(new[key]) != _link(old[(_name(c.before), c.model, c.signed)]):
                relinked.add(key)  # renamed and its link posted or changed in the same list
        elif c.kind == "redated":
            old_key = (_name(c.agency_name), c.model, date.fromisoformat(c.before))
            assert key in added and old_key in removed, key
            explained_added.add(key)
            explained_removed.add(old_key)
            if new[key] and _link(new[key]) != _link(old[old_key]):
                relinked.add(key)
        elif c.kind == "moa_link":
            assert key in relinked, key
    # Every row the lists differ by is one change, and nothing else is.
    assert explained_added == added
    leftover = removed - explained_removed
    assert all(name in switched_agencies for name, _m, _s in leftover), leftover  # replaced by a renewal or switch
    assert {(_name(c.agency_name), c.model, c.signed) for c in changes if c.kind == "moa_link"} == relinked
    return newest, changes


def test_the_newest_shipped_list_against_its_own_diff(django_capture_on_commit_callbacks):
    newest, changes = check_newest(django_capture_on_commit_callbacks, [Path(settings.DATA_DIR) / "ice-sheets"])
    assert changes  # the newest capture does change something


@pytest.mark.slow
def test_the_newest_list_of_the_whole_shipped_history(django_capture_on_commit_callbacks):
    check_newest(django_capture_on_commit_callbacks,
                 [Path(settings.DATA_DIR) / "ice-sheets", Path(settings.DATA_DIR) / "ice-history"])
