"""The agreement page's block of signed MOA documents (registered with the registry's hook)."""

from django.template.loader import render_to_string

from g287.moa.choices import ATTACHED, SECTION_LABELS
from g287.moa.models import MoaDocument
from g287.registry.extensions import register_agreement_block
from g287.registry.signals import lineage_updated


def documents_block(request, agreement) -> str:
    docs = list(MoaDocument.objects.filter(agreement=agreement, match_status__in=ATTACHED)
                .order_by("-signed", "file_name")
                .only("pk", "file_name", "pages", "ocr_pages", "template_version", "template_revision",
                      "template_reason", "template_note", "model", "signed", "signatories", "departures",
                      "standard_note", "match_status", "match_confidence", "match_reasons", "read_status",
                      "sections"))
    if not docs:
        return ""
    return render_to_string("moa/_agreement_documents.html", {
        "documents": docs, "agreement": agreement, "section_labels": SECTION_LABELS,
    }, request=request)


register_agreement_block(documents_block)


def rematch_after_import(sender=None, **kwargs):
    """The registry's lineage changed (an import, a recompute): documents follow their agreements — matched again
    (matches set by hand are kept) and their templates applied to the agreements as they now are."""
    if MoaDocument.objects.exists():
        # Load time: every process loads this module at start, and most never match a document.
        from g287.moa.services import match_documents

        match_documents()


def _connect():
    lineage_updated.connect(rematch_after_import, dispatch_uid="g287.moa.rematch_after_import")


_connect()
