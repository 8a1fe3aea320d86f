"""The one CSV/XLSX writer cannot emit a formula (issue "Hardening", point 3), and nothing else writes such files."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from g287 import exports

HOSTILE = ['=HYPERLINK("http://evil.example","Click County Sheriff")', "=cmd|' /C calc'!A0", "+1+2", "-2+3",
           "@SUM(A1)", "\t=1", "\r=1", "\uff1d1+1"]


def test_hostile_text_gets_an_apostrophe_and_numbers_do_not():
    for v in HOSTILE:
        assert exports.safe_text(v) == "'" + v
    for v in ("-12", "+3.5", "1e5", "Colbert County Sheriff", "", "a=b", "-"):
        assert exports.safe_text(v) == (v if v != "-" else "'-")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_the_frame_writer_agrees_with_the_cell_writer(value):
    frame = exports.safe_frame(pl.DataFrame({"c": [value]}, schema={"c": pl.Utf8}))
    assert frame["c"][0] == exports.safe_text(value)


def test_csv_and_xlsx_carry_no_formula(tmp_path: Path):
    frame = pl.DataFrame({"name": HOSTILE, "n": list(range(len(HOSTILE)))})
    exports.write_csv_frame(frame, tmp_path / "t.csv")
    rows = list(csv.DictReader((tmp_path / "t.csv").open(newline="", encoding="utf-8")))
    assert all(r["name"].startswith("'") for r in rows) and [int(r["n"]) for r in rows] == list(range(len(HOSTILE)))
    text = exports.csv_text(["name"], [[v] for v in HOSTILE] + [[5], ["x\x01y"]])
    assert all(r[0].startswith("'") for r in list(csv.reader(io.StringIO(text)))[1:-2])
    book = exports.XlsxBook()
    ws = book.sheet("a-sheet-name-longer-than-thirty-one-characters")
    for v in HOSTILE + ["bell\x07"]:
        ws.append([v, 1])
    book.save(tmp_path / "t.xlsx")
    cells = [row[0] for row in load_workbook(tmp_path / "t.xlsx").worksheets[0].iter_rows()]
    assert all(c.data_type == "s" for c in cells)
    # (XML reads a carriage return as a line feed)
    assert [c.value for c in cells[:-1]] == ["'" + v.replace("\r", "\n") for v in HOSTILE] and cells[-1].value == "bell\ufffd"


@pytest.mark.django_db
def test_open_data_from_a_hostile_ice_cell_is_inert(tmp_path: Path):
    from g287.reports.opendata import export_open_data
    from tests.personnel import factories as f

    ag = f.agency("hostile-so", state="AL")
    ag.name = HOSTILE[0]
    ag.save(update_fields=["name"])
    f.agreement(ag)
    export_open_data(tmp_path, date(2025, 6, 1), progress=False)
    rows = list(csv.DictReader((tmp_path / "agencies.csv").open(newline="", encoding="utf-8")))
    names = [r["name"] for r in rows if "HYPERLINK" in r.get("name", "")]
    assert names == ["'" + HOSTILE[0]]
    book = load_workbook(tmp_path / "open-data.xlsx")
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" and c.value.startswith("'") for c in found)


def test_no_other_module_writes_csv_or_xlsx():
    src = Path(exports.__file__).parent
    pattern = re.compile(r"csv\.writer|csv\.DictWriter|\.write_csv\(|\.write_excel\(|Workbook\(|xlsxwriter")
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if p.name != "exports.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
