"""An import stopped half-way leaves the registry as it was and the next run finishes it; workbooks that claim
cells far outside a list, or unpack too large, are refused by name before any reader allocates for them."""

import zipfile
from datetime import date

import pytest

from g287.registry import services
from g287.registry.importers.ice_sheets import SheetError, read_sheet
from g287.registry.models import Agreement, Publication

from .sheets import PART_HEADER, REAL_SHEETS, part_row, real_sheets, write_sheet

pytestmark = pytest.mark.django_db


def test_a_killed_import_leaves_the_registry_as_it_was_and_the_next_run_repairs_it():
    files = real_sheets()
    first, rest = files[:10], files[10:]
    services.import_ice_sheets(first, progress=False)
    before = services.registry_stats()
    statuses = services.agreement_statuses()
    # The process dies after some files were stored and before the lineage placed them.
    for path in rest[:20]:
        services.store_sheet(read_sheet(path))
    assert Publication.all_objects.filter(placed=False).count() == 20
    assert services.registry_stats() == before  # unplaced lists do not count
    assert services.agreement_statuses() == statuses
    assert not Agreement.objects.filter(status="removed").count() > before["agreements"]["removed"]
    # The next run finds those files unchanged, and still places them.
    report = services.import_ice_sheets(files[:30], progress=False)
    assert len(report.unchanged) == 30 and not report.imported
    assert not Publication.all_objects.filter(placed=False).exists()
    assert services.registry_stats()["publications"] == 30


def test_a_cell_at_the_last_column_and_row_is_refused_unread(tmp_path):
    path = write_sheet(tmp_path, "participatingAgencies08012025am.xlsx", PART_HEADER,
                       [part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2))])
    # Rewrite the worksheet with one more cell at XFD1048576 (the spreadsheet's last cell): 5 KB on disk.
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    bomb = tmp_path / "participatingAgencies08022025am.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(SheetError, match=r"participatingAgencies08022025am.xlsx: a cell at XFD1048576 lies far outside"):
        read_sheet(bomb)
    report = services.import_ice_sheets([bomb, path], progress=False)
    assert [f.status for f in report.files] == ["error", "imported"]


def test_a_workbook_that_unpacks_too_large_is_refused_unread(tmp_path):
    real = next(iter(real_sheets()))
    bomb = tmp_path / "participatingAgencies08032025am.xlsx"
    with zipfile.ZipFile(real) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name))
        zf.writestr("xl/media/padding.bin", b"\0" * (70 * 1024 * 1024))
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(SheetError, match=r"participatingAgencies08032025am.xlsx: the workbook unpacks to \d+ MB"):
        read_sheet(bomb)


def test_a_list_on_a_second_worksheet_is_read_and_noted(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["This list is updated daily"])
    ws = wb.create_sheet("Agencies")
    ws.append(PART_HEADER)
    ws.append(part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2)))
    ws.append(part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2)))
    path = tmp_path / "participatingAgencies08042025am.xlsx"
    wb.save(path)
    sheet = read_sheet(path)
    assert len(sheet.rows) == 2 and "worksheet 'Agencies'" in sheet.note
    assert sheet.rows[1].note == "the same row as row 2 (listed twice)"


def test_a_formula_with_no_saved_value_is_quarantined_with_that_reason(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(PART_HEADER)
    ws.append(part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2)))
    ws.append(["TEXAS", '=CONCAT("Bexar ","County")', "County", "", "Jail Enforcement Model", date(2025, 5, 2), "link"])
    path = tmp_path / "participatingAgencies08052025am.xlsx"
    wb.save(path)  # openpyxl saves formulas without a computed value, as a sheet never recalculated
    sheet = read_sheet(path)
    assert len(sheet.rows) == 1
    assert sheet.quarantined[0].row == 3
    assert "LAW ENFORCEMENT AGENCY: a formula with no value saved" in sheet.quarantined[0].reason
