"""The agreement page's block of signed MOA documents (registered with the registry's hook)."""

from django.template.loader import render_to_string

from g287.moa.choices import ATTACHED, SECTION_LABELS
from g287.moa.models import MoaDocument
from g287.registry.extensions import register_agreement_block


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
