"""Public pages of what changed (by week, filtered), each publication with its changes and its original file,
the Data page, alert subscription, and the staff page of ICE fetches."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from g287.accounts import ratelimit
from g287.accounts.models import Role
from g287.changes import alerts, downloads, originals, services, tasks
from g287.changes.choices import ChangeKind, FetchOutcome, Scope
from g287.changes.forms import ChangeFilterForm, SubscribeForm
from g287.changes.models import Capture, Subscription
from g287.registry.filters import STATE_NAMES, AgencyFilter, AgreementFilter, PublicationFilter, annotate_status
from g287.registry.models import Agency, Agreement, Publication
from g287.registry.views import _page_numbers
from g287.pagecache import public_context, public_page, registry_version

PAGE_SIZE = 100


def _filtered(request):
    form = ChangeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = services.changes(since=data.get("since"), state=data.get("state") or None, county=data.get("county") or None,
                          model=data.get("model") or None, kinds=[data["kind"]] if data.get("kind") else None,
                          agency_id=data.get("agency") or None)
    if data.get("until"):
        qs = qs.filter(published__lte=data["until"])
    return form, data, qs


def feed_path_for(sub: Subscription) -> str:
    if sub.scope == Scope.AGENCY:
        return reverse("changes:feed-agency", args=[sub.agency_id])
    if sub.scope == Scope.COUNTY:
        return reverse("changes:feed-county", args=[sub.state, sub.county])
    return reverse("changes:feed-state", args=[sub.state])


def _feeds(data: dict) -> list[tuple[str, str]]:
    """The feeds that fit the filters chosen, most specific first."""
    out = []
    if data.get("agency"):
        agency = Agency.objects.filter(pk=data["agency"]).first()
        if agency:
            out.append((_("Feed of %(agency)s") % {"agency": agency.name},
                        reverse("changes:feed-agency", args=[agency.pk])))
    if data.get("state") and data.get("county"):
        out.append((_("Feed of %(county)s County") % {"county": data["county"]},
                    reverse("changes:feed-county", args=[data["state"], data["county"]])))
    if data.get("state"):
        out.append((_("Feed of %(state)s") % {"state": STATE_NAMES[data["state"]]},
                    reverse("changes:feed-state", args=[data["state"]])))
    if data.get("model"):
        out.append((_("Feed of %(model)s agreements") % {"model": data["model"]},
                    reverse("changes:feed-model", args=[data["model"]])))
    out.append((_("Feed of every change"), reverse("changes:feed")))
    return out


CSV_HEADER = ["publication", "date", "kind", "state", "county", "agency", "model", "signed", "agreement", "before",
              "after"]


def _csv_rows(qs):
    return qs.values_list("publication__file_name", "published", "kind", "state", "county", "agency_name", "model",
                          "signed", "agreement_key", "before", "after").iterator()


def change_list(request):
    if request.GET.get("format") == "csv":  # a download, never kept in the page cache (its headers would be lost)
        return downloads.csv_response("changes.csv", CSV_HEADER, _csv_rows(_filtered(request)[2]))
    return _change_page(request)


@public_page(version=registry_version)
def _change_page(request):
    form, data, qs = _filtered(request)
    page = Paginator(qs.select_related("publication"), PAGE_SIZE).get_page(request.GET.get("page"))
    weeks = [(week, list(items)) for week, items in
             groupby(page.object_list, key=lambda c: services.week_start(c.published))]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    return render(request, "changes/change_list.html", {
        "form": form, "page": page, "page_numbers": _page_numbers(page), "weeks": weeks, "query": params.urlencode(),
        "counts": [(k, ChangeKind(k).label, counts[k]) for k in ChangeKind.values if k in counts],
        "feeds": _feeds(data), "state_names": STATE_NAMES,
        "csv_url": reverse("changes:list") + "?" + urlencode({**params.dict(), "format": "csv"}),
        **public_context(request),
    })


def _neighbours(pub: Publication) -> tuple[Publication | None, Publication | None]:
    seq = services.Sequence.build()
    prev, nxt = seq.previous.get(pub.pk), seq.following.get(pub.pk)
    found = Publication.objects.in_bulk([pk for pk in (prev, nxt) if pk])
    return found.get(prev), found.get(nxt)


@public_page(version=registry_version)
def publication_detail(request, pk: int):
    pub = get_object_or_404(Publication, pk=pk)
    previous, following = _neighbours(pub)
    items = list(pub.changes.order_by("kind", "state", "agency_name"))
    order = {k: i for i, k in enumerate(ChangeKind.values)}
    items.sort(key=lambda c: (order.get(c.kind, 99), c.state, c.agency_name))
    groups = [(kind, ChangeKind(kind).label, list(g)) for kind, g in groupby(items, key=lambda c: c.kind)]
    has_original = Publication.objects.filter(pk=pk, original__isnull=False).exists()
    return render(request, "changes/publication_detail.html", {
        "publication": pub, "previous": previous, "following": following, "groups": groups, "total": len(items),
        "has_original": has_original, **public_context(request),
    })


def publication_original(request, pk: int):
    pub = get_object_or_404(Publication, pk=pk)
    path = originals.open_original(pub)
    if path is None:
        raise Http404("The original file of this publication is not kept here.")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=pub.file_name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---------------------------------------------------------------- data

REFRESH_NOTE_KEY = "changes:open-data-refresh-queued"


def data_page(request):
    bundle = downloads.current_bundle()
    stale = downloads.is_stale(bundle, registry_version())
    if stale and cache.add(REFRESH_NOTE_KEY, 1, 600):  # at most one queued rebuild per ten minutes
        tasks.enqueue(tasks.refresh_open_data)
    files = []
    if bundle:
        rows = {r["name"]: r["rows"] for r in bundle["resources"]}
        for f in bundle["files"]:
            stem, _, ext = f["name"].rpartition(".")
            files.append({**f, "stem": stem, "ext": ext, "rows": rows.get(stem),
                          "url": reverse("changes:data-file", args=[f["name"]])})
    return render(request, "changes/data.html", {
        "bundle": bundle, "stale": stale, "files": files,
        "lists": [(reverse("changes:csv-agencies"), "agencies"), (reverse("changes:csv-agreements"), "agreements"),
                  (reverse("changes:csv-publications"), "publications"), (reverse("changes:list") + "?format=csv",
                                                                          "changes")],
    })


def data_file(request, name: str):
    path = downloads.bundle_file(name)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)


def agencies_csv(request):
    f = AgencyFilter(request.GET, queryset=Agency.objects.select_related("field_office"))
    rows = f.qs.order_by("state", "name").values_list("id", "name", "state", "county", "ice_type",
                                                      "field_office__name", "ori")
    return downloads.csv_response("agencies.csv", ["agency_id", "name", "state", "county", "type", "field_office",
                                                   "ori"], rows.iterator())


def agreements_csv(request):
    f = AgreementFilter(request.GET, queryset=Agreement.objects.all())
    as_of = f.as_of_day() if f.is_valid() else timezone.localdate()  # as the agreements page does
    qs = f.qs
    if "status_on" not in qs.query.annotations:
        qs = annotate_status(qs, as_of)
    rows = qs.order_by("agency__state", "agency__name", "model", "signed").values_list(
        "id", "key", "agency__name", "agency__state", "agency__county", "model", "signed", "template_version",
        "moa_url", "status_on")
    return downloads.csv_response("agreements.csv", ["agreement_id", "key", "agency", "state", "county", "model",
                                                     "signed", "template", "moa_url", "status"], rows.iterator())


def publications_csv(request):
    f = PublicationFilter(request.GET, queryset=Publication.objects.all())
    rows = f.qs.order_by("-published", "-edition", "kind", "-captured", "-id").values_list(
        "id", "file_name", "kind", "published", "edition", "captured", "rows", "sha256")
    return downloads.csv_response("publications.csv", ["publication_id", "file", "list", "published", "edition",
                                                       "captured", "rows", "sha256"], rows.iterator())


# ---------------------------------------------------------------- alerts

SUBSCRIBE_LIMIT = "changes-subscribe"


def _subscribe_rate() -> str:
    return settings.G287_SUBSCRIBE_RATE


@require_http_methods(["GET", "POST"])
def subscribe(request):
    initial = {}
    agency = None
    if request.GET.get("agency", "").isdigit():
        agency = Agency.objects.filter(pk=int(request.GET["agency"])).first()
        if agency:
            initial = {"scope": Scope.AGENCY, "agency": agency.pk, "state": agency.state}
    elif request.GET.get("state", "").upper() in STATE_NAMES:
        initial = {"state": request.GET["state"].upper(), "scope": Scope.STATE}
        if request.GET.get("county"):
            initial.update(scope=Scope.COUNTY, county=request.GET["county"])
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        # Every attempt counts (unlike complaints): the form sends mail to any address typed into it.
        limited = ratelimit.exceeded(request, SUBSCRIBE_LIMIT, _subscribe_rate())
        if not limited:
            ratelimit.count(request, SUBSCRIBE_LIMIT, _subscribe_rate())
        if limited:
            return render(request, "changes/subscribe.html", {"form": form, "limited": True, "agency": agency},
                          status=429)
        if form.is_valid():
            d = form.cleaned_data
            target = alerts.Target(d["scope"], d["state"], d["county"], d["agency_obj"])
            try:
                alerts.subscribe(d["email"], target, get_language() or "en")
            except alerts.AlertError as exc:
                form.add_error("email", str(exc).split(": ", 1)[-1])
            except OSError:
                form.add_error(None, _("The confirmation message could not be sent just now; please try again later."))
            else:
                # The same answer whether or not the address was known: nothing to learn about other readers.
                return redirect("changes:subscribe-sent")
        agency = form.cleaned_data.get("agency_obj") if hasattr(form, "cleaned_data") else agency
    return render(request, "changes/subscribe.html", {"form": form, "limited": False, "agency": agency})


def subscribe_sent(request):
    return render(request, "changes/subscribe_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    # Mail scanners open links: a GET only shows the button, the POST confirms.
    sub = Subscription.objects.filter(token=token).select_related("agency").first()
    if sub is None:
        raise Http404
    if request.method == "POST":
        sub = alerts.confirm(token)
        if sub is None:
            return render(request, "changes/confirm.html", {"expired": True}, status=410)
        return render(request, "changes/confirm.html", {"done": True, "target": alerts.target_of(sub).describe()})
    return render(request, "changes/confirm.html", {"target": alerts.target_of(sub).describe(),
                                                    "confirmed": sub.confirmed is not None})


@csrf_exempt  # the secret token in the address is the proof; mail clients post one-click unsubscribes without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    sub = Subscription.objects.filter(token=token).select_related("agency").first()
    if sub is None:
        raise Http404
    if request.method == "POST":
        # RFC 8058 one-click (List-Unsubscribe-Post) and the page's button alike.
        alerts.unsubscribe(token)
        return render(request, "changes/unsubscribe.html", {"done": True})
    return render(request, "changes/unsubscribe.html", {"target": alerts.target_of(sub).describe()})


# ---------------------------------------------------------------- staff

@login_required
def fetch_status(request):
    if not (request.user.is_superuser or request.user.role == Role.PROGRAM_OFFICE):
        raise PermissionDenied
    captures = Capture.objects.select_related("publication")[:200]
    return render(request, "changes/fetch_status.html", {
        "captures": captures, "problems": {FetchOutcome.FAILED, FetchOutcome.NOT_SPREADSHEET, FetchOutcome.REJECTED},
        "urls": settings.G287_ICE_SHEET_URLS, "interval_hours": settings.G287_FETCH_INTERVAL / 3600,
    })
