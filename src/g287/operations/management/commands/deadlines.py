"""g287 deadlines check [--as-of DATETIME] | g287 deadlines overdue [--as-of DATETIME] [--json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from g287.operations import deadlines as dl


def _moment(raw: str | None):
    if not raw:
        return None
    parsed = parse_datetime(raw)
    if parsed is None:
        from datetime import date, datetime, time

        try:
            parsed = datetime.combine(date.fromisoformat(raw), time())
        except ValueError:
            raise CommandError(f"--as-of: not a date-time (YYYY-MM-DDTHH:MM[:SS][+HH:MM]): {raw!r}") from None
    return dl.aware(parsed)


class Command(BaseCommand):
    help = "Deadlines: mark newly overdue obligations (check) or list the overdue ones (overdue)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        c = sub.add_parser("check", help="record a notice for every obligation newly overdue; idempotent")
        c.add_argument("--as-of", help="the moment to check as of (default now; a naive time is server time)")
        o = sub.add_parser("overdue", help="list obligations overdue as of a moment")
        o.add_argument("--as-of")
        o.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        as_of = _moment(opts.get("as_of"))
        if opts["sub"] == "check":
            r = dl.check(as_of)
            self.stdout.write(f"as of {r.as_of.isoformat()}: {r.overdue} overdue, {r.newly_noticed} newly noticed")
            return
        rows = dl.deadlines(None, as_of, overdue=True)
        if opts["json"]:
            self.stdout.write(json.dumps([{"kind": d.kind, "id": d.id, "code": d.code, "agency": d.agency_name,
                                           "due": d.due.isoformat(), "due_local": d.due_local} for d in rows], indent=1))
            return
        for d in rows:
            self.stdout.write(f"{d.due_local}  {d.code:32}  {d.agency_name}  ({d.source_label})")
        self.stdout.write(f"{len(rows)} overdue")
