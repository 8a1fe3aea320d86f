"""Open data: every table in every format, small counts suppressed below state level (never 0), and no
personal data anywhere."""

import csv
import json
from datetime import date, datetime

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from g287.operations.services import record_action
from g287.registry.models import FieldOffice
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 3, 1)


@pytest.fixture
def activity():
    """One agency with 12 officers (above the threshold) and one with 3 (below), with actions."""
    office = FieldOffice.objects.create(code="nola", name="New Orleans", states=["AL"])
    big, small = f.agency(key="al-big-so", state="AL"), f.agency(key="al-small-pd", state="AL")
    for ag in (big, small):
        ag.field_office = office
        ag.save()
    officers = []
    for ag, n in ((big, 12), (small, 3)):
        agreement = f.agreement(ag, model="WSO", template="2025", signed=date(2025, 1, 21))
        for i in range(n):
            o = f.officer(ag, f"PRIVATE-REF-{ag.key}-{i}", model="WSO", completed=date(2025, 1, 25),
                          authorize=agreement, granted=date(2025, 1, 26))
            officers.append(o)
        record_action(None, officers[-1], agreement, function="serve_arrest_warrant", at=datetime(2025, 2, 3, 9),
                      subject_ref=f"PRIVATE-SUBJECT-{ag.key}", ice_designated=True, criminal_charge="pending",
                      charge_level="felony")
    return big, small, officers


def test_export_writes_every_format_with_suppression(activity, tmp_path):
    big, small, officers = activity
    call_command("export", "open-data", "--out", str(tmp_path), "--as-of", AS_OF.isoformat(), "--no-progress")
    for name in ("agencies", "agreements", "agreement_history", "agreements_over_time", "measures_program",
                 "measures_model", "measures_state", "measures_field_office", "measures_agency"):
        assert (tmp_path / f"{name}.csv").exists() and (tmp_path / f"{name}.parquet").exists(), name

    rows = {int(r["agency_id"]): r for r in csv.DictReader(open(tmp_path / "measures_agency.csv"))}
    assert rows[big.pk]["officers_authorized"] == "12" and rows[big.pk]["officers_authorized_suppressed"] == "false"
    assert rows[small.pk]["officers_authorized"] == "suppressed"
    assert rows[small.pk]["officers_authorized_suppressed"] == "true"
    # A share computed from a withheld count is withheld too; nothing withheld reads as 0.
    assert rows[small.pk]["training_compliance_share"] == "suppressed"
    assert rows[big.pk]["actions"] == "suppressed"  # one action: under ten
    assert all(v != "0" for k, v in rows[small.pk].items() if k.endswith(("authorized", "actions")))

    pq = pl.read_parquet(tmp_path / "measures_agency.parquet").filter(pl.col("agency_id") == small.pk).row(0, named=True)
    assert pq["officers_authorized"] is None and pq["officers_authorized_suppressed"] is True
    big_pq = pl.read_parquet(tmp_path / "measures_agency.parquet").filter(pl.col("agency_id") == big.pk)
    assert big_pq["officers_authorized"].item() == 12

    # The field office (15 officers) shows its total; the state level is never suppressed.
    office = next(csv.DictReader(open(tmp_path / "measures_field_office.csv")))
    assert office["field_office"] == "New Orleans" and office["officers_authorized"] == "15"
    state = next(csv.DictReader(open(tmp_path / "measures_state.csv")))
    assert state["officers_authorized"] == "15" and state["actions"] == "2" and "actions_suppressed" not in state

    wb = load_workbook(tmp_path / "open-data.xlsx", read_only=True)
    sheet = list(wb["measures_agency"].iter_rows(values_only=True))
    header = sheet[0]
    small_row = next(r for r in sheet[1:] if r[0] == str(small.pk) or r[0] == small.pk)
    assert small_row[header.index("officers_authorized")] == "suppressed"
    assert small_row[header.index("officers_authorized_suppressed")] is True

    d = json.loads((tmp_path / "datapackage.json").read_text())
    assert d["suppression"]["threshold"] == 10
    fields = {r["name"]: [x["name"] for x in r["schema"]["fields"]] for r in d["resources"]}
    assert "officers_authorized_suppressed" in fields["measures_agency"]
    assert all(x["description"] for r in d["resources"] for x in r["schema"]["fields"])
    assert "## measures_agency" in (tmp_path / "DATA_DICTIONARY.md").read_text()


def test_no_personal_data_leaks(activity, tmp_path):
    big, small, officers = activity
    call_command("export", "open-data", "--out", str(tmp_path), "--as-of", AS_OF.isoformat(), "--no-progress")
    forbidden_columns = {"reference", "officer", "officer_id", "subject_ref", "subject", "contact", "receipt",
                         "summary", "recorded_by", "us_citizen", "background_check"}
    for path in tmp_path.glob("*.parquet"):
        assert not forbidden_columns & set(pl.read_parquet(path).columns), path.name
    blob = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    blob += (tmp_path / "datapackage.json").read_text()
    wb = load_workbook(tmp_path / "open-data.xlsx", read_only=True)
    blob += "".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row)
    assert "PRIVATE-REF" not in blob and "PRIVATE-SUBJECT" not in blob
    assert officers[0].reference not in blob


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("export", "open-data", "--out", str(tmp_path), "--as-of", "soon")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export", "open-data", "--out", str(tmp_path / "file"))
    with pytest.raises(CommandError, match="starts"):
        call_command("export", "open-data", "--out", str(tmp_path / "o"), "--as-of", "2025-01-01", "--from",
                     "2025-02-01", "--no-progress")
