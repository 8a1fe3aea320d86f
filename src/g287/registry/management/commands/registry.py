"""g287 registry stats [--json] [--as-of DAY] | qa [--json] [--publication FILE] | lineage [--declined|--merged] [--recompute]"""

import json
from datetime import date
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


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
        for name, ext in _extensions().items():
            ext.add_arguments(sub.add_parser(name, help=ext.help, **kw))

    def handle(self, *args, **options):
        ext = _extensions().get(options["what"])
        if ext is not None:
            return ext.handle(self, options)
        getattr(self, "_" + options["what"])(options)

    def _stats(self, options):
        from g287.registry.services import registry_stats

        as_of = _day(options["as_of"]) if options["as_of"] else None
        stats = registry_stats(as_of)
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

    def _qa(self, options):
        from g287.registry.services import quality_report

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
        from g287.registry import lineage
        from g287.registry.services import declined_candidates, lineage_merges

        if options["recompute"]:
            counts = lineage.recompute()
            self.stdout.write(f"recomputed: {counts}")
        show = []
        if not options["declined"]:
            show.append(("merged", lineage_merges()))
        if not options["merged"]:
            show.append(("declined", declined_candidates()))
        for title, qs in show:
            items = list(qs)
            self.stdout.write(f"{title} ({len(items)}):")
            for c in items:
                self.stdout.write(f"  {c.publication.published} {c.get_kind_display():9} {c.old.agency.state} "
                                  f"{c.old_identity} → {c.new_identity}: {c.reason}")
