"""Performance measures as of any day, per program, field office, state, model and agency.

Each measure is a count, or a share (numerator over denominator), computed in SQL over the whole period
in a handful of grouped queries, one row per (agency, model), and then summed up to the level asked for.
Measures of activity (actions, obligations, complaints, the auditor) count what fell due or happened in
the period ``start``–``as_of`` (by default the twelve months up to ``as_of``); standing measures
(training compliance, inspection coverage) are read on ``as_of`` itself.

Measures whose source tables are not installed yet are reported as not available, never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db import connection

from g287.policy.clock import add_years
from g287.oversight.models import DEFAULT_CYCLE_MONTHS
from g287.oversight.schedule import add_months
from g287.policy.rules import RULESETS, UnknownRuleSet, ruleset
from g287.redecide.read import Scope
from g287.redecide.run import redecide_actions
from g287.registry.filters import annotate_status
from g287.registry.models import Agreement, AgreementEvent

LEVELS = ("program", "model", "field_office", "state", "agency")
# Levels below a state: their counts under SUPPRESS_BELOW are suppressed wherever they are published.
SMALL_LEVELS = ("field_office", "agency", "county")
SUPPRESS_BELOW = 10
MINOR_LEVELS = ("misdemeanor", "infraction")


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str  # "share" (numerator/denominator) or "count"
    numerator: str  # column of the base frame
    denominator: str | None = None
    by_model: bool = True  # False: the source has no model (complaints), so the model level leaves it out


# The measures, in the order they are shown. Their labels: reports/choices.py.
MEASURES = [
    Measure("training_compliance", "share", "officers_compliant", "officers_authorized"),
    Measure("obligations_on_time", "share", "obligations_on_time", "obligations_due"),
    Measure("obligations_overdue", "count", "obligations_overdue"),
    Measure("inspection_coverage", "share", "inspected_in_cycle", "agencies_in_force"),
    Measure("inspections_overdue", "count", "inspections_overdue"),
    Measure("complaint_timeliness", "share", "complaints_notified_on_time", "complaints_notice_due", by_model=False),
    Measure("minor_charge_share", "share", "actions_minor_charge", "actions_with_charge"),
    Measure("citizenship_claims", "count", "actions_usc_claim"),
    Measure("auditor_violations", "count", "auditor_denied"),
]
MEASURE_KEYS = [m.key for m in MEASURES]

# Every count column of the base frame, with the measure family (source) it comes from.
COUNT_SOURCES = {
    "officers_authorized": "training", "officers_certified": "training", "officers_compliant": "training",
    "obligations_due": "obligations", "obligations_on_time": "obligations", "obligations_late": "obligations",
    "obligations_overdue": "obligations",
    "agencies_in_force": "inspections", "inspected_in_cycle": "inspections", "inspections_overdue": "inspections",
    "complaints_received": "complaints", "complaints_notice_due": "complaints",
    "complaints_notified_on_time": "complaints", "complaints_reports_due": "complaints",
    "complaints_reported_on_time": "complaints",
    "actions": "actions", "actions_with_charge": "actions", "actions_minor_charge": "actions",
    "actions_infraction": "actions", "actions_usc_claim": "actions",
    "auditor_actions": "auditor", "auditor_denied": "auditor",
}
COUNT_COLUMNS = list(COUNT_SOURCES)
SOURCES = ("training", "obligations", "inspections", "complaints", "actions", "auditor")


@dataclass
class MeasureSet:
    """The base counts per (agency, model) for one day and period, and the levels they sum up to."""

    as_of: date
    start: date
    base: pl.DataFrame  # agency_id, model (null: agency-level facts), one column per count
    inspections_by_model: pl.DataFrame  # agency_id, model, agencies_in_force, inspected_in_cycle, inspections_overdue
    agencies: pl.DataFrame  # agency_id, state, field_office, county, name
    available: dict[str, bool]
    auditor_by_code: dict[str, int] = field(default_factory=dict)

    def rollup(self, level: str) -> pl.DataFrame:
        """One row per group of the level, with every count column; shares are computed by ``shares``."""
        if level not in LEVELS and level != "county":
            raise ValueError(f"unknown level {level!r}; one of {', '.join(LEVELS + ('county',))}")
        insp = [c for c, s in COUNT_SOURCES.items() if s == "inspections"]
        if level == "model":
            rows = self.base.filter(pl.col("model").is_not_null()).drop(insp)
            rows = rows.join(self.inspections_by_model, on=["agency_id", "model"], how="full", coalesce=True)
            keys = ["model"]
        else:
            rows = self.base.join(self.agencies, on="agency_id", how="left")
            keys = {"program": [], "field_office": ["field_office"], "state": ["state"],
                    "agency": ["agency_id", "agency_name", "state"], "county": ["state", "county"]}[level]
        aggs = [pl.col(c).fill_null(0).sum().cast(pl.Int64).alias(c) for c in COUNT_COLUMNS]
        if not keys:
            out = rows.select(aggs) if len(rows) else pl.DataFrame({c: [0] for c in COUNT_COLUMNS})
            out = out.with_columns(pl.lit("all").alias("program")).select(["program", *COUNT_COLUMNS])
            return self._unavailable_as_null(out)
        out = rows.group_by(keys).agg(aggs).sort(keys, nulls_last=True)
        if level == "model":  # complaints carry no model
            out = out.with_columns([pl.lit(None, pl.Int64).alias(c) for c, s in COUNT_SOURCES.items()
                                    if s == "complaints"])
        return self._unavailable_as_null(out)

    def _unavailable_as_null(self, frame: pl.DataFrame) -> pl.DataFrame:
        gone = [c for c, s in COUNT_SOURCES.items() if not self.available.get(s)]
        return frame.with_columns([pl.lit(None, pl.Int64).alias(c) for c in gone]) if gone else frame

    def table(self, level: str) -> list[dict]:
        """Rows of the level with each measure as {value, numerator, denominator}, for pages and reports."""
        out = []
        for r in self.rollup(level).iter_rows(named=True):
            row = {k: r[k] for k in r if k not in COUNT_COLUMNS}
            row["counts"] = {c: r[c] for c in COUNT_COLUMNS}
            row["measures"] = {m.key: self.value(m, r) for m in MEASURES}
            out.append(row)
        return out

    def value(self, m: Measure, counts: dict) -> dict:
        source = COUNT_SOURCES[m.numerator]
        if not self.available.get(source):
            return {"available": False, "value": None, "numerator": None, "denominator": None}
        num = counts.get(m.numerator)
        if m.kind == "count":
            return {"available": num is not None, "value": num, "numerator": num, "denominator": None}
        den = counts.get(m.denominator)
        share = (num / den) if (num is not None and den) else None
        return {"available": num is not None, "value": share, "numerator": num, "denominator": den}


# ---------------------------------------------------------------- the queries

def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _frame(rows, columns) -> pl.DataFrame:
    schema = {c: (pl.Int64 if c not in ("model",) else pl.Utf8) for c in columns}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _instant(day: date) -> datetime:
    """Midnight at the start of ``day`` in the program's time zone (the end of the day before)."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _current_since(as_of: date, years: int) -> date:
    """The earliest completion date whose training is still current on ``as_of`` (as_of <= completed + years)."""
    d = add_years(as_of, -years)
    while add_years(d - timedelta(days=1), years) >= as_of:
        d -= timedelta(days=1)
    while add_years(d, years) < as_of:
        d += timedelta(days=1)
    return d


