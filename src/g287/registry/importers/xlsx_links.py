"""Hyperlink targets of an xlsx worksheet, read straight from the zip.

python-calamine does not expose hyperlinks and openpyxl is twenty times slower, so this reads the two small
pieces of OOXML that hold them: the worksheet's ``<hyperlink ref=... r:id=...>`` elements and the worksheet's
relationships file (``xl/worksheets/_rels/sheetN.xml.rels``) that maps each id to its target URL.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\s([^>]*?)/?>")
_ATTR = re.compile(rb'(?:^|\s)([\w:]+)="([^"]*)"')
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _cells(ref: str):
    """Yield (row, col) — 1-based row, 0-based column — for a cell or a range reference like ``G5:H7``."""
    parts = ref.replace("$", "").upper().split(":")
    m1 = _CELL.match(parts[0])
    m2 = _CELL.match(parts[-1])
    if not m1 or not m2:
        return
    r1, r2 = int(m1[2]), int(m2[2])
    c1, c2 = _col_index(m1[1]), _col_index(m2[1])
    for r in range(min(r1, r2), max(r1, r2) + 1):
        for c in range(min(c1, c2), max(c1, c2) + 1):
            yield r, c


def _rels(zf: zipfile.ZipFile, path: str) -> dict[str, str]:
    try:
        data = zf.read(path)
    except KeyError:
        return {}
    root = ET.fromstring(data)
    return {rel.get("Id"): rel.get("Target", "") for rel in root.iter(f"{_REL_NS}Relationship")}


def first_sheet_path(zf: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first worksheet (the one calamine reads as index 0)."""
    wb = zf.read("xl/workbook.xml")
    m = re.search(rb"<(?:\w+:)?sheet\s([^>]*?)/?>", wb)
    rid = None
    if m:
        for name, value in _ATTR.findall(m[1]):
            if name.endswith(b":id") or name == b"id":
                rid = value.decode()
    target = _rels(zf, "xl/_rels/workbook.xml.rels").get(rid or "", "worksheets/sheet1.xml")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def hyperlinks(path) -> dict[tuple[int, int], str]:
    """{(row 1-based, column 0-based): target URL} for the first worksheet's external hyperlinks."""
    with zipfile.ZipFile(path) as zf:
        sheet = first_sheet_path(zf)
        xml = zf.read(sheet)
        start = xml.find(b"<hyperlinks")
        if start < 0:
            start = xml.find(b":hyperlinks")
        if start < 0:
            return {}
        rels = _rels(zf, posixpath.join(posixpath.dirname(sheet), "_rels", posixpath.basename(sheet) + ".rels"))
    links: dict[tuple[int, int], str] = {}
    for m in _HYPERLINK.finditer(xml, start):
        attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(m[1])}
        ref = attrs.get("ref", "")
        rid = next((v for k, v in attrs.items() if k == "id" or (k.endswith(":id") and k != "xr:uid")), None)
        target = rels.get(rid or "")
        if not ref or not target:
            continue  # an internal link (location=...) points into the workbook, not to a document
        for cell in _cells(ref):
            links[cell] = target
    return links
