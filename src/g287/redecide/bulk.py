"""The bulk auditor: every stored action re-decided in one set-based pass (Polars).

It must give exactly what ``g287.policy.evaluate`` gives for each action, so it holds no rules of its own:

- **What, where, on whom** (rules.md §4) depends only on the action's columns and the agreement's rule
  set. The column expressions are generated from the engine's compiled rule tables
  (``g287.policy.rules.RULESETS``: delegated functions, ``facility_only``, ``requires_criminal_charge``,
  ``requires_ice_designation``) and the engine's ``WARRANT_FUNCTIONS``.
- **Who may act, and when** (§5) depends on the officer, the agreement and the day. For one
  (officer, agreement) pair the answer can change only on a day some fact names: a signing, an expiry
  (+1 day), a notice's effective day (the template's offsets, via ``RuleSet.effective``), a lift, a
  course completion, a training or authorization term's end (+ the rule table's years, +1 day), a grant
  or a revocation. The auditor asks the engine itself (``evaluate``) for the §5 codes on each such day of
  each pair that has actions: a few thousand calls for a million actions. Each action then takes the
  answer of the last change point on or before its day (an as-of join).

Violations are carried as a bit mask, one bit per code in ``VIOLATION_CODES`` order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from g287.policy import facts as pf
from g287.policy.clock import add_years
from g287.policy.engine import evaluate
from g287.policy.rules import RULESETS, VIOLATION_CODES, WARRANT_FUNCTIONS

BIT = {code: 1 << i for i, code in enumerate(VIOLATION_CODES)}
SECTION4 = ("FUNCTION_NOT_DELEGATED", "OUTSIDE_AUTHORIZED_LOCATION", "SUBJECT_NOT_IN_LEA_CUSTODY",
            "SUBJECT_NO_CRIMINAL_CHARGE", "SUBJECT_NOT_DESIGNATED_BY_ICE", "WARRANT_NOT_SIGNED",
            "WARRANTLESS_ARREST_CONDITIONS_NOT_MET")
SECTION4_MASK = sum(BIT[c] for c in SECTION4)
FUNCTION_INDEX = {f: i for i, f in enumerate(pf.FUNCTIONS)}
RULESET_KEYS = sorted((str(m), t) for m, t in RULESETS)
RULESET_INDEX = {k: i for i, k in enumerate(RULESET_KEYS)}
EPOCH = date(1970, 1, 1)
_NOON = time(12, 0)

# Column layout of the frames the bulk pass reads (the readers in g287.redecide.read produce them).
ACTION_SCHEMA = {
    "id": pl.Int64, "officer_id": pl.Int64, "agreement_id": pl.Int64, "function": pl.Utf8, "d": pl.Date,
    "location": pl.Utf8, "in_lea_custody": pl.Boolean, "criminal_charge": pl.Utf8, "ice_designated": pl.Boolean,
    "warrant_signed_by_ice": pl.Boolean, "reason_to_believe": pl.Boolean, "likely_to_escape": pl.Boolean,
}


def codes_of(mask: int) -> frozenset[str]:
    return frozenset(c for c, b in BIT.items() if mask & b)


def mask_of(codes) -> int:
    m = 0
    for c in codes:
        m |= BIT[c]
    return m


# --- §4: expressions generated from the rule tables ---------------------------------------------


def _rs_flag(flag: str) -> dict[int, bool]:
    return {RULESET_INDEX[k]: bool(getattr(RULESETS[(pf.Model(k[0]), k[1])], flag)) for k in RULESET_KEYS}


def delegated_keys() -> list[int]:
    """rs * 16 + function index, for every function a rule set delegates."""
    return [RULESET_INDEX[k] * 16 + FUNCTION_INDEX[f] for k in RULESET_KEYS for f in RULESETS[(pf.Model(k[0]), k[1])].functions]


def _bit(code: str, cond: pl.Expr) -> pl.Expr:
    return pl.when(cond).then(pl.lit(BIT[code], pl.Int64)).otherwise(pl.lit(0, pl.Int64))


def section4_mask(rs: pl.Expr) -> pl.Expr:
    """The §4 violation bits of an action whose rule set (an index into RULESET_KEYS) is ``rs``.

    Each rule-table field becomes a lookup from the rule set's index; nothing is joined.
    """
    fidx = pl.col("function").replace_strict(FUNCTION_INDEX, return_dtype=pl.Int64)
    flag = lambda name: rs.replace_strict(_rs_flag(name), return_dtype=pl.Boolean)  # noqa: E731
    warrant_fns = sorted(WARRANT_FUNCTIONS)
    terms = [
        _bit("FUNCTION_NOT_DELEGATED", ~(rs * 16 + fidx).is_in(delegated_keys())),
        _bit("OUTSIDE_AUTHORIZED_LOCATION", flag("facility_only") & (pl.col("location") != pf.Location.LEA_FACILITY.value)),
        _bit("SUBJECT_NOT_IN_LEA_CUSTODY", flag("facility_only") & ~pl.col("in_lea_custody")),
        _bit("SUBJECT_NO_CRIMINAL_CHARGE",
             flag("requires_criminal_charge") & (pl.col("criminal_charge") == pf.CriminalCharge.NONE.value)),
        _bit("SUBJECT_NOT_DESIGNATED_BY_ICE", flag("requires_ice_designation") & ~pl.col("ice_designated")),
        _bit("WARRANT_NOT_SIGNED", pl.col("function").is_in(warrant_fns) & ~pl.col("warrant_signed_by_ice")),
        _bit("WARRANTLESS_ARREST_CONDITIONS_NOT_MET",
             (pl.col("function") == "warrantless_arrest") & ~(pl.col("reason_to_believe") & pl.col("likely_to_escape"))),
    ]
    out = terms[0]
    for t in terms[1:]:
        out = out | t
    return out


# --- §5: the engine asked on each day a pair's answer can change ---------------------------------


def change_days(facts: pf.Facts) -> set[date]:
    """Every day on which the §5 answer for this officer and agreement can change (see module doc)."""
    ag, off = facts.agreement, facts.officer
    rs = RULESETS[(ag.model, ag.template)]
    days = {date.min, ag.signed}
    if ag.expires is not None and ag.expires < date.max:
        days.add(ag.expires + timedelta(days=1))
    if rs.expired_after is not None:
        days.add(rs.expired_after + timedelta(days=1))
    for s in ag.suspensions:
        days.add(rs.effective("suspension", s.by, s.notice, s.exigent))
        if s.lifted is not None:
            days.add(s.lifted)
    for t in ag.terminations:
        days.add(rs.effective("termination", t.by, t.notice, t.exigent))
    for t in off.trainings:
        days.add(t.completed)
        if rs.refresher_years is not None:
            days.add(add_years(t.completed, rs.refresher_years) + timedelta(days=1))
    for a in off.authorizations:
        if a.agreement_id != ag.id:
            continue
        days.add(a.granted)
        if a.revoked is not None:
            days.add(a.revoked)
        if rs.authorization_term_years is not None:
            days.add(add_years(a.granted, rs.authorization_term_years) + timedelta(days=1))
    return days


def section5_timeline(facts: pf.Facts) -> list[tuple[date, int]]:
    """[(from day, §5 violation bits)] for one pair, only where the answer changes."""
    probe_fn = pf.FUNCTIONS[0]
    out: list[tuple[date, int]] = []
    last = None
    for d in sorted(change_days(facts)):
        if d == date.min:
            d_probe = date.min + timedelta(days=1)  # a day before everything a fact can name
        else:
            d_probe = d
        decision = evaluate(facts, pf.Action(function=probe_fn, at=datetime.combine(d_probe, _NOON)))
        mask = 0
        for v in decision.violations:
            mask |= BIT[v.code]
        mask &= ~SECTION4_MASK
        if mask != last:
            out.append((d, mask))
            last = mask
    return out


# --- the pass ------------------------------------------------------------------------------------


@dataclass
class FactTables:
    """The engine's facts for every agreement and officer an audit touches (small: thousands of rows)."""

    agreements: dict[int, pf.AgreementFacts]
    officers: dict[int, pf.OfficerFacts]
    agreement_agency: dict[int, int]