def _refresher_years() -> dict[str, int]:

    out: dict[str, int] = {}
    for (model, _t), rs in RULESETS.items():
        if rs.refresher_years:
            out[str(model)] = max(out.get(str(model), 0), rs.refresher_years)
    return out


_PASSED = """
    SELECT t.officer_id, t.model, t.course, t.completed FROM personnel_training t
    WHERE t.completed <= %(d)s
      AND (SELECT COUNT(*) FROM personnel_examscore e WHERE e.training_id = t.id AND e.score < 70) <= 1
      AND NOT EXISTS (SELECT 1 FROM personnel_examscore e WHERE e.training_id = t.id AND e.score < 70
                      AND e."order" = (SELECT MAX(e2."order") FROM personnel_examscore e2 WHERE e2.training_id = t.id))
"""


def training(as_of: date) -> pl.DataFrame:
    """Officers authorized on the day under an agreement of each model, those certified for that model
    (basic course passed), and those compliant: certified and, for a model with a refresher cycle, current."""
    params = {"d": as_of}
    current = []
    for i, (model, years) in enumerate(sorted(_refresher_years().items())):
        params[f"m{i}"], params[f"t{i}"] = model, _current_since(as_of, years)
        current.append(f"(auth.model <> %(m{i})s OR EXISTS (SELECT 1 FROM passed p WHERE p.officer_id = auth.officer_id"
                       f" AND p.model = auth.model AND p.completed >= %(t{i})s))")
    basic = ("EXISTS (SELECT 1 FROM passed p WHERE p.officer_id = auth.officer_id AND p.model = auth.model"
             " AND p.course = 'basic')")
    compliant = " AND ".join([basic, *current])
    sql = f"""
        WITH auth AS (
            SELECT DISTINCT ag.agency_id, ag.model, a.officer_id
            FROM personnel_authorization a JOIN registry_agreement ag ON ag.id = a.agreement_id
            WHERE a.granted <= %(d)s AND (a.revoked IS NULL OR a.revoked > %(d)s)
        ), passed AS ({_PASSED})
        SELECT auth.agency_id, auth.model, COUNT(*),
               SUM(CASE WHEN {basic} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {compliant} THEN 1 ELSE 0 END)
        FROM auth GROUP BY auth.agency_id, auth.model
    """
    return _frame(_rows(sql, params), ["agency_id", "model", "officers_authorized", "officers_certified",
                                       "officers_compliant"])


