"""``g287 export open-data --out DIR [--as-of YYYY-MM-DD] [--from YYYY-MM-DD] [--no-progress]``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from g287.reports.opendata import export_open_data


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Open data: agencies, agreements, history and aggregate measures as CSV, Parquet and XLSX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{open-data}")
        o = sub.add_parser("open-data", help="write the open data set and its data dictionary to a folder")
        o.add_argument("--out", required=True, type=Path, help="folder to write (created when missing)")
        o.add_argument("--as-of", type=_date, help="the day the statuses and measures are for (default: today)")
        o.add_argument("--from", dest="start", type=_date,
                       help="first day of the activity period (default: a year before --as-of)")
        o.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        out: Path = opts["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out}: exists and is not a folder")
        as_of = opts["as_of"] or timezone.localdate()
        try:
            d = export_open_data(out, as_of, opts["start"], progress=not opts["no_progress"], stream=self.stderr._out)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for r in d["resources"]:
            self.stdout.write(f"{r['name']}: {r['rows']} rows")
        self.stdout.write(f"written to {out} (CSV, Parquet, open-data.xlsx, datapackage.json, DATA_DICTIONARY.md)")
