"""Hand-made ICE sheets for the tests (openpyxl writes them; the importer reads them with calamine)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

REAL_SHEETS = Path(settings.DATA_DIR) / "ice-sheets"
PART_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
PEND_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"]


def real_sheets() -> list[Path]:
    return sorted(REAL_SHEETS.rglob("*.xlsx"))


def write_sheet(folder: Path, name: str, header: list[str], rows: list[list], links: dict | None = None,
                blank_rows_after: tuple[int, ...] = ()) -> Path:
    """Write an xlsx. links: {(data row index, column name): url} become cell hyperlinks."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for i, row in enumerate(rows):
        ws.append(row)
        if i in blank_rows_after:
            ws.append([])
    for (i, col), url in (links or {}).items():
        skipped = sum(1 for b in blank_rows_after if b < i)
        ws.cell(row=i + 2 + skipped, column=header.index(col) + 1).hyperlink = url
    path = folder / name
    wb.save(path)
    return path


def part_row(state, name, model, signed: date, type_="County", county="", moa="link"):
    return [state, name, type_, county, model, signed, moa]
