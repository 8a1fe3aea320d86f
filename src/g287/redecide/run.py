"""``redecide_actions``: re-decide every stored action in one set-based pass and report what breaks the rules."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import polars as pl

from g287.redecide.read import Scope, read_actions_and_masks, read_fact_tables
from g287.redecide.bulk import BIT, decide_all, per_agency_report
from g287.registry.models import Agency


@dataclass
class RedecideResult:
    actions: int
    denied: int
    by_agency: pl.DataFrame  # agency_id, agency key/name, actions, denied, one column per code
    by_code: dict[str, int]
    # Actions whose stored decision differs from the decision on today's facts (a later correction of
    # the record, a back-dated revocation ...), with the ids of the first few.
    changed: int
    changed_ids: list[int]
    decided: pl.DataFrame = field(repr=False)  # id, agency_id, agreement_id, officer_id, mask, stored_mask
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "actions": self.actions,
            "denied": self.denied,
            "by_code": self.by_code,
            "by_agency": [
                {"agency": r["agency_key"], "name": r["agency_name"], "actions": r["actions"], "denied": r["denied"],
                 "violations": {c: r[c] for c in BIT if r[c]}}
                for r in self.by_agency.iter_rows(named=True)
            ],
            "changed_since_recorded": self.changed,
            "changed_examples": self.changed_ids,
            "seconds": self.seconds,
        }


def redecide_actions(scope: Scope = Scope(), *, compare_stored: bool = True) -> RedecideResult:

    t0 = time.perf_counter()
    actions, stored = read_actions_and_masks(scope, stored=compare_stored)
    t1 = time.perf_counter()
    tables = read_fact_tables(actions.get_column("agreement_id").unique().to_list(),
                              actions.get_column("officer_id").unique().to_list())
    t2 = time.perf_counter()
    decided = decide_all(actions, tables)
    t3 = time.perf_counter()
    report = per_agency_report(decided)
    ids = report.get_column("agency_id").to_list()
    names = {a["id"]: (a["key"], a["name"]) for a in Agency.objects.filter(id__in=ids).values("id", "key", "name")}
    report = report.with_columns(
        pl.col("agency_id").replace_strict({k: v[0] for k, v in names.items()}, return_dtype=pl.Utf8).alias("agency_key"),
        pl.col("agency_id").replace_strict({k: v[1] for k, v in names.items()}, return_dtype=pl.Utf8).alias("agency_name"),
    ) if len(report) else report.with_columns(agency_key=pl.lit(""), agency_name=pl.lit(""))
    changed, changed_ids = 0, []
    if stored is not None:
        cmp = (decided.join(stored, on="id", how="left")
               .with_columns(pl.col("stored_mask").fill_null(0)))
        diff = cmp.filter((pl.col("stored_mask") != pl.col("mask")) | (pl.col("allowed") != (pl.col("mask") == 0)))
        changed = len(diff)
        changed_ids = diff.get_column("id").sort().head(20).to_list()
        decided = cmp
    by_code = {c: int(report.get_column(c).sum()) for c in BIT} if len(report) else {c: 0 for c in BIT}
    t4 = time.perf_counter()
    return RedecideResult(
        actions=len(actions), denied=int((decided.get_column("mask") != 0).sum()), by_agency=report,
        by_code={c: n for c, n in by_code.items() if n}, changed=changed, changed_ids=changed_ids, decided=decided,
        seconds={"read_actions": round(t1 - t0, 3), "read_facts": round(t2 - t1, 3), "decide": round(t3 - t2, 3),
                 "report": round(t4 - t3, 3), "total": round(t4 - t0, 3)},
    )
