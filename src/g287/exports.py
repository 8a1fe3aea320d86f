"""The one writer of CSV and XLSX files: it cannot emit a formula.

Text read from outside (ICE's sheets, what agencies report) may begin like a spreadsheet formula —
``=HYPERLINK("http://…","Click County Sheriff")``, ``=cmd|' /C calc'!A0`` — and a spreadsheet would run it when
the file is opened. Every text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or
their full-width forms) is written with a leading apostrophe, as OWASP advises for CSV injection; a number
written as text (``-12``, ``+3.5``) is left alone. In XLSX every text cell is also stored as text, never as a
formula. Every export goes through here (a test holds the code base to it).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRIGGER_RE = "^[" + re.escape(TRIGGERS) + "]"


def safe_text(value: str) -> str:
    """``value`` as it may stand in a spreadsheet cell: a leading apostrophe when it could start a formula."""
    if value and value[0] in TRIGGERS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_cell(value):
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` made safe (``safe_text``), computed by Polars on whole columns."""
    text = [c for c, t in frame.schema.items() if t == pl.Utf8]
    if not text:
        return frame
    return frame.with_columns([
        pl.when(pl.col(c).str.contains(_TRIGGER_RE) & ~pl.col(c).str.contains(f"^{_NUMBER.pattern}$"))
        .then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text])


def write_csv_frame(frame: pl.DataFrame, path: Path) -> None:
    safe_frame(frame).write_csv(path)


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV document (UTF-8 text, ``\\r\\n`` line ends as RFC 4180) of ``header`` and ``rows``, made safe."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


class XlsxBook:
    """A write-only XLSX workbook whose text cells are text, never formulas."""

    def __init__(self):
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)

    def sheet(self, title: str):
        return _Sheet(self.book.create_sheet(title[:31]))

    def save(self, path: Path) -> None:
        self.book.save(path)


class _Sheet:
    def __init__(self, ws):
        self.ws = ws

    def append(self, values: Sequence) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        row = []
        for v in values:
            if isinstance(v, str):  # control characters XLSX cannot hold become U+FFFD
                cell = WriteOnlyCell(self.ws, value=safe_text(ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)))
                cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula; this one is text
                row.append(cell)
            else:
                row.append(v)
        self.ws.append(row)
