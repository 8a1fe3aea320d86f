"""``g287 oversight enqueue-reviews | propose-training-lapses [--as-of] | due [--as-of] [--json]``."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from g287.oversight import services as s
from g287.oversight.schedule import due_and_overdue


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Oversight checks a scheduler runs: queue reviews, propose training-lapse sanctions, list what is due."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{enqueue-reviews,propose-training-lapses,due}")
        sub.add_parser("enqueue-reviews", help="queue every recorded action that needs a supervisor and is not queued")
        p = sub.add_parser("propose-training-lapses", help="propose revoking JEM officers whose refresher lapsed")
        p.add_argument("--as-of", type=_date, help="the day checked (default today)")
        d = sub.add_parser("due", help="inspections, FOD–LEA meetings and first reviews overdue and due")
        d.add_argument("--as-of", type=_date, help="the day (default today)")
        d.add_argument("--horizon", type=int, default=90, help="days ahead counted as due (default 90)")
        d.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        as_of = opts.get("as_of") or timezone.localdate()
        if opts["sub"] == "enqueue-reviews":
            self.stdout.write(f"queued {s.backfill_review_queue()} actions for supervisor review")
        elif opts["sub"] == "propose-training-lapses":
            made = s.propose_training_lapse_sanctions(as_of)
            self.stdout.write(f"{len(made)} training-lapse revocations proposed as of {as_of}")
            for m in made:
                self.stdout.write(f"  {m.agency.name}: officer {m.officer.reference} — {m.details}")
        else:
            overdue, due = due_and_overdue(as_of, horizon_days=opts["horizon"])
            rows = lambda items: [{"kind": i.kind, "agency": i.agency.key, "agreement": getattr(i.agreement, "key", None),  # noqa: E731
                                   "due": i.due.isoformat(), "basis": i.basis} for i in items]
            if opts["json"]:
                self.stdout.write(json.dumps({"as_of": as_of.isoformat(), "overdue": rows(overdue), "due": rows(due)}))
            else:
                self.stdout.write(f"as of {as_of}: {len(overdue)} overdue, {len(due)} due within {opts['horizon']} days")
                for label, items in (("overdue", overdue), ("due", due)):
                    for i in items:
                        self.stdout.write(f"  {label:7} {i.due} {i.kind_label:40} {i.agency.name} ({i.agency.state}) — {i.basis}")
