"""The changes' one ordered scan of the observations gives what the per-pair SQL queries it replaced gave, in the
same order, on a fortnight of ICE's real lists (July 2025: additions, removals, renames, re-dated rows, new MOA
links, a return; applications filed, signed and withdrawn). The queries are kept here as the reference."""

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from g287.changes import diff, services
from g287.registry.models import Agreement, Observation
from g287.registry.services import import_ice_sheets

pytestmark = pytest.mark.django_db

HISTORY = Path(settings.DATA_DIR) / "ice-history"
FILES = [HISTORY / "participatingAgencies" / f"participatingAgencies{d}.xlsx"
         for d in ("07232025pm", "07242025am", "07242025pm", "07242025pm_b", "07252025pm", "07282025am",
                   "07292025am", "07292025pm")] + [
    HISTORY / "pendingAgencies" / f"pendingAgencies{d}.xlsx"
    for d in ("07222025pm", "07232025pm", "07242025pm", "07252025am", "07292025am")]


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{f}" for f in services._FIELDS)


def sql_pending_rows(pub_ids: list[int]) -> dict[int, dict[int, diff.Row]]:
    table = connection.ops.quote_name(Observation._meta.db_table)
    out: dict[int, list[diff.Row]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(f"SELECT publication_id, application_id, {_cols('o')} FROM {table} o "
                    f"WHERE publication_id IN ({', '.join(['%s'] * len(pub_ids))}) ORDER BY publication_id, \"row\"",
                    pub_ids)
        for pub, *values in cur.fetchall():
            out[pub].append(services._row(values))
    return {pub: diff.first_by_subject(rows) for pub, rows in out.items()}


def sql_participating_differences(pairs: list[tuple[int, int]]):
    appeared, disappeared, both = defaultdict(dict), defaultdict(dict), defaultdict(list)
    obs = connection.ops.quote_name(Observation._meta.db_table)
    agr = connection.ops.quote_name(Agreement._meta.db_table)
    n = len(services._FIELDS)
    values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(pairs))
    params = [x for pair in pairs for x in pair]
    head = f"WITH pairs(pub, prev) AS (VALUES {values}) "
    with connection.cursor() as cur:
        cur.execute(head + f"""
            SELECT p.pub, o.agreement_id, {_cols('o')} FROM pairs p
            JOIN {obs} o ON o.publication_id = p.pub
            WHERE o.agreement_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM {obs} q WHERE q.agreement_id = o.agreement_id AND q.publication_id = p.prev)
            ORDER BY p.pub, o."row\"""", params)
        for pub, *values_ in cur.fetchall():
            appeared[pub].setdefault(values_[0], services._row(values_))
        cur.execute(head + f"""
            SELECT p.pub, q.agreement_id, {_cols('q')}, CASE WHEN EXISTS (
                SELECT 1 FROM {obs} s WHERE s.agreement_id = a.superseded_by_id AND s.publication_id = p.pub)
                THEN 1 ELSE 0 END
            FROM pairs p
            JOIN {obs} q ON q.publication_id = p.prev
            JOIN {agr} a ON a.id = q.agreement_id
            WHERE NOT EXISTS (
                SELECT 1 FROM {obs} o WHERE o.agreement_id = q.agreement_id AND o.publication_id = p.pub)
            ORDER BY p.pub, q."row\"""", params)
        for pub, *values_ in cur.fetchall():
            disappeared[pub].setdefault(values_[0], (services._row(values_[:-1]), bool(values_[-1])))
        cur.execute(head + f"""
            SELECT p.pub, q.agreement_id, {_cols('q')}, o.agreement_id, {_cols('o')} FROM pairs p
            JOIN {obs} o ON o.publication_id = p.pub
            JOIN {obs} q ON q.agreement_id = o.agreement_id AND q.publication_id = p.prev
            WHERE (o.name <> q.name OR o.moa_url <> q.moa_url OR o.moa_text <> q.moa_text
                   OR o.addendum_text <> q.addendum_text OR o.addendum_url <> q.addendum_url
                   OR NOT (o.signed = q.signed OR (o.signed IS NULL AND q.signed IS NULL)))
              AND NOT EXISTS (SELECT 1 FROM {obs} e WHERE e.agreement_id = q.agreement_id
                              AND e.publication_id = p.pub AND e."row" < o."row")
              AND NOT EXISTS (SELECT 1 FROM {obs} e WHERE e.agreement_id = o.agreement_id
                              AND e.publication_id = p.prev AND e."row" < q."row")
            ORDER BY p.pub, o."row\"""", params)
        for pub, *values_ in cur.fetchall():
            both[pub].append((services._row(values_[:n + 1]), services._row(values_[n + 1:])))
    return appeared, disappeared, both


def test_scan_matches_the_per_pair_queries():
    report = import_ice_sheets(FILES, progress=False)
    assert not report.errors and len(report.imported) == len(FILES)
    seq = services.Sequence.build()
    targets = services._targets(seq, (), full=True)
    pairs = [(t, seq.previous[t]) for t in targets if seq.pubs[t].kind == services.PARTICIPATING and seq.previous[t]]
    pending = [t for t in targets if seq.pubs[t].kind == services.PENDING and seq.previous[t]]
    assert len(pairs) == 7 and len(pending) == 4
    agreements = {pk: diff.AgreementFacts(key, None, None, succ)
                  for pk, key, succ in Agreement.objects.values_list("id", "key", "superseded_by_id")}
    firsts = services._first_rows(seq, set(seq.pubs))

    got = services._participating_differences(pairs, firsts, agreements)
    want = sql_participating_differences(pairs)
    for pub, _ in pairs:
        for g, w in zip(got, want):  # appeared, disappeared, both: the same rows in the same order
            g, w = g.get(pub, {}), w.get(pub, {})
            assert (list(g.items()) if isinstance(g, dict) else g) == (list(w.items()) if isinstance(w, dict) else w)
    assert all(any(got[i][pub] for pub, _ in pairs) for i in range(3))  # each kind of difference is exercised

    ids = sorted(set(pending) | {seq.previous[t] for t in pending})
    got_pending, want_pending = services._pending_rows(ids, firsts), sql_pending_rows(ids)
    assert [list(got_pending[pk].items()) for pk in ids] == [list(want_pending.get(pk, {}).items()) for pk in ids]

    # A publication's own scan (the resumed import's case) reads only what it is asked for and agrees.
    last, prev = pairs[-1]
    assert services._first_rows(seq, {last, prev}) == {last: firsts[last], prev: firsts[prev]}

    kinds = Counter(c["kind"] for rows in services._compute(seq, targets).values() for c in rows)
    assert {"added", "removed", "renamed", "redated", "moa_link", "returned", "application",
            "application_signed", "application_withdrawn"} <= set(kinds)
