"""The registry's public pages: agencies, agreements and the ICE publications they came from; and the program
office's page for curating the lineage.

The registry mirrors lists that ICE itself publishes, so reading it needs no login (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from g287.registry.filters import (
    STATE_NAMES,
    Status,
    AgencyFilter,
    AgreementFilter,
    PublicationFilter,
    annotate_status,
)
from g287.registry import roles
from g287.registry.curation import FITS, decide
from g287.registry.extensions import agreement_blocks
from g287.registry.models import Agency, Agreement, AgreementEvent, LineageCandidate, LineageDecision, Publication
from g287.pagecache import public_context, public_page, registry_version
from g287 import errors

PAGE_SIZE = 50


def _page(request, queryset, size: int = PAGE_SIZE):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    # The query string without the page, for the pagination links.
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _page_numbers(page) -> list[int | None]:
    """Page numbers to show around the current one; None marks a gap."""
    last, current = page.paginator.num_pages, page.number
    keep = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    out: list[int | None] = []
    for n in keep:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def _ice_types() -> list[str]:
    return list(Agency.objects.exclude(ice_type="").order_by("ice_type").values_list("ice_type", flat=True).distinct())


def agency_list(request):
    base = Agency.objects.annotate(agreement_count=Count("agreements", distinct=True))
    filterset = AgencyFilter(request.GET, queryset=base)
    agencies = filterset.qs.order_by("state", "name")
    page, query = _page(request, agencies)
    return render(request, "registry/agency_list.html", {
        "filter": filterset,
        "page": page,
        "page_numbers": _page_numbers(page),
        "query": query,
        "total": Agency.objects.count(),
        "ice_types": _ice_types(),
        "state_names": STATE_NAMES,
        "as_of": filterset.as_of_day() if filterset.is_valid() else timezone.localdate(),
    })


# The event kinds in the reader's language (the model's own labels are English only).
KIND_LABELS = {
    AgreementEvent.Kind.SIGNED: gettext_lazy("Signed"),
    AgreementEvent.Kind.LISTED: gettext_lazy("First listed by ICE"),
    AgreementEvent.Kind.RENEWAL: gettext_lazy("Renewed (same model signed again)"),
    AgreementEvent.Kind.MODEL_SWITCH: gettext_lazy("Model switch"),
    AgreementEvent.Kind.RENAMED: gettext_lazy("Renamed in ICE’s list"),
    AgreementEvent.Kind.REDATED: gettext_lazy("Re-dated in ICE’s list"),
    AgreementEvent.Kind.REMOVED: gettext_lazy("Removed from ICE’s list"),
    AgreementEvent.Kind.RELISTED: gettext_lazy("Listed again"),
    AgreementEvent.Kind.ADDENDUM: gettext_lazy("Addendum"),
    AgreementEvent.Kind.SUSPENSION: gettext_lazy("Suspension notice"),
    AgreementEvent.Kind.TERMINATION: gettext_lazy("Termination notice"),
}


def _label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    kind: str
    label: str
    agreement: Agreement
    note: str = ""
    publication: Publication | None = None
    by: str = ""
    exigent: bool = False
    lifted: date | None = None


def _timeline(agreements) -> list[TimelineEntry]:
    """The history of these agreements, oldest first: their events, and their first and last listing by ICE
    where no event already says so."""
    participating: list[Publication] | None = None  # read once, only when an agreement left the list

    def next_participating(after: Publication) -> Publication | None:
        nonlocal participating
        if participating is None:
            participating = list(Publication.objects.filter(kind=Publication.Kind.PARTICIPATING)
                                 .order_by("published", "edition", "captured", "id"))
        return next((p for p in participating if p.published > after.published), None)

    entries: list[TimelineEntry] = []
    kinds: dict[int, set[str]] = {a.pk: set() for a in agreements}
    by_pk = {a.pk: a for a in agreements}
    events = (AgreementEvent.objects.filter(agreement__in=list(by_pk))
              .select_related("publication").order_by("date", "id"))
    for e in events:
        kinds[e.agreement_id].add(e.kind)
        entries.append(TimelineEntry(date=e.date, kind=e.kind, label=_label(e.kind), agreement=by_pk[e.agreement_id],
                                     note=e.note, publication=e.publication, by=e.get_by_display() if e.by else "",
                                     exigent=e.exigent, lifted=e.lifted))
    for a in agreements:
        first, last = a.first_listed, a.last_listed
        if first and AgreementEvent.Kind.LISTED not in kinds[a.pk]:
            entries.append(TimelineEntry(date=first.published, kind=AgreementEvent.Kind.LISTED,
                                         label=_label(AgreementEvent.Kind.LISTED), agreement=a, publication=first))
        if (last and getattr(a, "listing_on", None) in (Status.REMOVED, Status.SUPERSEDED)
                and AgreementEvent.Kind.REMOVED not in kinds[a.pk]):
            gone = next_participating(last)
            if gone:
                note = (_("Replaced by a later agreement.") if a.superseded_by_id else "")
                entries.append(TimelineEntry(date=gone.published, kind=AgreementEvent.Kind.REMOVED,
                                             label=_label(AgreementEvent.Kind.REMOVED), agreement=a, note=note,
                                             publication=gone))
    entries.sort(key=lambda t: (t.date, t.agreement.pk))
    return entries


@public_page(version=registry_version)
def agency_detail(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("field_office"), pk=pk)
    today = timezone.localdate()
    agreements = list(annotate_status(agency.agreements.select_related("first_listed", "last_listed"), today)
                      .order_by("signed", "model", "id"))
    return render(request, "registry/agency_detail.html", {
        "agency": agency,
        "state_name": STATE_NAMES.get(agency.state, agency.state),
        "agreements": agreements,
        "timeline": _timeline(agreements),
        "today": today,
        **public_context(request),
    })


def agreement_list(request):
    base = Agreement.objects.select_related("agency")
    filterset = AgreementFilter(request.GET, queryset=base)
    as_of = filterset.as_of_day() if filterset.is_valid() else timezone.localdate()
    qs = filterset.qs
    if "status_on" not in qs.query.annotations:
        qs = annotate_status(qs, as_of)
    page, query = _page(request, qs.order_by("agency__state", "agency__name", "model", "signed"))
    return render(request, "registry/agreement_list.html", {
        "filter": filterset,
        "page": page,
        "page_numbers": _page_numbers(page),
        "query": query,
        "total": Agreement.objects.count(),
        "ice_types": _ice_types(),
        "as_of": as_of,
    })


@public_page(version=registry_version)
def agreement_detail(request, pk: int):
    today = timezone.localdate()
    # The agreement and its agency's other agreements, with their status, in one query.
    every = list(annotate_status(Agreement.objects.filter(agency__agreements__pk=pk)
                                 .select_related("agency", "first_listed", "last_listed", "superseded_by"), today)
                 .order_by("signed", "id"))
    agreement = next((a for a in every if a.pk == pk), None)
    if agreement is None:
        raise Http404(_("No agreement with this number."))
    return render(request, "registry/agreement_detail.html", {
        "agreement": agreement,
        "agency": agreement.agency,
        "events": _timeline([agreement]),
        "others": [a for a in every if a.pk != pk],
        "blocks": agreement_blocks(request, agreement),  # e.g. the signed MOA documents (g287.moa)
        "today": today,
        **public_context(request),
    })


def publication_list(request):
    filterset = PublicationFilter(request.GET, queryset=Publication.objects.all())
    qs = filterset.qs.order_by("-published", "-edition", "kind", "-captured", "-id")
    page, query = _page(request, qs)
    return render(request, "registry/publication_list.html", {
        "filter": filterset,
        "page": page,
        "page_numbers": _page_numbers(page),
        "query": query,
        "total": Publication.objects.count(),
    })


# ---------------------------------------------------------------- curation of the lineage (program office)

class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=LineageDecision.Decision.choices)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


LINEAGE_VIEWS = {"declined": "Declined: waiting for a decision or decided", "merged": "Merged by the lineage",
                 "decisions": "Every decision"}


def _curator(request) -> None:
    if not roles.may(request.user, roles.CURATE_LINEAGE):
        raise PermissionDenied("Curating the lineage is for the program office.")


@login_required
def lineage(request):
    """Declined candidates and merges, each with the decision on it (who, when, why) and a form to decide."""
    _curator(request)
    show = request.GET.get("show") if request.GET.get("show") in LINEAGE_VIEWS else "declined"
    decisions = LineageDecision.objects.select_related("by")
    by_pair = {(d.old_identity, d.new_identity): d for d in decisions}
    counts = dict(LineageCandidate.objects.values_list("merged").annotate(n=Count("id")).values_list("merged", "n"))
    if show == "decisions":
        page, query = _page(request, decisions.order_by("-at", "-id"))
        rows = []
    else:
        qs = (LineageCandidate.objects.filter(merged=show == "merged")
              .select_related("old__agency", "new__agency", "publication").order_by("publication__published", "id"))
        page, query = _page(request, qs)
        rows = [(c, by_pair.get((c.old_identity, c.new_identity)), FITS[c.merged]) for c in page.object_list]
    return render(request, "registry/lineage.html", {
        "show": show, "views": LINEAGE_VIEWS, "page": page, "page_numbers": _page_numbers(page), "query": query,
        "rows": rows, "declined": counts.get(False, 0), "merged": counts.get(True, 0),
        "decided": len(by_pair), "labels": dict(LineageDecision.Decision.choices),
    })


@login_required
@require_POST
def lineage_decide(request, pk: int):
    _curator(request)
    candidate = get_object_or_404(LineageCandidate, pk=pk)
    back = request.POST.get("next") or ""
    back = back if back.startswith("/lineage/") else "/lineage/"
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            messages.error(request, f"#{pk} {field}: {' '.join(errs)}")
        return redirect(back)
    try:
        row, _counts = decide(request.user, candidate, form.cleaned_data["decision"], form.cleaned_data["reason"],
                              at=timezone.now())
    except ValidationError as err:
        for field, errs in errors.by_field(err).items():
            messages.error(request, f"#{pk} {field}: {' '.join(errs)}")
        return redirect(back)
    messages.success(request, f"{row.get_decision_display()} — {row.old_identity} → {row.new_identity}. "
                              f"The lineage was recomputed.")
    return redirect(back)
