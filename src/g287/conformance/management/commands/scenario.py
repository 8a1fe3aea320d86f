"""``g287 scenario run PATH... [--json] [--via-db]``: run conformance scenarios (scenarios.md)."""

from __future__ import annotations

import importlib
import json

from django.core.management.base import BaseCommand, CommandError

from g287.conformance.runner import InProcessBackend, run_paths

VIA_DB_MODULE = "g287.conformance.via_db"


def database_backend():
    """The stored path's backend: ``g287.conformance.via_db.get_backend()``."""
    try:
        module = importlib.import_module(VIA_DB_MODULE)
    except ModuleNotFoundError as e:
        if e.name != VIA_DB_MODULE:
            raise
        raise CommandError(
            f"--via-db needs the stored path ({VIA_DB_MODULE}), which this installation does not have; "
            "run without --via-db to check the policy engine in process"
        ) from None
    if not hasattr(module, "get_backend"):
        raise CommandError(f"{VIA_DB_MODULE} does not define get_backend()")
    return module.get_backend()


class Command(BaseCommand):
    help = "Conformance scenarios: `scenario run PATH... [--json] [--via-db]`."
    # The runner reads files and asks a backend; it needs neither the URL nor the model checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{run}")
        run = sub.add_parser("run", help="run the scenarios in files or folders (every *.yaml / *.yml below)")
        run.add_argument("paths", nargs="+", metavar="PATH")
        run.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
        run.add_argument(
            "--via-db",
            action="store_true",
            help="load the facts into the database and ask the recording service for each decision",
        )

    def handle(self, *args, **options):
        backend = database_backend() if options["via_db"] else InProcessBackend()
        report = run_paths(options["paths"], backend)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), indent=None, ensure_ascii=False))
        else:
            for line in report.lines():
                self.stdout.write(line)
        if report.failed:
            raise SystemExit(1)