def obligations(start: date, as_of: date) -> pl.DataFrame:
    """Obligations of actions that fell due in the period: met on time, met late, or still open on the day."""
    params = {"s": _instant(start), "e": _instant(as_of + timedelta(days=1))}
    sql = """
        SELECT ag.agency_id, ag.model, COUNT(*),
               SUM(CASE WHEN o.fulfilled_at IS NOT NULL AND o.fulfilled_at <= o.due THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.fulfilled_at > o.due AND o.fulfilled_at < %(e)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.fulfilled_at IS NULL OR o.fulfilled_at >= %(e)s THEN 1 ELSE 0 END)
        FROM operations_obligation o
        JOIN operations_action a ON a.id = o.action_id
        JOIN registry_agreement ag ON ag.id = a.agreement_id
        WHERE o.due >= %(s)s AND o.due < %(e)s
        GROUP BY ag.agency_id, ag.model
    """
    return _frame(_rows(sql, params), ["agency_id", "model", "obligations_due", "obligations_on_time",
                                       "obligations_late", "obligations_overdue"])


def actions(start: date, as_of: date) -> pl.DataFrame:
    """Actions in the period: with a recorded charge level, whose most serious charge is a misdemeanor or an
    infraction, an infraction alone, and encounters where the person claimed U.S. citizenship."""
    params = {"s": start, "e": as_of, "l1": MINOR_LEVELS[0], "l2": MINOR_LEVELS[1]}
    sql = """
        SELECT ag.agency_id, ag.model, COUNT(*),
               SUM(CASE WHEN a.charge_level <> '' THEN 1 ELSE 0 END),
               SUM(CASE WHEN a.charge_level IN (%(l1)s, %(l2)s) THEN 1 ELSE 0 END),
               SUM(CASE WHEN a.charge_level = %(l2)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN a.usc_claim THEN 1 ELSE 0 END)
        FROM operations_action a JOIN registry_agreement ag ON ag.id = a.agreement_id
        WHERE a.local_date >= %(s)s AND a.local_date <= %(e)s
        GROUP BY ag.agency_id, ag.model
    """
    return _frame(_rows(sql, params), ["agency_id", "model", "actions", "actions_with_charge", "actions_minor_charge",
                                       "actions_infraction", "actions_usc_claim"])


