"""``g287 audit actions [--from DATE] [--to DATE] [--agency KEY] [--json]`` and ``g287 audit verify``."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Audits: `audit actions` re-decides every stored action; `audit verify` checks the audit log's hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{actions,verify}")
        a = sub.add_parser("actions", help="re-decide every stored action in one pass; violations per agency and code")
        a.add_argument("--from", dest="date_from", type=_date, help="first day (the agency's local date)")
        a.add_argument("--to", dest="date_to", type=_date, help="last day (inclusive)")
        a.add_argument("--agency", help="the agency's registry key")
        a.add_argument("--json", action="store_true", help="print one JSON object")
        v = sub.add_parser("verify", help="check the audit log's hash chain; exit 1 naming the first bad event")
        v.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        if opts["sub"] == "verify":
            return self._verify(opts)
        return self._actions(opts)

    def _verify(self, opts):
        from g287.audit.services import verify

        r = verify()
        if opts["json"]:
            self.stdout.write(json.dumps({"ok": r.ok, "checked": r.checked, "first_bad_seq": r.first_bad_seq,
                                          "reason": r.reason}))
        elif r.ok:
            self.stdout.write(f"audit log intact: {r.checked} events")
        if not r.ok:
            raise CommandError(f"audit log broken at event #{r.first_bad_seq}: {r.reason}", returncode=1)

    def _actions(self, opts):
        from g287.operations.audit_read import Scope
        from g287.operations.auditor import audit_actions
        from g287.registry.models import Agency

        agency_id = None
        if opts["agency"]:
            agency = Agency.objects.filter(key=opts["agency"]).first()
            if agency is None:
                raise CommandError(f"no agency with key {opts['agency']!r}")
            agency_id = agency.pk
        if opts["date_from"] and opts["date_to"] and opts["date_from"] > opts["date_to"]:
            raise CommandError("--from is after --to")
        result = audit_actions(Scope(opts["date_from"], opts["date_to"], agency_id))
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        self.stdout.write(f"{result.actions} actions re-decided, {result.denied} break at least one rule "
                          f"({result.seconds['total']} s)")
        if result.changed:
            self.stdout.write(f"{result.changed} stored decisions differ from a decision on today's facts "
                              f"(first ids: {', '.join(map(str, result.changed_ids))})")
        for row in result.as_json()["by_agency"]:
            if not row["violations"]:
                continue
            self.stdout.write(f"\n{row['name']} [{row['agency']}]: {row['denied']} of {row['actions']} actions")
            for code, n in sorted(row["violations"].items(), key=lambda kv: -kv[1]):
                self.stdout.write(f"  {code:40} {n}")