def timelines(tables: FactTables, pairs: pl.DataFrame) -> pl.DataFrame:
    """The §5 timeline of every (officer, agreement) pair, as rows (officer_id, agreement_id, d, m5)."""
    off_ids, ag_ids, days, masks = [], [], [], []
    for off_id, ag_id in pairs.select("officer_id", "agreement_id").iter_rows():
        facts = pf.Facts(agreement=tables.agreements[ag_id], officer=tables.officers[off_id])
        for d, m in section5_timeline(facts):
            off_ids.append(off_id)
            ag_ids.append(ag_id)
            days.append(d if d != date.min else date(1, 1, 1))
            masks.append(m)
    return pl.DataFrame({"officer_id": off_ids, "agreement_id": ag_ids, "d": days, "m5": masks},
                        schema={"officer_id": pl.Int64, "agreement_id": pl.Int64, "d": pl.Date, "m5": pl.Int64})


def decide_all(actions: pl.DataFrame, tables: FactTables) -> pl.DataFrame:
    """Every action re-decided: (id, agency_id, agreement_id, officer_id, mask); mask 0 = allowed."""
    rs_of = {k: RULESET_INDEX[(str(a.model), a.template)] for k, a in tables.agreements.items()}
    pair = (pl.col("officer_id") * (1 << 32) + pl.col("agreement_id")).alias("pair")
    pairs = actions.select("officer_id", "agreement_id").unique()
    tl = timelines(tables, pairs).select(pair, "d", "m5").sort("d")
    extra = [c for c in ("allowed",) if c in actions.columns]  # the stored decision, carried along
    decided = (
        actions.lazy()
        .select("id", "officer_id", "agreement_id", "d", pair, *extra,
                pl.col("agreement_id").replace_strict(tables.agreement_agency, return_dtype=pl.Int64).alias("agency_id"),
                section4_mask(pl.col("agreement_id").replace_strict(rs_of, return_dtype=pl.Int64)).alias("m4"))
        .sort("d")
        .join_asof(tl.lazy(), on="d", by="pair", strategy="backward", check_sortedness=False)
        .select("id", "agency_id", "agreement_id", "officer_id", (pl.col("m4") | pl.col("m5")).alias("mask"), *extra)
        .collect()
    )
    return decided


