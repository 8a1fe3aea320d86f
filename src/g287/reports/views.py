"""The public portal: no login, aggregates only, English and Spanish.

The figures are computed once per data version (``services.cached``) and whole pages are kept for readers
who are not signed in (``g287.pagecache.public_page``), so a page costs a cache read. Every value handed to a
template is a callable: the template calls it only when the page is rendered.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from g287 import inputs
from g287.registry.choices import AgreementModel
from g287.reports import charts, services
from g287.reports.choices import LEVEL_LABELS, MEASURE_HEADS, MEASURE_LABELS, RULE_REASONS
from g287.reports.measures import MEASURES
from g287.pagecache import TOKEN_MARK, public_context, public_page  # noqa: F401  (TOKEN_MARK: the placeholder)

MODEL_LABELS = dict(AgreementModel.choices)  # the registry's labels of the models


def _day(request, name: str = "as_of") -> date:
    """The public pages answer a day they cannot read with 400 (a signed-in page shows a message instead)."""
    try:
        return inputs.day_param(request.GET, name)
    except inputs.InputError:
        raise BadRequest(_("Not a date: %(value)s (use YYYY-MM-DD)") % {"value": request.GET[name][:20]}) from None


def _common(request, as_of: date, version) -> dict:
    return {"as_of": as_of, "version": version(), "portal_nav": _nav(request),
            **public_context(request)}


def _nav(request) -> list[tuple[str, str, bool]]:
    from django.urls import reverse

    items = [(reverse("reports:portal"), _("Map")), (reverse("reports:trends"), _("Over time")),
             (reverse("reports:measures"), _("Performance measures")),
             (reverse("registry:agency-list"), _("Find an agency"))]
    return [(url, label, request.path == url) for url, label in items]


# Each page is kept per version of the data it shows: the map and the trends the registry's, the measures the
# activity's (services.REGISTRY_TOPICS, ACTIVITY_TOPICS), so recording actions leaves the map and trends kept.
@public_page(version=services.registry_version)
def portal(request):
    as_of = _day(request)
    ctx = _common(request, as_of, services.registry_version)
    ctx.update({
        "headline": lambda: services.cached("headline", lambda: services.headline(as_of), as_of,
                                            version=services.registry_version),
        "map": lambda: services.cached("map", lambda: services.map_data(as_of), as_of,
                                       version=services.registry_version),
        "model_labels": MODEL_LABELS,
    })
    return render(request, "reports/portal.html", ctx)


@public_page(version=services.registry_version)
def trends(request):
    as_of = timezone.localdate()
    ctx = _common(request, as_of, services.registry_version)

    def trend_chart():
        rows = services.cached("trend", services.trend_by_model, version=services.registry_version)
        series = [(str(MODEL_LABELS[m]), f"series--{m.lower()}", [(r["day"], r[m]) for r in rows])
                  for m in services.MODELS if any(r[m] for r in rows)]
        series.insert(0, (_("All agreements"), "series--total", [(r["day"], r["total"]) for r in rows]))
        return {"rows": rows, "chart": charts.multi_line(_("Agreements listed by ICE, by model"), series),
                "models": [m for m in services.MODELS if any(r[m] for r in rows)]}

    def history_chart():
        rows = services.cached("history", services.participation_history, version=services.registry_version)
        return {"rows": rows, "chart": charts.multi_line(
            _("Participation over time"), [(_("Agencies or agreements reported"), "series--total",
                                            [(r["day"], r["count"]) for r in rows])], x_format="%Y")}

    ctx.update({"trend": trend_chart, "history": history_chart, "model_labels": MODEL_LABELS})
    return render(request, "reports/trends.html", ctx)


@public_page(version=services.activity_version)
def measures(request):
    as_of = _day(request)
    start = _day(request, "start") if request.GET.get("start") else None
    if start and start > as_of:
        raise BadRequest(_("The period starts after it ends."))
    ctx = _common(request, as_of, services.activity_version)

    def tables():
        data = services.measure_tables(as_of, start)
        levels = []
        for level, rows in data["levels"].items():
            out = []
            for r in rows:
                name = {"program": _("All agreements"), "model": str(MODEL_LABELS.get(r.get("model"), r.get("model"))),
                        "state": r.get("state"), "field_office": r.get("field_office") or _("Not assigned")}[level]
                out.append({"name": name, "cells": [r["measures"][m.key] | {"kind": m.kind} for m in MEASURES]})
            levels.append({"level": level, "label": LEVEL_LABELS[level], "rows": out})
        return {"start": data["start"], "available": data["available"], "levels": levels,
                "by_code": [(code, RULE_REASONS.get(code, code), n)
                            for code, n in sorted(data["by_code"].items(), key=lambda kv: -kv[1])]}

    ctx.update({"tables": tables, "start": start, "synthetic": services.synthetic_activity,
                "measure_labels": [(m.key, MEASURE_LABELS[m.key], m.kind, MEASURE_HEADS[m.key]) for m in MEASURES]})
    return render(request, "reports/measures.html", ctx)


def data_csv(request, name: str):
    """An aggregate table as CSV (the open-data export's own), as of ``as_of`` (today by default)."""
    if name not in dict(services.CSV_EXPORTS):
        raise Http404(_("No such table."))
    as_of = _day(request)
    body = services.csv_export(name, as_of)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{as_of.isoformat()}.csv"'
    return response


def model_label(code: str) -> str:
    return str(MODEL_LABELS.get(code, AgreementModel(code).label if code in AgreementModel.values else code))
