"""Broken, truncated and unrecognized files: reported by name, nothing of them written, the rest imported."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from g287.audit.models import AuditEvent
from g287.registry import services
from g287.registry.importers.ice_sheets import SheetError, read_sheet
from g287.registry.importers.roster import RosterError, read_roster
from g287.registry.models import Observation, Publication, QuarantinedObservation

from .sheets import PART_HEADER, part_row, real_sheets, write_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(tmp_path):
    return write_sheet(tmp_path / "sheets_20250801_120000", "participatingAgencies08012025am.xlsx", PART_HEADER,
                       [part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2))])


def test_truncated_zip_is_reported_and_nothing_written(tmp_path, good):
    real = real_sheets()[0].read_bytes()
    bad = tmp_path / "sheets_20250802_120000" / "participatingAgencies08022025am.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(real[: len(real) // 2])
    report = services.import_ice_sheets([bad, good], progress=False)
    assert [f.status for f in report.files] == ["error", "imported"]
    assert "participatingAgencies08022025am.xlsx" in report.errors[0].message
    assert Publication.objects.count() == 1
    assert AuditEvent.objects.filter(action="registry.import_publication").count() == 1


def test_missing_required_columns_are_named(tmp_path, good):
    bad = write_sheet(tmp_path / "sheets_20250803_120000", "participatingAgencies08032025am.xlsx",
                      ["STATE", "AGENCY NAME X", "TYPE", "COUNTY"], [["TEXAS", "Somewhere", "County", "X"]])
    with pytest.raises(SheetError) as exc:
        read_sheet(bad)
    assert exc.value.missing == ("LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED")
    assert "participatingAgencies08032025am.xlsx" in str(exc.value)
    with pytest.raises(CommandError) as cmd:
        call_command("import", "ice-sheets", str(bad), str(good), "--no-progress")
    assert cmd.value.returncode == 1
    assert Publication.objects.count() == 1 and Publication.objects.get().file_name == good.name


def test_garbage_csv_named_as_sheet_and_as_roster(tmp_path):
    garbage = tmp_path / "pendingAgencies08042025am.xlsx"
    garbage.write_bytes(b"\x00\x01garbage,,,\n\xff\xfe not a spreadsheet")
    with pytest.raises(SheetError, match="pendingAgencies08042025am.xlsx: not an xlsx file"):
        read_sheet(garbage)
    csv = tmp_path / "roster.csv"
    csv.write_text("what,is,this\n1,2,3\n")
    with pytest.raises(RosterError, match="roster.csv: .*missing: ori, pub_agency_name"):
        read_roster(csv)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00\x81")
    with pytest.raises(RosterError, match="binary.csv"):
        read_roster(binary)
    with pytest.raises(CommandError):
        call_command("import", "roster", str(csv))


def test_a_bad_row_is_quarantined_and_the_rest_of_the_file_imports(tmp_path):
    bad = write_sheet(tmp_path / "sheets_20250805_120000", "participatingAgencies08052025am.xlsx", PART_HEADER,
                      [part_row("TEXAS", "Kerr County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 2)),
                       part_row("TEXAS", "Other County Sheriff's Office", "Space Force Model", date(2025, 5, 2))])
    report = services.import_ice_sheets([bad], progress=False)
    assert not report.errors and report.quarantined == 1
    assert Observation.objects.count() == 1
    q = QuarantinedObservation.objects.get()
    assert q.row == 3 and q.reason == "SUPPORT TYPE 'Space Force Model' is not a 287(g) model"
    assert q.cells["SUPPORT TYPE"] == "Space Force Model" and q.cells["LAW ENFORCEMENT AGENCY"].startswith("Other")
    assert [r["what"] for r in services.quality_report()] == ["quarantined"]


def test_failure_inside_the_transaction_writes_nothing_of_that_file(tmp_path, good, monkeypatch):
    """A database failure after the publication row was written rolls the whole file back."""
    from g287.registry import services as svc

    def failing_record(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.import_ice_sheets([good], progress=False)
    assert not Publication.objects.exists() and not Observation.objects.exists()