def per_agency_report(decided: pl.DataFrame) -> pl.DataFrame:
    """Actions, denied actions and violations per code, per agency."""
    aggs = [pl.len().alias("actions"), (pl.col("mask") != 0).sum().alias("denied")]
    aggs += [((pl.col("mask") & b) != 0).sum().alias(code) for code, b in BIT.items()]
    return decided.group_by("agency_id").agg(aggs).sort("agency_id")


def engine_facts_tables(agreements, notices, officers, trainings, exams, authorizations) -> FactTables:
    """Build the engine's facts from plain rows (dicts) read in bulk; the same shape facts_for builds."""
    ev = defaultdict(lambda: ([], []))
    for n in sorted(notices, key=lambda n: (n["date"], n["id"])):
        if n["kind"] == "suspension":
            ev[n["agreement_id"]][0].append(pf.Suspension(by=pf.Party(n["by"]), notice=n["date"],
                                                          exigent=bool(n["exigent"]), lifted=n["lifted"]))
        else:
            ev[n["agreement_id"]][1].append(pf.Termination(by=pf.Party(n["by"]), notice=n["date"],
                                                           exigent=bool(n["exigent"])))
    ag_facts, ag_agency = {}, {}
    for a in agreements:
        s, t = ev[a["id"]]
        ag_facts[a["id"]] = pf.AgreementFacts(
            id=str(a["id"]), agency_id=str(a["agency_id"]), model=pf.Model(a["model"]), template=a["template_version"],
            signed=a["signed"], expires=a["expires"], suspensions=tuple(s), terminations=tuple(t),
            detention_agreement=bool(a["detention_agreement"]))
        ag_agency[a["id"]] = a["agency_id"]
    scores = defaultdict(list)
    for x in sorted(exams, key=lambda x: (x["training_id"], x["order"])):
        scores[x["training_id"]].append(x["score"])
    tr = defaultdict(list)
    for t in sorted(trainings, key=lambda t: (t["completed"], t["id"])):
        tr[t["officer_id"]].append(pf.Training(course=t["course"], model=pf.Model(t["model"]), completed=t["completed"],
                                               exams=tuple(scores[t["id"]])))
    au = defaultdict(list)
    for a in sorted(authorizations, key=lambda a: (a["granted"], a["id"])):
        au[a["officer_id"]].append(pf.Authorization(agreement_id=str(a["agreement_id"]), granted=a["granted"],
                                                    revoked=a["revoked"]))
    off_facts = {
        o["id"]: pf.OfficerFacts(
            id=str(o["id"]), agency_id=str(o["agency_id"]), us_citizen=bool(o["us_citizen"]),
            background_check=pf.BackgroundCheck(o["background_check"]),
            lea_experience_years=float(o["lea_experience_years"]),
            trainings=tuple(tr[o["id"]]), authorizations=tuple(au[o["id"]]))
        for o in officers
    }
    return FactTables(ag_facts, off_facts, ag_agency)
