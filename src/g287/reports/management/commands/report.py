"""``g287 report annual --year YYYY --out DIR [--no-pdf]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from g287.reports.annual import build


class Command(BaseCommand):
    help = "Reports: `report annual` writes the annual report as HTML and PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{annual}")
        a = sub.add_parser("annual", help="the annual report of a calendar year (HTML and PDF)")
        a.add_argument("--year", required=True, type=int, help="the calendar year, e.g. 2025")
        a.add_argument("--out", required=True, type=Path, help="folder to write (created when missing)")
        a.add_argument("--no-pdf", action="store_true", help="write the HTML only")

    def handle(self, *args, **opts):
        year, out = opts["year"], opts["out"]
        if not 2002 <= year <= 2100:
            raise CommandError(f"--year {year}: the program's first agreement was signed in 2002")
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out}: exists and is not a folder")
        try:
            r = build(year, out, pdf=not opts["no_pdf"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{r.html}")
        if r.pdf:
            self.stdout.write(f"{r.pdf}")
        self.stdout.write(f"seconds: {r.seconds}")
