"""The public portal: no login, aggregates only, English and Spanish.

The figures are computed once per data version (``services.cached``) and whole pages are kept for readers
who are not signed in (``g287.web.cache.public_page``), so a page costs a cache read. Every value handed to a
template is a callable: the template calls it only when the page is rendered.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from g287 import inputs
from g287.registry.choices import AgreementModel
from g287.reports import charts, services
from g287.reports.measures import MEASURES
from g287.web.cache import TOKEN_MARK, public_context, public_page  # noqa: F401  (TOKEN_MARK: the placeholder)

MODEL_LABELS = {
    "JEM": gettext_lazy("Jail Enforcement Model"),
    "WSO": gettext_lazy("Warrant Service Officer"),
    "TFM": gettext_lazy("Task Force Model"),
    "HYBRID": gettext_lazy("Hybrid (legacy)"),
}

MEASURE_LABELS = {
    "training_compliance": gettext_lazy("Authorized officers certified and current in training"),
    "obligations_on_time": gettext_lazy("Obligations met on time"),
    "obligations_overdue": gettext_lazy("Obligations not met by their deadline"),
    "inspection_coverage": gettext_lazy("Agencies inspected within their cycle"),
    "inspections_overdue": gettext_lazy("Agencies with an overdue inspection"),
    "complaint_timeliness": gettext_lazy("Complaints reported to ICE within 48 weekday hours"),
    "minor_charge_share": gettext_lazy("Actions on people whose most serious charge is a misdemeanor or infraction"),
    "citizenship_claims": gettext_lazy("Encounters where the person claimed U.S. citizenship"),
    "auditor_violations": gettext_lazy("Actions the rules audit found against the rules"),
}

# Short column headings of the measures tables; the full definitions are listed above the tables.
MEASURE_HEADS = {
    "training_compliance": gettext_lazy("Training current"),
    "obligations_on_time": gettext_lazy("Obligations on time"),
    "obligations_overdue": gettext_lazy("Obligations overdue"),
    "inspection_coverage": gettext_lazy("Inspected in cycle"),
    "inspections_overdue": gettext_lazy("Inspections overdue"),
    "complaint_timeliness": gettext_lazy("Complaints reported in time"),
    "minor_charge_share": gettext_lazy("Minor charges"),
    "citizenship_claims": gettext_lazy("Citizenship claims"),
    "auditor_violations": gettext_lazy("Against the rules"),
}

# Each rule of the engine in plain words, for the public (the rule codes stay in the open data and the API).
RULE_REASONS = {
    "FUNCTION_NOT_DELEGATED": gettext_lazy("The task is not one the agreement's model delegates"),
    "OUTSIDE_AUTHORIZED_LOCATION": gettext_lazy("Done outside the agency's jail, where the model allows it only inside"),
    "SUBJECT_NOT_IN_LEA_CUSTODY": gettext_lazy("The person was not booked into the agency's custody"),
    "SUBJECT_NO_CRIMINAL_CHARGE": gettext_lazy("The person had no criminal conviction or pending charge"),
    "SUBJECT_NOT_DESIGNATED_BY_ICE": gettext_lazy("ICE had not already designated the person with a warrant"),
    "WARRANT_NOT_SIGNED": gettext_lazy("The warrant was not signed by an ICE officer"),
    "WARRANTLESS_ARREST_CONDITIONS_NOT_MET": gettext_lazy("An arrest without a warrant, without the reasons the law "
                                                          "requires"),
    "AGREEMENT_NOT_YET_EFFECTIVE": gettext_lazy("The agreement was not yet signed"),
    "AGREEMENT_EXPIRED": gettext_lazy("The agreement had expired"),
    "AGREEMENT_SUSPENDED": gettext_lazy("The agreement was suspended"),
    "AGREEMENT_TERMINATED": gettext_lazy("The agreement had been terminated"),
    "OFFICER_INELIGIBLE": gettext_lazy("The officer did not meet the eligibility requirements"),
    "TRAINING_INCOMPLETE": gettext_lazy("The officer had not passed the required course"),
    "TRAINING_LAPSED": gettext_lazy("The officer's training had lapsed"),
    "OFFICER_NOT_AUTHORIZED": gettext_lazy("The officer was not authorized under the agreement"),
    "AUTHORIZATION_EXPIRED": gettext_lazy("The officer's authorization had expired"),
}

LEVEL_LABELS = {
    "program": gettext_lazy("Whole program"),
    "model": gettext_lazy("By model"),
    "state": gettext_lazy("By state"),
    "field_office": gettext_lazy("By ICE field office"),
}


def _day(request, name: str = "as_of") -> date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return timezone.localdate()
    try:
        return inputs.day(raw, name)
    except inputs.InputError:
        raise BadRequest(_("Not a date: %(value)s (use YYYY-MM-DD)") % {"value": raw[:20]}) from None


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
