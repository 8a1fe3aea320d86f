"""g287 deadlines check [--as-of DATETIME] | g287 deadlines overdue [--as-of DATETIME] [--json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from g287 import inputs
from g287.operations import deadlines as dl


def _moment(raw: str | None):
    """``--as-of``: a date-time or a day alone (its midnight), read by ``g287.inputs``; now when absent."""
    if not raw:
        return None
    try:
        return inputs.aware(inputs.moment(raw, "--as-of", date_alone=True))
    except inputs.InputError as exc:
        raise CommandError(str(exc)) from None


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
