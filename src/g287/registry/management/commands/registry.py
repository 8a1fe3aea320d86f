"""g287 registry stats [--json] [--as-of DAY]
g287 registry qa [--json] [--publication FILE]
g287 registry lineage [--declined|--merged] [--recompute]
g287 registry lineage confirm|reject|split CANDIDATE_ID --reason "…" [--user USERNAME]
g287 registry offices [--unassigned] [--json]"""

import json
from datetime import date
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model  # the accounts app is above the registry: its model by name
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from g287.registry import lineage
from g287.registry.curation import decide, decisions_by_pair
from g287.registry.field_offices import agencies_by_office
from g287.registry.freshness import reflects
from g287.registry.models import LineageCandidate
from g287.registry.services import declined_candidates, lineage_merges, quality_report, registry_stats


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)")


def _extensions() -> dict:
    """Subcommands other apps add: a module ``<app>.registry_commands`` with ``SUBCOMMANDS`` ({name: object with
    ``help``, ``add_arguments(parser)`` and ``handle(command, options)``}), so apps built on the registry add to
    this command without the registry importing them."""
    found = {}
    for app in apps.get_app_configs():
        if find_spec(f"{app.name}.registry_commands") is not None:
            found.update(import_module(f"{app.name}.registry_commands").SUBCOMMANDS)
    return found


class Command(BaseCommand):
    help = "Registry figures and the lineage of agreements across ICE's publications."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, parser_class=type(parser))
        kw = {"called_from_command_line": getattr(parser, "called_from_command_line", False)}
        stats = sub.add_parser("stats", help="publications, agencies, agreements and applications by status", **kw)
        stats.add_argument("--json", action="store_true")
        stats.add_argument("--as-of", metavar="YYYY-MM-DD", help="only publications up to this day count")
        qa = sub.add_parser("qa", help="every repaired and every quarantined row, by publication and row", **kw)
        qa.add_argument("--json", action="store_true")
        qa.add_argument("--publication", metavar="FILE", help="only this publication (its file name)")
        lin = sub.add_parser("lineage", help="renames and re-dated rows merged or declined", **kw)
        lin.add_argument("--declined", action="store_true", help="only the candidates not merged")
        lin.add_argument("--merged", action="store_true", help="only the merges made")
        lin.add_argument("--recompute", action="store_true", help="recompute the lineage from all observations")
        lin.add_argument("decision", nargs="?", choices=["confirm", "reject", "split"],
                         help="decide on a candidate: confirm or reject a declined one, split a merge")
        lin.add_argument("candidate", nargs="?", type=int, metavar="CANDIDATE_ID",
                         help="the candidate's number, as the listing shows it (#…)")
        lin.add_argument("--reason", default="", help="why (required with a decision)")
        lin.add_argument("--user", metavar="USERNAME",
                         help="the program-office user deciding (default: the system, as for imports)")
        off = sub.add_parser("offices", help="field offices and their agencies; agencies without one and why", **kw)
        off.add_argument("--unassigned", action="store_true", help="only the agencies without a field office")
        off.add_argument("--json", action="store_true")
        for name, ext in _extensions().items():
            ext.add_arguments(sub.add_parser(name, help=ext.help, **kw))

    def handle(self, *args, **options):
        ext = _extensions().get(options["what"])
        if ext is not None:
            return ext.handle(self, options)
        getattr(self, "_" + options["what"])(options)

    def _stats(self, options):
        as_of = _day(options["as_of"]) if options["as_of"] else None
        stats = registry_stats(as_of)
        # Which list these figures reflect on the day asked (today by default), and whether it is old.
        stats["reflects"] = reflects(as_of or timezone.localdate()).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(stats, indent=2))
            return
        rows = [("as of", stats["as_of"] or "—"), ("publications", stats["publications"]),
                ("newest participating list", stats["newest_participating"] or "—"),
                ("agencies", stats["agencies"])]
        rows += [(f"agreements {k}", v) for k, v in stats["agreements"].items()]
        rows += [(f"applications {k}", v) for k, v in stats["applications"].items()]
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            self.stdout.write(f"{k.ljust(width)}  {v}")
        self.stdout.write(("OUT OF DATE: " if stats["reflects"]["stale"] else "") + stats["reflects"]["statement"])

    def _qa(self, options):
        items = quality_report(options["publication"])
        if options["json"]:
            self.stdout.write(json.dumps(items, indent=2, ensure_ascii=False))
            return
        counts = {}
        for item in items:
            counts[item["what"]] = counts.get(item["what"], 0) + 1
            where = f"row {item['row']}" if item["row"] else "file"
            self.stdout.write(f"{item['published']}  {item['publication']}  {where:9}  {item['what']:11}  {item['note']}")
        self.stdout.write(", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "no repairs, nothing quarantined")

    def _lineage(self, options):
        if options["decision"]:
            self._decide(options)
            return
        if options["recompute"]:
            counts = lineage.recompute()
            self.stdout.write(f"recomputed: {counts}")
        show = []
        if not options["declined"]:
            show.append(("merged", lineage_merges()))
        if not options["merged"]:
            show.append(("declined", declined_candidates()))
        decided = decisions_by_pair()
        for title, qs in show:
            items = list(qs)
            self.stdout.write(f"{title} ({len(items)}):")
            for c in items:
                self.stdout.write(f"  #{c.pk} {c.publication.published} {c.get_kind_display():9} {c.old.agency.state} "
                                  f"{c.old_identity} → {c.new_identity}: {c.reason}")
                d = decided.get((c.old_identity, c.new_identity))
                if d is not None:
                    self.stdout.write(f"      {d.decision} by {d.by.username if d.by else 'system'} "
                                      f"{d.at:%Y-%m-%d %H:%M}: {d.reason}")

    def _decide(self, options):
        if options["candidate"] is None:
            raise CommandError(f"lineage {options['decision']}: give the candidate's number (CANDIDATE_ID)")
        candidate = LineageCandidate.objects.filter(pk=options["candidate"]).first()
        if candidate is None:
            raise CommandError(f"lineage {options['decision']}: no candidate #{options['candidate']} "
                               f"(`g287 registry lineage` lists them; numbers change when the lineage is recomputed)")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user {options['user']!r}")
        try:
            row, counts = decide(user, candidate, options["decision"], options["reason"], at=timezone.now())
        except PermissionDenied as err:
            raise CommandError(str(err))
        except ValidationError as err:
            raise CommandError("; ".join(f"--{k}: {' '.join(v)}" for k, v in err.message_dict.items()))
        self.stdout.write(f"{row.get_decision_display()} — {row.old_identity} → {row.new_identity}: {row.reason}")
        self.stdout.write(f"recomputed: {counts}")

    def _offices(self, options):
        report = agencies_by_office()
        if options["unassigned"]:
            report = {"offices": [], "unassigned": report["unassigned"]}
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for o in report["offices"]:
            self.stdout.write(f"{o['name']:32} {' '.join(o['states']):14} {o['agencies']:5} agencies")
        if report["offices"]:
            self.stdout.write("")
        self.stdout.write(f"agencies without a field office ({len(report['unassigned'])}):")
        for a in report["unassigned"]:
            self.stdout.write(f"  {a['state']} {a['name']} (county: {a['county'] or '—'}): {a['reason']}")
