"""``g287 redecide [--from DATE] [--to DATE] [--agency KEY] [--json]``: every stored action decided again in one pass;
violations per agency and code, and stored decisions that differ from a decision on today's facts."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from g287.redecide.read import Scope
from g287.redecide.run import redecide_actions
from g287.registry.models import Agency


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_arguments(parser) -> None:
    parser.add_argument("--from", dest="date_from", type=_date, help="first day (the agency's local date)")
    parser.add_argument("--to", dest="date_to", type=_date, help="last day (inclusive)")
    parser.add_argument("--agency", help="the agency's registry key")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def report(cmd: BaseCommand, opts: dict) -> None:
    agency_id = None
    if opts["agency"]:
        agency = Agency.objects.filter(key=opts["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with key {opts['agency']!r}")
        agency_id = agency.pk
    if opts["date_from"] and opts["date_to"] and opts["date_from"] > opts["date_to"]:
        raise CommandError("--from is after --to")
    result = redecide_actions(Scope(opts["date_from"], opts["date_to"], agency_id))
    if opts["json"]:
        cmd.stdout.write(json.dumps(result.as_json(), indent=2))
        return
    cmd.stdout.write(f"{result.actions} actions re-decided, {result.denied} break at least one rule "
                     f"({result.seconds['total']} s)")
    if result.changed:
        cmd.stdout.write(f"{result.changed} stored decisions differ from a decision on today's facts "
                          f"(first ids: {', '.join(map(str, result.changed_ids))})")
    for row in result.as_json()["by_agency"]:
        if not row["violations"]:
            continue
        cmd.stdout.write(f"\n{row['name']} [{row['agency']}]: {row['denied']} of {row['actions']} actions")
        for code, n in sorted(row["violations"].items(), key=lambda kv: -kv[1]):
            cmd.stdout.write(f"  {code:40} {n}")


class Command(BaseCommand):
    help = "Re-decide every stored action in one pass; violations per agency and code (writes nothing)."

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **opts):
        report(self, opts)
