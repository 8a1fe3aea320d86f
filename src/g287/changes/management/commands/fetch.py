"""``g287 fetch ice``: download ICE's current lists, keep them under var/, import what is new, queue alerts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from g287.changes.fetch import fetch_ice


class Command(BaseCommand):
    help = "Fetch ICE's current participating and pending lists (URLs in settings), keep and import them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, parser_class=type(parser))
        ice = sub.add_parser("ice", help="ICE's 287(g) participating and pending agency spreadsheets",
                             called_from_command_line=getattr(parser, "called_from_command_line", False))
        ice.add_argument("--participating-url", help="instead of settings.G287_ICE_SHEET_URLS['participating']")
        ice.add_argument("--pending-url", help="instead of settings.G287_ICE_SHEET_URLS['pending']")

    def handle(self, *args, **options):
        urls = dict(settings.G287_ICE_SHEET_URLS)
        if options["participating_url"]:
            urls["participating"] = options["participating_url"]
        if options["pending_url"]:
            urls["pending"] = options["pending_url"]
        result = fetch_ice(urls)
        for c in result.captures:
            line = f"{c.kind}: {c.outcome}" + (f" — {c.path}" if c.path else "") + (f" ({c.message})" if c.message else "")
            self.stdout.write(line)
        if result.failed:
            raise CommandError("a list could not be captured or imported (see the fetch status page)", returncode=1)
