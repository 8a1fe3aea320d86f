"""``g287 registry changes [--since DAY] [--publication FILE] [--state ST] [--kind K] [--json] [--recompute]``.

Added to the registry's command by its subcommand discovery (``registry_commands`` modules), so this app builds
on the registry without the registry importing it.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import CommandError

from g287.changes import services
from g287.changes.choices import ChangeKind
from g287.registry.filters import STATE_NAMES
from g287.registry.models import Publication


class Changes:
    help = "what each ICE publication changed against the previous one of the same list"

    def add_arguments(self, parser):
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="only publications dated on or after this day")
        parser.add_argument("--publication", metavar="FILE", help="only this publication (file name or id)")
        parser.add_argument("--state", metavar="ST", help="only this state (USPS code)")
        parser.add_argument("--kind", action="append", choices=ChangeKind.values, help="only these kinds")
        parser.add_argument("--json", action="store_true", help="a JSON list")
        parser.add_argument("--recompute", action="store_true",
                            help="recompute every publication's changes from the lineage first")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, command, options):
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(f"--since: {options['since']!r} is not a date (YYYY-MM-DD)")
        state = (options["state"] or "").upper() or None
        if state and state not in STATE_NAMES:
            raise CommandError(f"--state: {options['state']!r} is not a USPS state code")
        if options["recompute"]:
            counts = services.refresh(full=True, progress=not options["no_progress"], stream=command.stderr._out)
            command.stderr.write(f"recomputed: {counts}")
        qs = services.changes(since=since, publication=options["publication"], state=state, kinds=options["kind"])
        if options["publication"] and not qs.exists():
            pub = options["publication"]
            known = (Publication.objects.filter(pk=int(pub)) if pub.isdigit()
                     else Publication.objects.filter(file_name=pub)).exists()
            if not known:
                raise CommandError(f"--publication: no publication {pub!r}")
        rows = list(qs.values_list("published", "kind", "state", "agency_name", "model", "signed", "agreement_key",
                                   "publication__file_name", "before", "after"))
        if options["json"]:
            # One change per line, each through json's C encoder (indent= would use the pure-Python one).
            items = (json.dumps({"publication": f, "date": d.isoformat(), "kind": k, "state": s, "agency": a,
                                 "model": m, "signed": sg.isoformat() if sg else None, "agreement": ak or None},
                                ensure_ascii=False)
                     for d, k, s, a, m, sg, ak, f, _b, _af in rows)
            command.stdout.write("[\n" + ",\n".join(items) + "\n]")
            return
        for d, k, s, a, m, sg, ak, f, before, after in rows:
            extra = f"  ({before} → {after})" if before or after else ""
            command.stdout.write(f"{d}  {k:22} {s}  {a} — {m}{f' signed {sg}' if sg else ''}{extra}  [{f}]")
        command.stdout.write(f"{len(rows)} change(s)")


SUBCOMMANDS = {"changes": Changes()}
