"""The MOA pages: full-text search of every signed MOA, a document's page and PDF (public: ICE publishes the
documents), and the program office's form to confirm or correct a document's agreement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from g287.moa.choices import SECTION_LABELS
from g287.moa.models import MoaDocument
from g287.moa.search import search as full_text
from g287.moa.services import confirm_match, document_path, may_correct
from g287.registry.models import Agreement
from g287 import errors as refusals


def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    results = []
    if query:
        hits = full_text(query)
        docs = MoaDocument.objects.select_related("agreement__agency").in_bulk([pk for pk, _ in hits])
        results = [(docs[pk], snippet) for pk, snippet in hits if pk in docs]
    return render(request, "moa/search.html", {
        "query": query,
        "results": results,
        "documents": [] if query else MoaDocument.objects.select_related("agreement__agency").order_by(
            "state", "file_name"),
        "total": MoaDocument.objects.count(),
    })


def document(request, pk: int):
    doc = get_object_or_404(MoaDocument.objects.select_related("agreement__agency", "matched_by"), pk=pk)
    return render(request, "moa/document.html", {
        "doc": doc,
        "sections": [(SECTION_LABELS[k], doc.sections[k]) for k in SECTION_LABELS if doc.sections.get(k)],
        "may_correct": may_correct(request.user),
    })


def download(request, pk: int):
    doc = get_object_or_404(MoaDocument, pk=pk)
    path = document_path(doc)
    if not path.is_file():
        raise Http404(_("The PDF of this document is not on this server."))
    return FileResponse(open(path, "rb"), content_type="application/pdf", filename=doc.file_name)


@login_required
def match(request, pk: int):
    if not may_correct(request.user):
        raise PermissionDenied
    doc = get_object_or_404(MoaDocument.objects.select_related("agreement__agency"), pk=pk)
    errors = []
    if request.method == "POST":
        key = (request.POST.get("agreement") or "").strip()
        agreement = None
        if key:
            agreement = Agreement.objects.filter(key=key).first()
            if agreement is None:
                errors.append(_("No agreement has the key “%(key)s”.") % {"key": key[:240]})
        if not errors:
            try:
                confirm_match(doc, request.user, agreement, request.POST.get("note", ""))
                return redirect("moa:document", pk=doc.pk)
            except ValidationError as exc:
                errors.extend(refusals.messages_of(exc))
    state = doc.state
    choices = (Agreement.objects.filter(agency__state=state) if state else Agreement.objects.none()).select_related(
        "agency").order_by("agency__name", "model", "signed")
    return render(request, "moa/match.html", {"doc": doc, "choices": choices, "errors": errors}, status=400 if errors else 200)
