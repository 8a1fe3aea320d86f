"""g287 moa import PATH... | g287 moa ocr | g287 moa list [--json] [--disagreements]"""

import json

from django.core.management.base import BaseCommand, CommandError

from g287.moa.models import MoaDocument
from g287.moa.services import (import_documents, listing, match_documents, ocr_documents,
                               refresh_departures)
from g287.registry.moa_templates import infer_template


class Command(BaseCommand):
    help = "Signed MOA documents: import (read, OCR, match), OCR the waiting scanned pages, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, parser_class=type(parser))
        cli = getattr(parser, "called_from_command_line", False)
        imp = sub.add_parser("import", help="PDF files or folders of signed MOAs", called_from_command_line=cli)
        imp.add_argument("paths", nargs="+", metavar="PATH")
        imp.add_argument("--ocr", choices=["now", "skip"], default="now",
                         help="now: OCR scanned pages through the task queue and wait (default); "
                              "skip: leave them for `g287 moa ocr`")
        imp.add_argument("--no-progress", action="store_true", help="no progress bar")
        ocr = sub.add_parser("ocr", help="OCR the scanned pages still waiting, then read and match again",
                             called_from_command_line=cli)
        ocr.add_argument("--no-progress", action="store_true", help="no progress bar")
        lst = sub.add_parser("list", help="the documents, their agreement and template", called_from_command_line=cli)
        lst.add_argument("--json", action="store_true", help="JSON: one object per document")
        lst.add_argument("--disagreements", action="store_true",
                         help="only documents whose template differs from the inferred one")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["what"])(options)

    def _summary(self, report):
        for err in report.errors:
            self.stderr.write(self.style.ERROR(f"error: {err}"))
        line = (f"{len(report.imported)} document(s) imported, {len(report.unchanged)} unchanged, "
                f"{len(report.errors)} error(s); {report.matched} attached to their agreement")
        if report.ocr_pages:
            line += f"; OCR of {report.ocr_pages} page(s) in {report.ocr_seconds:.0f} s ({report.ocr_via})"
        self.stdout.write(line)
        if report.ocr_pending:
            self.stdout.write(f"{len(report.ocr_pending)} document(s) wait for OCR of their scanned pages: "
                              "run `g287 moa ocr`")
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s)", returncode=1)

    def _import(self, options):
        report = import_documents(options["paths"], ocr=options["ocr"], progress=not options["no_progress"],
                                  stream=self.stderr._out)
        self._summary(report)

    def _ocr(self, options):
        report = ocr_documents(None, progress=not options["no_progress"], stream=self.stderr._out)
        refresh_departures()
        report.matched = match_documents()
        self._summary(report)

    def _list(self, options):
        rows = listing(disagreements=options["disagreements"])
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        docs = {d.sha256: d for d in MoaDocument.objects.select_related("agreement")}
        for r in rows:
            doc = docs[r["sha256"]]
            where = r["agreement"] or f"{doc.get_match_status_display().lower()}: {'; '.join(doc.match_reasons[-1:])}"
            line = (f"{r['state'] or '??'}  {r['file']}  {r['model'] or '?'} {r['template'] or '?'} "
                    f"({r['template_source']})  {r['signed'] or '-'}  → {where}")
            if options["disagreements"] and doc.agreement:
                inferred, why = infer_template(doc.agreement.model, doc.agreement.signed)
                line += f"\n    inferred {inferred or 'none'} ({why}); the document is {r['template']} ({doc.template_reason})"
            self.stdout.write(line)
        self.stdout.write(f"{len(rows)} document(s)")
