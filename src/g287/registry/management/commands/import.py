"""g287 import ice-sheets PATH... | g287 import roster CSV"""

from django.core.management.base import BaseCommand, CommandError

from g287.registry.importers.roster import RosterError
from g287.registry.services import import_ice_sheets, import_roster


class Command(BaseCommand):
    help = "Import ICE's 287(g) spreadsheets (files or folders) or the FBI employee roster."
    # The system checks (URLs, templates, admin, …) cost a noticeable part of a small import's run and guard
    # nothing an import uses; `g287 check`, the server and the tests run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, parser_class=type(parser))
        sheets = sub.add_parser("ice-sheets", help="ICE participating/pending agency spreadsheets (.xlsx)",
                                called_from_command_line=getattr(parser, "called_from_command_line", False))
        sheets.add_argument("paths", nargs="+", metavar="PATH")
        sheets.add_argument("--no-progress", action="store_true", help="no progress bar")
        roster = sub.add_parser("roster", help="FBI law enforcement employees CSV (ORI, staffing)",
                                called_from_command_line=getattr(parser, "called_from_command_line", False))
        roster.add_argument("path", metavar="CSV")
        roster.add_argument("--unmatched", action="store_true", help="list every unmatched agency with the reason")

    def handle(self, *args, **options):
        if options["what"] == "ice-sheets":
            return self._sheets(options)
        return self._roster(options)

    def _sheets(self, options):
        report = import_ice_sheets(options["paths"], progress=not options["no_progress"], stream=self.stderr._out)
        for err in report.errors:
            self.stderr.write(self.style.ERROR(f"error: {err.message}"))
        summary = (f"{len(report.imported)} file(s) imported, {len(report.unchanged)} unchanged, "
                   f"{len(report.errors)} with errors; {report.repaired} row(s) repaired with a note, "
                   f"{report.quarantined} row(s) quarantined (g287 registry qa lists them)")
        if report.lineage:
            summary += (f"; registry: {report.lineage['agencies']} agencies, {report.lineage['agreements']} "
                        f"agreements, {report.lineage['applications']} applications")
        self.stdout.write(summary)
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) not imported", returncode=1)

    def _roster(self, options):
        try:
            result = import_roster(options["path"])
        except RosterError as exc:
            raise CommandError(str(exc), returncode=1)
        self.stdout.write(
            f"roster: {result.roster_rows} roster rows; {result.matched} of {result.agencies} agencies matched "
            f"({result.match_rate:.1%}); {len(result.unmatched)} unmatched")
        reasons = {}
        for _, reason in result.unmatched:
            key = reason.split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
        for key, n in sorted(reasons.items()):
            self.stdout.write(f"  unmatched — {key}: {n}")
        if options["unmatched"]:
            for agency, reason in result.unmatched:
                self.stdout.write(f"  {agency.state}  {agency.name}: {reason}")