def complaints(start: date, as_of: date) -> pl.DataFrame:
    """Complaints received in the period, and their deadlines that fell due in it: ICE told within 48
    weekday hours, and the resolution reported within 30 days, on time."""
    params = {"s": _instant(start), "e": _instant(as_of + timedelta(days=1)),
              "n": "NOTIFY_ICE_OF_COMPLAINT", "r": "REPORT_COMPLAINT_RESOLUTION"}
    received = dict(_rows("""SELECT c.agency_id, COUNT(*) FROM oversight_complaint c
                             WHERE c.received >= %(s)s AND c.received < %(e)s GROUP BY c.agency_id""", params))
    sql = """
        SELECT c.agency_id,
               SUM(CASE WHEN o.code = %(n)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.code = %(n)s AND o.fulfilled_at IS NOT NULL AND o.fulfilled_at <= o.due THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.code = %(r)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN o.code = %(r)s AND o.fulfilled_at IS NOT NULL AND o.fulfilled_at <= o.due THEN 1 ELSE 0 END)
        FROM oversight_complaintobligation o JOIN oversight_complaint c ON c.id = o.complaint_id
        WHERE o.due >= %(s)s AND o.due < %(e)s
        GROUP BY c.agency_id
    """
    due = {r[0]: r[1:] for r in _rows(sql, params)}
    rows = [(a, None, received.get(a, 0), *(due.get(a) or (0, 0, 0, 0))) for a in sorted(set(received) | set(due))]
    return _frame(rows, ["agency_id", "model", "complaints_received", "complaints_notice_due",
                         "complaints_notified_on_time", "complaints_reports_due", "complaints_reported_on_time"])


def in_force(as_of: date) -> list[tuple[int, int, str, date]]:
    """(agreement, agency, model, signed) of the agreements in force on the day: signed by then, not shown
    removed or superseded by ICE's lists of that day, and no termination notice in effect."""
    from django.db.models import Q


    rows = list(annotate_status(Agreement.objects.filter(signed__isnull=False, signed__lte=as_of), as_of)
                .filter(Q(listing_on="active") | Q(listing_on__isnull=True))
                .values_list("id", "agency_id", "model", "signed", "template_version"))
    ended = set()
    for ev in (AgreementEvent.objects.filter(kind=AgreementEvent.Kind.TERMINATION, date__lte=as_of,
                                             agreement_id__in=[r[0] for r in rows])
               .select_related("agreement")):
        try:
            day = ruleset(ev.agreement.model, ev.agreement.template_version).effective(
                ev.kind, ev.by or "ICE", ev.date, ev.exigent)
        except UnknownRuleSet:
            day = ev.date
        if day <= as_of:
            ended.add(ev.agreement_id)
    return [r[:4] for r in rows if r[0] not in ended]


