"""``g287 audit verify``: checks the audit log's hash chain. (Re-deciding stored actions, which once was
``audit actions``, is ``g287 redecide``: it writes nothing to this log.)"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from g287.audit.services import verify


class Command(BaseCommand):
    help = "`audit verify` checks the audit log's hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{verify}")
        v = sub.add_parser("verify", help="check the audit log's hash chain; exit 1 naming the first bad event")
        v.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        return self._verify(opts)

    def _verify(self, opts):
        r = verify()
        if opts["json"]:
            self.stdout.write(json.dumps({"ok": r.ok, "checked": r.checked, "first_bad_seq": r.first_bad_seq,
                                          "reason": r.reason}))
        elif r.ok:
            self.stdout.write(f"audit log intact: {r.checked} events")
        if not r.ok:
            raise CommandError(f"audit log broken at event #{r.first_bad_seq}: {r.reason}", returncode=1)
