"""The annual report: one HTML file and its PDF (WeasyPrint), in the spirit of ICE's 287(g) end-of-year report.

Participation over time (the brief's historical counts and every ICE list imported), the models, funding
(from the program office's figures, when entered) and the oversight measures of the year. Aggregates only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from g287.registry.choices import AgreementModel
from g287.reports import charts, services
from g287.reports.choices import MEASURE_LABELS
from g287.reports import measures as m
from g287.charts import bar_chart
from g287.program.fiscal import fy_label
from g287.program.models import Appropriation
from g287.program.services import cost_per_agreement
from g287.registry.freshness import reflects
from g287.registry.models import Agreement

MODEL_LABELS = dict(AgreementModel.choices)


@dataclass
class AnnualReport:
    year: int
    html: Path
    pdf: Path | None
    seconds: dict
    pages: int = 0


def _funding(year: int) -> dict | None:
    from django.apps import apps

    try:
        apps.get_model("program", "Appropriation")
    except LookupError:
        return None

    approp = list(Appropriation.objects.order_by("fiscal_year").values("fiscal_year", "amount", "source"))
    known = [(f"FY{a['fiscal_year']}", int(a["amount"]), "bar") for a in approp if a["amount"] is not None]
    return {
        "fiscal_year": year, "fy_label": fy_label(year), "appropriations": approp,
        "chart": bar_chart("Federal appropriations by fiscal year (dollars)", known, label_width=90) if known else None,
        "cost": cost_per_agreement(year),
    }


def _reflects(as_of: date):

    return reflects(as_of)


def context(year: int) -> dict:
    today = timezone.localdate()
    as_of = min(date(year, 12, 31), today)
    start = date(year, 1, 1)
    if start > today:
        raise ValueError(f"--year {year}: the year has not started yet")
    head = services.headline(as_of)
    history = services.participation_history()
    trend = [r for r in services.trend_by_model() if r["day"].year == year]
    models = [(label, n, "bar") for _c, label, n in head["by_model"] if n]
    ms = m.compute(as_of, start)
    program = ms.table("program")[0]["measures"]
    by_model = ms.table("model")
    states = sorted(services.map_data(as_of)["table"], key=lambda s: -s["total"])
    hist_chart = charts.multi_line("Agencies (to 2020) and agreements (2025) in the program",
                                   [("Participation", "series--total", [(r["day"], r["count"]) for r in history])],
                                   width=640, height=220, x_format="%Y")
    trend_chart = charts.multi_line(
        f"Agreements in each ICE list of {year}, by model",
        [("All", "series--total", [(r["day"], r["total"]) for r in trend])]
        + [(MODEL_LABELS[k], f"series--{k.lower()}", [(r["day"], r[k]) for r in trend])
           for k in services.MODELS if any(r[k] for r in trend)], width=640, height=220) if trend else None
    measure_rows = []
    for meas in m.MEASURES:
        measure_rows.append({"key": meas.key, "title": MEASURE_LABELS[meas.key], "kind": meas.kind,
                             "program": program[meas.key],
                             "models": [(MODEL_LABELS.get(r["model"], r["model"]), r["measures"][meas.key])
                                        for r in by_model]})
    coverage = [(MODEL_LABELS.get(r["model"], r["model"]), round(100 * r["measures"]["inspection_coverage"]["value"]),
                 "bar") for r in by_model if r["measures"]["inspection_coverage"]["value"] is not None]
    training = [(MODEL_LABELS.get(r["model"], r["model"]), round(100 * r["measures"]["training_compliance"]["value"]),
                 "bar") for r in by_model if r["measures"]["training_compliance"]["value"] is not None]
    return {
        "year": year, "as_of": as_of, "start": start, "generated": timezone.now(), "headline": head,
        "reflects": _reflects(as_of),
        "history": history, "history_chart": hist_chart, "trend": trend, "trend_chart": trend_chart,
        "models_chart": bar_chart(f"Agreements in force on {as_of:%B %-d, %Y}, by model", models),
        "states": states[:15], "state_count": len(states),
        "signed": _signed_in(year), "funding": _funding(year),
        "measures": measure_rows, "available": ms.available, "by_code": sorted(ms.auditor_by_code.items(),
                                                                                 key=lambda kv: -kv[1])[:10],
        "coverage_chart": bar_chart("Agencies inspected within their cycle, % by model", coverage) if coverage else None,
        "training_chart": bar_chart("Authorized officers compliant with training, % by model", training)
        if training else None,
    }


def _signed_in(year: int) -> list[tuple[str, int]]:
    from django.db.models import Count


    rows = dict(Agreement.objects.filter(signed__year=year).values_list("model").annotate(n=Count("id"))
                .values_list("model", "n"))
    return [(MODEL_LABELS[k], rows.get(k, 0)) for k in services.MODELS if rows.get(k)]


def _svg_styles(html: str, css: str) -> str:
    """WeasyPrint draws inline SVG with its own renderer, which reads only the SVG's own <style>: copy the chart
    rules of the stylesheet into each chart."""
    import re

    rules = "\n".join(line for line in css.splitlines() if line.startswith((".bar", ".g287-lines", ".series--", "svg text")))
    return re.sub(r"(<svg\b[^>]*>)", lambda mo: f"{mo.group(1)}<style>{rules}</style>", html)


def build(year: int, out: Path, pdf: bool = True) -> AnnualReport:
    """Write ``annual-report-YEAR.html`` and ``.pdf`` to ``out``."""
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with translation.override("en"):
        ctx = context(year)
        t1 = time.perf_counter()
        ctx["css"] = (Path(__file__).parent / "static" / "reports" / "annual.css").read_text(encoding="utf-8")
        html = render_to_string("reports/annual.html", ctx)
    html_path = out / f"annual-report-{year}.html"
    html_path.write_text(html, encoding="utf-8")
    t2 = time.perf_counter()
    pdf_path, pages = None, 0
    if pdf:
        from weasyprint import HTML

        pdf_path = out / f"annual-report-{year}.pdf"
        document = HTML(string=_svg_styles(html, ctx["css"]), base_url=str(out)).render()
        document.write_pdf(pdf_path)
        pages = len(document.pages)
    t3 = time.perf_counter()
    return AnnualReport(year, html_path, pdf_path, {"figures": round(t1 - t0, 2), "html": round(t2 - t1, 2),
                                                    "pdf": round(t3 - t2, 2), "total": round(t3 - t0, 2)}, pages)