def inspections(as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Agencies in force on the day, those inspected within their cycle, and those whose inspection is
    overdue (the cycle counted from the last inspection, or from the earliest signing when never inspected).
    Per agency (the shortest cycle of its models, as the schedule counts it) and per (agency, model)."""

    agreements = in_force(as_of)
    cycles = dict(_rows("SELECT model, months FROM oversight_inspectioncycle", {}))

    last = dict(_rows("""SELECT agency_id, MAX(held) FROM oversight_inspection
                         WHERE kind = 'inspection' AND held <= %(d)s GROUP BY agency_id""", {"d": as_of}))
    last = {k: (v if isinstance(v, date) else date.fromisoformat(str(v))) for k, v in last.items()}
    models: dict[int, set[str]] = {}
    first_signed: dict[int, date] = {}
    for _id, agency, model, signed in agreements:
        models.setdefault(agency, set()).add(model)
        first_signed[agency] = min(signed, first_signed.get(agency, signed))

    def row(agency: int, months: int) -> tuple[int, int, int]:
        li = last.get(agency)
        covered = int(li is not None and add_months(li, months) >= as_of)
        overdue = int(add_months(li or first_signed[agency], months) < as_of)
        return 1, covered, overdue

    cols = ["agency_id", "model", "agencies_in_force", "inspected_in_cycle", "inspections_overdue"]
    per_agency = [(a, None, *row(a, min(cycles.get(m, DEFAULT_CYCLE_MONTHS) for m in ms))) for a, ms in models.items()]
    per_model = [(a, m, *row(a, cycles.get(m, DEFAULT_CYCLE_MONTHS))) for a, ms in models.items() for m in sorted(ms)]
    return _frame(per_agency, cols), _frame(per_model, cols)


def auditor(start: date, as_of: date) -> tuple[pl.DataFrame, dict[str, int]]:
    """Actions of the period re-decided by the bulk auditor: how many, and how many break a rule."""

    cols = ["agency_id", "model", "auditor_actions", "auditor_denied"]
    # The auditor's PostgreSQL reader cannot parse an empty result: ask first whether there is anything.
    if not _rows("SELECT 1 FROM operations_action WHERE local_date >= %(s)s AND local_date <= %(e)s LIMIT 1",
                 {"s": start, "e": as_of}):
        return _frame([], cols), {}
    result = redecide_actions(Scope(date_from=start, date_to=as_of), compare_stored=False)
    if not result.actions:
        return _frame([], cols), {}
    models = pl.DataFrame(_rows("SELECT id, model FROM registry_agreement", {}), schema={"agreement_id": pl.Int64,
                          "model": pl.Utf8}, orient="row")
    frame = (result.decided.join(models, on="agreement_id", how="left")
             .group_by("agency_id", "model")
             .agg(pl.len().cast(pl.Int64).alias("auditor_actions"),
                  (pl.col("mask") != 0).sum().cast(pl.Int64).alias("auditor_denied")))
    return frame.select(cols), result.by_code


def _agencies() -> pl.DataFrame:
    rows = _rows("""SELECT a.id, a.name, a.state, a.county, COALESCE(f.name, '')
                    FROM registry_agency a LEFT JOIN registry_fieldoffice f ON f.id = a.field_office_id""", {})
    return pl.DataFrame(rows, schema={"agency_id": pl.Int64, "agency_name": pl.Utf8, "state": pl.Utf8,
                                      "county": pl.Utf8, "field_office": pl.Utf8}, orient="row")


def compute(as_of: date, start: date | None = None) -> MeasureSet:
    """Every measure's base counts as of ``as_of`` over the period ``start``–``as_of``
    (default: the twelve months up to and including ``as_of``)."""
    if start is None:
        start = add_years(as_of, -1) + timedelta(days=1)
    if start > as_of:
        raise ValueError(f"the period starts ({start}) after its end ({as_of})")
    tables = _tables()
    available = {
        "training": {"personnel_authorization", "personnel_training"} <= tables,
        "obligations": "operations_obligation" in tables,
        "actions": "operations_action" in tables,
        "auditor": "operations_action" in tables,
        "complaints": {"oversight_complaint", "oversight_complaintobligation"} <= tables,
        "inspections": {"oversight_inspection", "oversight_inspectioncycle"} <= tables,
    }
    parts = []
    if available["training"]:
        parts.append(training(as_of))
    if available["obligations"]:
        parts.append(obligations(start, as_of))
    if available["actions"]:
        parts.append(actions(start, as_of))
    by_code: dict[str, int] = {}
    if available["auditor"]:
        frame, by_code = auditor(start, as_of)
        parts.append(frame)
    if available["complaints"]:
        parts.append(complaints(start, as_of))
    cols = ["agency_id", "model", "agencies_in_force", "inspected_in_cycle", "inspections_overdue"]
    insp_model = _frame([], cols)
    if available["inspections"]:
        insp_agency, insp_model = inspections(as_of)
        parts.append(insp_agency)
    base = pl.DataFrame(schema={"agency_id": pl.Int64, "model": pl.Utf8, **{c: pl.Int64 for c in COUNT_COLUMNS}})
    for part in parts:
        if len(part):
            base = pl.concat([base, part], how="diagonal_relaxed")
    base = base.group_by("agency_id", "model").agg([pl.col(c).sum().alias(c) for c in COUNT_COLUMNS])
    for c, s in COUNT_SOURCES.items():
        if not available[s]:
            base = base.with_columns(pl.lit(None, pl.Int64).alias(c))
    return MeasureSet(as_of=as_of, start=start, base=base, inspections_by_model=insp_model, agencies=_agencies(),
                      available=available, auditor_by_code=by_code)


# ---------------------------------------------------------------- suppression

def suppressed(level: str, n: int | None) -> bool:
    """Counts under ten are withheld in anything below state level (a true zero too: never shown as 0)."""
    return level in SMALL_LEVELS and n is not None and n < SUPPRESS_BELOW
