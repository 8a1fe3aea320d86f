from django.db.models import Count
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from g287.registry.choices import AgreementModel
from g287.registry.filters import ListingStatus, Status, annotate_status
from g287.registry.models import Agency, Agreement, Publication
from g287.charts import bar_chart, line_chart
from g287.web.today import context_for


def home(request):
    """The registry in numbers, as of today, with where the numbers come from."""
    today = timezone.localdate()
    agreements = annotate_status(Agreement.objects.all(), today)
    by_status = dict(agreements.values_list("status_on").annotate(n=Count("id")).values_list("status_on", "n"))
    active_by_model = dict(
        agreements.filter(status_on=Status.ACTIVE).values_list("model").annotate(n=Count("id")).values_list("model", "n")
    )
    model_rows = [(label, active_by_model.get(code, 0), "bar") for code, label in AgreementModel.choices]
    # ICE's listing statuses always; a notice status only when some agreement is in it today.
    shown = [(code, label) for code, label in Status.choices if code in ListingStatus.values or by_status.get(code)]
    status_rows = [(label, by_status.get(code, 0), f"bar bar--{code}") for code, label in shown]
    participating = list(
        Publication.objects.filter(kind=Publication.Kind.PARTICIPATING).order_by("published", "edition", "id")
        .values_list("published", "rows")
    )
    newest = Publication.objects.order_by("-published", "-edition", "-id").first()
    context = {
        "today": today,
        "counts": {
            "agencies": Agency.objects.count(),
            # The portal's figure: agencies with an agreement active in ICE's newest list of the day.
            "agencies_active": agreements.filter(listing_on=Status.ACTIVE).values("agency").distinct().count(),
            "agreements": Agreement.objects.count(),
            "publications": Publication.objects.count(),
        },
        "by_status": [(label, by_status.get(code, 0), code) for code, label in shown],
        "model_rows": model_rows,
        "model_chart": bar_chart(_("Active agreements by model"), model_rows),
        "status_chart": bar_chart(_("Agreements by status"), status_rows),
        "rows_chart": line_chart(_("Rows in each participating-agencies list"), participating),
        "newest": newest,
    }
    return render(request, "web/home.html", context)


@login_required
def today(request):
    """The signed-in user's home: what is theirs to do today (``web.today``)."""
    return render(request, "web/today.html", context_for(request.user))


# --- Error answers: JSON for the API (machine clients, and its schema documents JSON), the site's pages else ----

def _is_api(request) -> bool:
    return request.path.startswith("/api/") or "/api/" in request.path


def _error(request, status: int, detail: str, page):
    if _is_api(request):
        from django.http import JsonResponse

        return JsonResponse({"detail": detail}, status=status)
    return page()


def bad_request(request, exception=None):
    from django.views import defaults

    return _error(request, 400, str(exception or "Bad request."), lambda: defaults.bad_request(request, exception))


def permission_denied(request, exception=None):
    from django.views import defaults

    return _error(request, 403, str(exception or "You may not do this."),
                  lambda: defaults.permission_denied(request, exception))


def page_not_found(request, exception=None):
    from django.views import defaults

    return _error(request, 404, "Not found.", lambda: defaults.page_not_found(request, exception))


def server_error(request):
    from django.views import defaults

    return _error(request, 500, "The server could not finish this request and changed nothing.",
                  lambda: defaults.server_error(request))
