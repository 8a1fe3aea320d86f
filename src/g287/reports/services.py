"""Public figures for the portal, the open data and the annual report: the map, the trend by model, the
participation history, and the measures in aggregate, cached by the data they were computed from."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from g287 import exports
from g287.operations.models import Action
from g287.pagecache import (  # noqa: F401  (the versions, read here by the portal and the annual report)
    REGISTRY_TOPICS, data_version, format_version, read_versions, registry_version, version_of)
from g287.registry.choices import AgreementModel
from g287.registry.filters import STATE_NAMES, Status, annotate_status
from g287.registry.models import Agency, Agreement, Publication
from g287.registry.lineage import ordered_publications
from g287.reports import measures as m

MAP_FILE = Path(__file__).parent / "mapdata" / "us-map.json"
MODELS = [c for c, _l in AgreementModel.choices]
CACHE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class HistoricalCount:
    day: date
    count: int
    unit: str  # "agencies" or "agreements"
    source: str
    by_model: dict | None = None


# Participation before the lists this system imports (the brief and rules.md §2).
HISTORY = [
    HistoricalCount(date(2011, 12, 31), 72, "agencies", _("CRS In Focus: 72 agencies in 2011")),
    HistoricalCount(date(2016, 12, 31), 35, "agencies", _("CRS In Focus: 35 agencies at the end of 2016")),
    HistoricalCount(date(2020, 9, 30), 150, "agencies", _("CRS In Focus: 150 agencies in September 2020")),
    HistoricalCount(date(2025, 5, 28), 635, "agreements", _("ICE, late May 2025: 635 agreements"),
                    {"JEM": 100, "WSO": 228, "TFM": 307}),
]


# ---------------------------------------------------------------- caching

# The data versions the public pages are kept by are read in ``g287.pagecache`` (below every app).
# Performance measures: actions re-decided on the officers' facts, oversight records, the registry.
ACTIVITY_TOPICS = ("registry", "operations", "personnel", "oversight")


ACTIVITY_SECONDS = float(os.environ.get("G287_ACTIVITY_VERSION_SECONDS", "60"))
_activity_memo: tuple[float, str] = (0.0, "")


def activity_version() -> str:
    """The version of what the performance measures read (``ACTIVITY_TOPICS``), moving at most once per
    ``G287_ACTIVITY_VERSION_SECONDS`` (a minute) per process: the measures are counts over months, and
    recomputing them on every recorded action would make a busy hour's readers wait on each write. A registry
    change, a publication or an admin change still shows at once (the registry's version is part of it)."""
    global _activity_memo
    now = time.monotonic()
    versions = read_versions()
    registry = format_version(versions, REGISTRY_TOPICS)
    if ACTIVITY_SECONDS > 0 and now - _activity_memo[0] < ACTIVITY_SECONDS and _activity_memo[1]:
        return f"{registry}|{_activity_memo[1]}"
    activity = format_version(versions, ACTIVITY_TOPICS)
    _activity_memo = (now, activity)
    return f"{registry}|{activity}"


def cached(name: str, compute, *parts, version=data_version):
    """``compute()`` once per ``version()`` (and the given key parts), kept in Django's cache."""
    key = "reports:" + ":".join(str(p) for p in (version(), name, *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


# ---------------------------------------------------------------- the map

@lru_cache(maxsize=1)
def map_shapes() -> dict:
    """State and county outlines shipped with the product (built from us-atlas by mapdata/build_map.mjs)."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


_SUFFIX = re.compile(r"\s+(county|parish|borough|census area|city and borough|municipality)$")


def county_key(name: str) -> str:
    n = _SUFFIX.sub("", name.strip().lower())
    return re.sub(r"[^a-z]", "", n.replace("saint ", "st ").replace("st. ", "st "))


@lru_cache(maxsize=1)
def _fips() -> tuple[dict[str, str], dict[tuple[str, str], dict]]:
    shapes = map_shapes()
    by_name = {s["name"]: s["fips"] for s in shapes["states"]}
    state_fips = {usps: by_name[name] for usps, name in STATE_NAMES.items() if name in by_name}
    counties = {(c["fips"][:2], county_key(c["name"])): c for c in shapes["counties"]}
    return state_fips, counties


def active_agreements(as_of: date):
    return annotate_status(Agreement.objects.all(), as_of).filter(listing_on=Status.ACTIVE)


def map_data(as_of: date) -> dict:
    """Active agreements on the day by state (and model) and by county, with the shapes to draw them."""
    state_fips, counties = _fips()
    rows = (active_agreements(as_of).values_list("agency__state", "agency__county", "model")
            .annotate(n=Count("id")))
    states: dict[str, dict] = {}
    by_county: dict[tuple[str, str], dict] = {}
    unplaced = 0
    for st, county, model, n in rows:
        s = states.setdefault(st, {"state": st, "name": STATE_NAMES.get(st, st), "total": 0,
                                   **{m: 0 for m in MODELS}})
        s["total"] += n
        s[model] += n
        if county:
            shape = counties.get((state_fips.get(st, ""), county_key(county)))
            if shape is None:
                unplaced += n
                continue
            c = by_county.setdefault((st, shape["fips"]), {"state": st, "county": county, "fips": shape["fips"],
                                                           "d": shape["d"], "total": 0})
            c["total"] += n
    shapes = map_shapes()
    top = max((s["total"] for s in states.values()), default=0)
    fips_to_usps = {f: u for u, f in state_fips.items()}
    drawn = []
    for s in shapes["states"]:
        usps = fips_to_usps.get(s["fips"], "")
        info = states.get(usps)
        total = info["total"] if info else 0
        drawn.append({"usps": usps, "name": s["name"], "d": s["d"], "total": total, "bin": _bin(total)})
    return {
        "as_of": as_of, "width": shapes["width"], "height": shapes["height"], "borders": shapes["borders"],
        "states": drawn, "counties": sorted(by_county.values(), key=lambda c: (c["state"], c["county"])),
        "table": sorted(states.values(), key=lambda s: s["name"]), "top": top,
        "total": sum(s["total"] for s in states.values()), "unplaced_in_county": unplaced,
        "bins": BINS,
    }


# Shading classes of the map: (lowest count, css class).
BINS = [(0, 0), (1, 1), (5, 2), (15, 3), (40, 4)]


def _bin(n: int) -> int:
    return max(b for low, b in BINS if n >= low)


# ---------------------------------------------------------------- over time

def trend_by_model() -> list[dict]:
    """Agreements listed by model in each participating list ICE published (the last edition of a day)."""
    sql = """
        SELECT p.id, p.published, o.model, COUNT(DISTINCT o.agreement_id)
        FROM registry_observation o JOIN registry_publication p ON p.id = o.publication_id
        WHERE p.kind = %s AND p.placed = %s AND o.agreement_id IS NOT NULL
        GROUP BY p.id, p.published, o.model
    """
    with connection.cursor() as cur:
        cur.execute(sql, [Publication.Kind.PARTICIPATING, True])
        rows = cur.fetchall()
    order = {p.pk: i for i, p in enumerate(ordered_publications(
        Publication.objects.filter(kind=Publication.Kind.PARTICIPATING)))}
    by_pub: dict[int, dict] = {}
    for pk, published, model, n in rows:
        if not isinstance(published, date):
            published = date.fromisoformat(str(published))
        p = by_pub.setdefault(pk, {"day": published, "total": 0, **{m: 0 for m in MODELS}})
        p[model] += n
        p["total"] += n
    by_day: dict[date, dict] = {}
    for pk in sorted(by_pub, key=lambda k: order.get(k, 0)):
        by_day[by_pub[pk]["day"]] = by_pub[pk]  # the later edition of the same day wins
    return [by_day[d] for d in sorted(by_day)]


def participation_history() -> list[dict]:
    """The historical counts, then the newest imported list: agencies and agreements."""
    out = [{"day": h.day, "count": h.count, "unit": h.unit, "source": h.source, "by_model": h.by_model or {}}
           for h in HISTORY]
    trend = trend_by_model()
    if trend:
        last = trend[-1]
        agencies = (Agreement.objects.filter(observations__publication__published=last["day"],
                                             observations__publication__kind=Publication.Kind.PARTICIPATING)
                    .values("agency_id").distinct().count())
        out.append({"day": last["day"], "count": last["total"], "unit": "agreements",
                    "source": _("ICE’s newest participating agencies list in this registry"), "agencies": agencies,
                    "by_model": {m: last[m] for m in MODELS if last[m]}})
    return out


def headline(as_of: date) -> dict:
    active = active_agreements(as_of)
    by_model = dict(active.values_list("model").annotate(n=Count("id")).values_list("model", "n"))
    return {
        "as_of": as_of,
        "agreements": sum(by_model.values()),
        "agencies": active.values("agency_id").distinct().count(),
        "states": active.values("agency__state").distinct().count(),
        "by_model": [(code, label, by_model.get(code, 0)) for code, label in AgreementModel.choices],
        "newest": Publication.objects.filter(kind=Publication.Kind.PARTICIPATING)
                  .order_by("-published", "-edition", "-id").first(),
        "agencies_total": Agency.objects.count(),
    }


# ---------------------------------------------------------------- measures

def measure_tables(as_of: date, start: date | None = None, levels=("program", "model", "state", "field_office")):
    """The measures in aggregate for the given levels, as plain rows (cacheable), suppressed where small."""
    def compute():
        ms = m.compute(as_of, start)
        out = {"as_of": ms.as_of, "start": ms.start, "available": ms.available, "by_code": ms.auditor_by_code,
               "levels": {}}
        for level in levels:
            rows = ms.table(level)
            for r in rows:
                for key, v in r["measures"].items():
                    meas = next(x for x in m.MEASURES if x.key == key)
                    small = (m.suppressed(level, v["numerator"])
                             or (meas.denominator and m.suppressed(level, v["denominator"])))
                    v["suppressed"] = bool(v["available"] and small)
                    if v["suppressed"]:
                        v["value"] = v["numerator"] = v["denominator"] = None
                r.pop("counts")  # below state level the raw counts are not published
            out["levels"][level] = rows
        return out

    return cached("measures", compute, as_of, start, ",".join(levels), version=activity_version)


# The aggregate tables a reader may download as CSV (``/portal/data/<name>.csv``): the open-data export's own
# tables, small counts suppressed below state level; never a record of an agency, officer or person.
CSV_EXPORTS = [
    ("measures_program", "Measures, whole program"),
    ("measures_model", "Measures by model"),
    ("measures_state", "Measures by state"),
    ("measures_field_office", "Measures by ICE field office"),
    ("over_time", "Agreements over time by model"),
]


def csv_export(name: str, as_of: date, start: date | None = None) -> str:
    """One aggregate table as CSV text (a suppressed cell reads 'suppressed')."""
    # reports.opendata imports this module
    from g287.reports import opendata as od

    if name == "over_time":
        table = od._over_time()
    else:
        level = name.removeprefix("measures_")
        ms = m.compute(as_of, start)
        table = od._measure_table(ms, level)
    frame = od._text_frame(table)
    return exports.csv_text(frame.columns, frame.iter_rows())  # the one writer that cannot emit a formula


def synthetic_activity() -> bool:
    """Whether demonstration (synthetic) activity is in the database: the public measures then say so."""
    return Action.objects.filter(synthetic=True).exists()
