"""Open data: agencies, agreements, their history and the measures in aggregate, as CSV, Parquet and XLSX,
with a data dictionary (markdown and JSON).

No personal data ever: nothing about an officer, a subject or a complainant is read into these tables,
only registry facts ICE publishes and counts. Counts under ten are suppressed below state level (field
office, agency): in CSV and XLSX the cell reads ``suppressed`` and ``<column>_suppressed`` is true; in
Parquet the cell is null and ``<column>_suppressed`` is true. A suppressed count is never written as 0.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from tqdm import tqdm

from g287 import exports
from g287.reports import measures as m
from g287.reports import services
from g287.registry.filters import annotate_status
from g287.registry.freshness import reflects
from g287.registry.models import Agreement, AgreementEvent

SUPPRESSED = "suppressed"
FORMATS = ("csv", "parquet", "xlsx")


@dataclass
class Table:
    name: str
    title: str
    frame: pl.DataFrame
    columns: dict[str, str]  # column -> description
    level: str | None = None  # measure level, when the table is one


# ---------------------------------------------------------------- registry tables

def _agencies() -> Table:
    rows = m._rows("""
        SELECT a.id, a.key, a.name, a.state, a.county, a.ice_type, COALESCE(f.name, ''), a.detention_agreement,
               a.ori, a.population, a.sworn_officers, a.civilians
        FROM registry_agency a LEFT JOIN registry_fieldoffice f ON f.id = a.field_office_id ORDER BY a.state, a.name
    """, {})
    cols = {"agency_id": "Registry id of the agency (stable within this registry).",
            "key": "Content-derived key of the agency (state and normalized name).",
            "name": "The agency's name as ICE lists it.", "state": "USPS code of the state or territory.",
            "county": "County as ICE lists it (empty for many municipal and state agencies).",
            "ice_type": "ICE's TYPE column: County, Municipality, State Agency.",
            "field_office": "The ICE ERO field office whose area includes the agency.",
            "detention_agreement": "Whether the agency holds a reimbursable immigration detention agreement.",
            "ori": "FBI Originating Agency Identifier, when matched to the FBI employee roster.",
            "population": "Population served (FBI roster).", "sworn_officers": "Sworn officers (FBI roster).",
            "civilians": "Civilian employees (FBI roster)."}
    schema = {"agency_id": pl.Int64, "key": pl.Utf8, "name": pl.Utf8, "state": pl.Utf8, "county": pl.Utf8,
              "ice_type": pl.Utf8, "field_office": pl.Utf8, "detention_agreement": pl.Boolean, "ori": pl.Utf8,
              "population": pl.Int64, "sworn_officers": pl.Int64, "civilians": pl.Int64}
    return Table("agencies", "Agencies", pl.DataFrame(rows, schema=schema, orient="row"), cols)


def _agreements(as_of: date) -> Table:

    qs = (annotate_status(Agreement.objects.all(), as_of)
          .values_list("id", "key", "agency_id", "agency__state", "model", "template_version", "template_inferred",
                       "signed", "expires", "moa_link", "moa_url", "addendum", "addendum_url",
                       "first_listed__published", "last_listed__published", "superseded_by_id", "status_on", "listing_on")
          .order_by("agency__state", "agency__name", "model", "signed", "id"))
    schema = {"agreement_id": pl.Int64, "key": pl.Utf8, "agency_id": pl.Int64, "state": pl.Utf8, "model": pl.Utf8,
              "template_version": pl.Utf8, "template_inferred": pl.Boolean, "signed": pl.Date, "expires": pl.Date,
              "moa_link": pl.Utf8, "moa_url": pl.Utf8, "addendum": pl.Boolean, "addendum_url": pl.Utf8,
              "first_listed": pl.Date, "last_listed": pl.Date, "superseded_by": pl.Int64, "status": pl.Utf8, "listing_status": pl.Utf8}
    cols = {"agreement_id": "Registry id of the agreement (MOA).", "key": "Content-derived key of the agreement.",
            "agency_id": "The agency (agencies.agency_id).", "state": "USPS code of the agency's state.",
            "model": "JEM (Jail Enforcement), WSO (Warrant Service Officer), TFM (Task Force) or HYBRID (legacy).",
            "template_version": "The MOA template whose terms apply (2009, 2013, 2016, 2019, 2020, 2025).",
            "template_inferred": "True when the template was inferred from the model and signing date, not read "
                                 "from the MOA itself.",
            "signed": "Signing date as ICE lists it.", "expires": "End of a legacy fixed-term agreement.",
            "moa_link": "How ICE's newest listing shows the MOA: linked, named (without a link) or none.",
            "moa_url": "Link to the MOA document on ICE's site, when linked.",
            "addendum": "Whether ICE lists an addendum.", "addendum_url": "Link to the addendum, when linked.",
            "first_listed": "Date of the first ICE participating list that shows the agreement.",
            "last_listed": "Date of the last ICE participating list that shows it.",
            "superseded_by": "The agreement that replaced it (a renewal), when the lineage names one.",
            "status": "Status on the export's as-of day: terminated, suspended, termination_pending or "
                      "suspension_pending when a notice is in effect or given (by the MOA template's rule for when "
                      "a notice takes effect), else listing_status.",
            "listing_status": "ICE's listings alone on the as-of day: active, removed, superseded, or empty (not "
                              "listed by then)."}
    return Table("agreements", "Agreements", pl.DataFrame(list(qs), schema=schema, orient="row"), cols)


def _history() -> Table:

    qs = (AgreementEvent.objects.values_list("agreement_id", "date", "kind", "by", "exigent", "lifted",
                                             "publication__file_name", "note")
          .order_by("agreement_id", "date", "id"))
    schema = {"agreement_id": pl.Int64, "date": pl.Date, "kind": pl.Utf8, "by": pl.Utf8, "exigent": pl.Boolean,
              "lifted": pl.Date, "publication": pl.Utf8, "note": pl.Utf8}
    cols = {"agreement_id": "The agreement (agreements.agreement_id).",
            "date": "When it happened (for a suspension or termination notice: the notice date).",
            "kind": "signed, listed, renewal, model_switch, renamed, removed, relisted, addendum, suspension, "
                    "termination.",
            "by": "For a notice: who gave it (ICE or LEA).", "exigent": "For a notice: given as exigent.",
            "lifted": "For a suspension: when it was lifted.",
            "publication": "The ICE list the event was read from, when it came from one.",
            "note": "What the lineage recorded about the event."}
    return Table("agreement_history", "Agreement history", pl.DataFrame(list(qs), schema=schema, orient="row"), cols)


def _over_time() -> Table:
    rows = services.trend_by_model()
    frame = pl.DataFrame([{"list_date": r["day"], **{k: r[k] for k in services.MODELS}, "total": r["total"]}
                          for r in rows],
                         schema={"list_date": pl.Date, **{k: pl.Int64 for k in services.MODELS}, "total": pl.Int64})
    cols = {"list_date": "Date of an ICE participating agencies list (the last edition of the day).",
            **{k: f"Agreements of the {k} model on that list." for k in services.MODELS},
            "total": "All agreements on that list."}
    return Table("agreements_over_time", "Agreements over time by model", frame, cols)


# ---------------------------------------------------------------- measure tables

COUNT_DESCRIPTIONS = {
    "officers_authorized": "Officers holding an authorization under an agreement of the model on the as-of day.",
    "officers_certified": "Of those, officers who passed the model's basic course by then.",
    "officers_compliant": "Of those, certified and (for a model with a refresher cycle, JEM) current in training.",
    "obligations_due": "Obligations created by actions that fell due in the period.",
    "obligations_on_time": "Of those, met by their deadline.",
    "obligations_late": "Of those, met after their deadline but by the as-of day.",
    "obligations_overdue": "Of those, not met by the as-of day.",
    "agencies_in_force": "Agencies with an agreement in force on the as-of day.",
    "inspected_in_cycle": "Of those, inspected by OPR within their inspection cycle.",
    "inspections_overdue": "Of those, whose inspection is overdue.",
    "complaints_received": "Complaints received in the period.",
    "complaints_notice_due": "Complaint notices to ICE that fell due in the period.",
    "complaints_notified_on_time": "Of those, ICE told within 48 weekday hours.",
    "complaints_reports_due": "Complaint resolution reports that fell due in the period.",
    "complaints_reported_on_time": "Of those, reported within 30 days of the resolution.",
    "actions": "Actions taken under delegated authority in the period.",
    "actions_with_charge": "Of those, with the most serious charge recorded.",
    "actions_minor_charge": "Of those, whose most serious charge is a misdemeanor or an infraction.",
    "actions_infraction": "Of those, whose most serious charge is an infraction.",
    "actions_usc_claim": "Actions where the person claimed U.S. citizenship.",
    "auditor_actions": "Actions of the period re-decided by the rules audit.",
    "auditor_denied": "Of those, against at least one rule on the recorded facts.",
}
# Each share's formula, from the measure's own numerator and denominator.
SHARE_DESCRIPTIONS = {x.key: f"{x.numerator} / {x.denominator}." for x in m.MEASURES if x.kind == "share"}
LEVEL_KEYS = {"program": {"program": "Always 'all'."},
              "model": {"model": "The agreement model."},
              "state": {"state": "USPS code of the state or territory."},
              "field_office": {"field_office": "ICE ERO field office (empty: not assigned)."},
              "agency": {"agency_id": "The agency (agencies.agency_id).", "agency_name": "The agency's name.",
                         "state": "USPS code of the state."}}


def _measure_table(ms: m.MeasureSet, level: str) -> Table:
    frame = ms.rollup(level)
    shares = []
    for meas in m.MEASURES:
        if meas.kind == "share":
            name = f"{meas.key}_share"
            shares.append(pl.when(pl.col(meas.denominator) > 0)
                          .then(pl.col(meas.numerator) / pl.col(meas.denominator)).otherwise(None).alias(name))
    frame = frame.with_columns(shares)
    cols = {**LEVEL_KEYS[level], **COUNT_DESCRIPTIONS,
            **{f"{k}_share": f"Share: {v}" for k, v in SHARE_DESCRIPTIONS.items()}}
    if level in m.SMALL_LEVELS:
        flags, values = [], []
        for c in m.COUNT_COLUMNS:
            flag = pl.col(c).is_not_null() & (pl.col(c) < m.SUPPRESS_BELOW)
            flags.append(flag.alias(f"{c}_suppressed"))
        for k in SHARE_DESCRIPTIONS:
            meas = next(x for x in m.MEASURES if x.key == k)
            flags.append((pl.col(meas.numerator).is_not_null()
                          & ((pl.col(meas.numerator) < m.SUPPRESS_BELOW) | (pl.col(meas.denominator) < m.SUPPRESS_BELOW)))
                         .alias(f"{k}_share_suppressed"))
        frame = frame.with_columns(flags)
        for c in [*m.COUNT_COLUMNS, *[f"{k}_share" for k in SHARE_DESCRIPTIONS]]:
            values.append(pl.when(pl.col(f"{c}_suppressed")).then(None).otherwise(pl.col(c)).alias(c))
        frame = frame.with_columns(values)
        ordered = list(LEVEL_KEYS[level])
        for c in [*m.COUNT_COLUMNS, *[f"{k}_share" for k in SHARE_DESCRIPTIONS]]:
            ordered += [c, f"{c}_suppressed"]
            cols[f"{c}_suppressed"] = f"True when {c} is withheld because a count under {m.SUPPRESS_BELOW} is involved."
        frame = frame.select(ordered)
    title = {"program": "Measures, whole program", "model": "Measures by model", "state": "Measures by state",
             "field_office": "Measures by ICE field office", "agency": "Measures by agency"}[level]
    return Table(f"measures_{level}", title, frame, cols, level)


# ---------------------------------------------------------------- writing

def _reflects(as_of: date) -> dict:
    """The ICE list the registry reflects on ``as_of``, its date and whether it is stale (registry.freshness)."""

    return reflects(as_of).as_dict()


def _text_frame(t: Table) -> pl.DataFrame:
    """CSV and XLSX: a suppressed cell reads 'suppressed' (never 0 and never empty)."""
    frame = t.frame
    flagged = [c[: -len("_suppressed")] for c in frame.columns if c.endswith("_suppressed")]
    if not flagged:
        return frame
    return frame.with_columns([
        pl.when(pl.col(f"{c}_suppressed")).then(pl.lit(SUPPRESSED)).otherwise(pl.col(c).cast(pl.Utf8)).alias(c)
        for c in flagged])


def _write_xlsx(tables: list[Table], path: Path, as_of: date, reflects: dict) -> None:
    wb = exports.XlsxBook()
    about = wb.sheet("about")
    about.append(["g287 open data"])
    about.append(["as of", as_of.isoformat()])
    about.append(["ICE list reflected", reflects["list"] or "none", reflects["list_date"] or ""])
    about.append([reflects["statement"]])
    about.append([f"Counts under {m.SUPPRESS_BELOW} below state level read '{SUPPRESSED}'; see the data dictionary."])
    for t in tables:
        ws = wb.sheet(t.name)
        frame = _text_frame(t)
        ws.append(frame.columns)
        for row in frame.iter_rows():
            ws.append(list(row))
    wb.save(path)


def dictionary(tables: list[Table], as_of: date, start: date, reflects: dict | None = None) -> dict:
    def kind(dtype) -> str:
        return {pl.Int64: "integer", pl.Float64: "number", pl.Boolean: "boolean", pl.Date: "date"}.get(dtype, "string")

    return {
        "name": "g287-open-data",
        "title": "The §287(g) program: agencies, agreements, history and performance measures",
        "as_of": as_of.isoformat(), "period": {"start": start.isoformat(), "end": as_of.isoformat()},
        # Which ICE list the registry tables reflect on the as-of day, and the warning when it is old.
        "reflects": reflects if reflects is not None else _reflects(as_of),
        "personal_data": "none: no officer, subject or complainant appears in any table; measures are counts",
        "suppression": {"threshold": m.SUPPRESS_BELOW, "levels": list(m.SMALL_LEVELS),
                        "csv_xlsx": f"the cell reads '{SUPPRESSED}' and <column>_suppressed is true",
                        "parquet": "the cell is null and <column>_suppressed is true"},
        "formats": list(FORMATS),
        "resources": [{"name": t.name, "title": t.title, "paths": [f"{t.name}.csv", f"{t.name}.parquet"],
                       "xlsx_sheet": t.name[:31], "rows": len(t.frame),
                       "schema": {"fields": [{"name": c, "type": kind(t.frame.schema[c]),
                                             "description": t.columns.get(c, "")} for c in t.frame.columns]}}
                      for t in tables],
    }


def _markdown(d: dict) -> str:
    r = d["reflects"]
    lines = [f"# {d['title']}", "", f"As of **{d['as_of']}**; activity measures cover {d['period']['start']} to "
             f"{d['period']['end']}.", "",
             f"ICE list reflected: **{r['list'] or 'none'}**" + (f" of **{r['list_date']}**." if r["list_date"] else "."),
             "", ("**Out of date:** " if r["stale"] or not r["list"] else "") + r["statement"], "",
             f"Personal data: {d['personal_data']}.", "",
             f"Suppression: below state level ({', '.join(d['suppression']['levels'])}), a count under "
             f"{d['suppression']['threshold']} is withheld — in CSV and XLSX {d['suppression']['csv_xlsx']}; in "
             f"Parquet {d['suppression']['parquet']}. A share computed from a withheld count is withheld too.", "",
             "Files: each table as CSV and Parquet, and all tables as sheets of `open-data.xlsx`.", ""]
    for r in d["resources"]:
        lines += [f"## {r['name']} — {r['title']}", "", f"{r['rows']} rows.", "", "| column | type | description |",
                  "|---|---|---|"]
        lines += [f"| `{f['name']}` | {f['type']} | {f['description']} |" for f in r["schema"]["fields"]]
        lines.append("")
    return "\n".join(lines)


def export_open_data(out: Path, as_of: date, start: date | None = None, progress: bool = True, stream=None) -> dict:
    """Write every table in every format to ``out`` with the data dictionary; returns the dictionary."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    steps = ["agencies", "agreements", "history", "over time", "measures"]
    bar = tqdm(total=len(steps) + 8, desc="open data", unit="step", file=stream or sys.stderr, disable=not progress)
    tables = []
    for name, build in [("agencies", _agencies), ("agreements", lambda: _agreements(as_of)),
                        ("history", _history), ("over time", _over_time)]:
        bar.set_postfix_str(name, refresh=False)
        tables.append(build())
        bar.update()
    bar.set_postfix_str("measures", refresh=False)
    ms = m.compute(as_of, start)
    bar.update()
    for level in ("program", "model", "state", "field_office", "agency"):
        tables.append(_measure_table(ms, level))
    for t in tables:
        bar.set_postfix_str(t.name, refresh=False)
        exports.write_csv_frame(_text_frame(t), out / f"{t.name}.csv")
        t.frame.write_parquet(out / f"{t.name}.parquet")
    bar.update(5)
    reflects = _reflects(as_of)
    _write_xlsx(tables, out / "open-data.xlsx", as_of, reflects)
    bar.update()
    d = dictionary(tables, as_of, ms.start, reflects)
    (out / "datapackage.json").write_text(json.dumps(d, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "DATA_DICTIONARY.md").write_text(_markdown(d), encoding="utf-8")
    bar.update(2)
    bar.close()
    return d
