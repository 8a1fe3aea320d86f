"""The changes table kept in step with the registry's lineage, and the queries the pages, feeds and command ask.

``refresh`` is the only writer of ``Change``: for each publication asked for (and the one after it, whose
previous publication it is) it compares the publication's rows with the previous publication of the same list
(``g287.changes.diff``) and brings the stored changes in line: unchanged changes keep their row and the time
they were first seen, stale ones go, new ones come. It is derived data (like the lineage), so it is not audited.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from g287.changes import diff
from g287.changes.choices import ChangeKind
from g287.changes.models import Change
from g287.registry.lineage import plain_rows, publication_order_key
from g287.registry.models import Agreement, AgreementEvent, Application, Observation, Publication

PARTICIPATING, PENDING = Publication.Kind.PARTICIPATING, Publication.Kind.PENDING
PUBLICATION_FIELDS = ("kind", "published", "edition", "captured", "sha256", "file_name")
CHANGE_FIELDS = ("previous_id", "published", "kind", "state", "county", "agency_id", "agency_name", "model",
                 "signed", "agreement_id", "agreement_key", "application_id", "before", "after")


@dataclass
class Sequence:
    """Publications of each list in publication order, and each one's neighbours. A publication here is its
    fields (``PUBLICATION_FIELDS``) as plain attributes (``lineage.plain_rows``)."""

    pubs: dict[int, SimpleNamespace]
    previous: dict[int, int | None]
    following: dict[int, int | None]
    by_kind: dict[str, list[SimpleNamespace]]

    @classmethod
    def build(cls) -> "Sequence":
        pubs = plain_rows(Publication.objects, PUBLICATION_FIELDS)
        pubs.sort(key=publication_order_key)
        by_kind: dict[str, list[SimpleNamespace]] = defaultdict(list)
        for p in pubs:
            by_kind[p.kind].append(p)
        previous, following = {}, {}
        for same in by_kind.values():
            for i, p in enumerate(same):
                previous[p.pk] = same[i - 1].pk if i else None
                following[p.pk] = same[i + 1].pk if i + 1 < len(same) else None
        return cls({p.pk: p for p in pubs}, previous, following, by_kind)


def _targets(seq: Sequence, publications, full: bool) -> list[int]:
    if full:
        return list(seq.pubs)
    wanted: set[int] = set()
    for pk in publications:
        if pk not in seq.pubs:
            continue
        wanted.add(pk)
        if seq.following.get(pk):
            wanted.add(seq.following[pk])
        pub = seq.pubs[pk]
        if pub.kind == PARTICIPATING:
            # A new participating list can turn an application that left a recent pending list into "signed".
            pending = seq.by_kind.get(PENDING, [])
            dates = [p.published for p in pending]
            lo = bisect_left(dates, pub.published - diff.SIGNED_WITHIN)
            wanted.update(p.pk for p in pending[lo:] if p.published <= pub.published)
    return sorted(wanted)


def _row(values, Row=diff.Row) -> diff.Row:
    subject, state, county, name, model, signed, moa_text, moa_url, addendum_text, addendum_url = values
    if isinstance(signed, str):  # SQLite through a plain cursor
        signed = date.fromisoformat(signed) if signed else None
    return Row(subject, state, county or "", name, model, signed, moa_text or "", moa_url or "", addendum_text or "",
               addendum_url or "")


_FIELDS = ("state", "county", "name", "model", "signed", "moa_text", "moa_url", "addendum_text", "addendum_url")
# The fields whose difference can make a change of an agreement listed by both lists (``diff.row_changes``):
# name, signed, moa_text, moa_url, addendum_text, addendum_url.
_COMPARED = tuple(_FIELDS.index(f) for f in ("name", "signed", "moa_text", "moa_url", "addendum_text",
                                             "addendum_url"))
SCAN_ALL_ABOVE = 500  # more publications than this: scan the whole table rather than list them


def _first_rows(seq: Sequence, pub_ids: set[int]) -> dict[int, dict[int, tuple]]:
    """One ordered scan of these publications' observations: for each publication, the first row of each
    agreement (participating list) or application (pending list) it lists, in row order (a list can name one
    twice; its first row speaks for it). Rows are kept as tuples of ``_FIELDS``, each distinct tuple once: most
    rows repeat from list to list, so the whole history holds in little memory."""
    out: dict[int, dict[int, tuple]] = {pk: {} for pk in pub_ids}
    if not pub_ids:
        return out
    table = connection.ops.quote_name(Observation._meta.db_table)
    cols = ", ".join(f"o.{f}" for f in _FIELDS)
    sql = f"SELECT o.publication_id, o.agreement_id, o.application_id, {cols} FROM {table} o"
    params: list = []
    if len(pub_ids) <= SCAN_ALL_ABOVE:
        sql += f" WHERE o.publication_id IN ({', '.join(['%s'] * len(pub_ids))})"
        params = sorted(pub_ids)
    sql += ' ORDER BY o.publication_id, o."row"'
    participating = {pk for pk in pub_ids if seq.pubs[pk].kind == PARTICIPATING}
    same: dict[tuple, tuple] = {}
    pub, firsts, by_agreement = None, None, False
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while batch := cur.fetchmany(5000):
            for pk, agreement, application, *values in batch:
                if pk != pub:
                    pub, firsts, by_agreement = pk, out.get(pk), pk in participating
                if firsts is None:
                    continue
                subject = agreement if by_agreement else application
                if subject is None or subject in firsts:
                    continue
                values = tuple(values)
                firsts[subject] = same.setdefault(values, values)
    return out


_compared = itemgetter(*_COMPARED)


def _differ(old: tuple, new: tuple) -> bool:
    return old is not new and _compared(old) != _compared(new)  # the same row again is the same tuple


def _pending_rows(pub_ids, firsts: dict[int, dict[int, tuple]]) -> dict[int, dict[int, diff.Row]]:
    """Each pending list's first row of each application it lists (pending lists are short: taken whole)."""
    return {pk: {a: _row((a, *v)) for a, v in firsts[pk].items()} for pk in pub_ids}


def _participating_differences(pairs: list[tuple[int, int]], firsts: dict[int, dict[int, tuple]],
                               agreements: dict[int, diff.AgreementFacts]):
    """For each (publication, previous) pair of participating lists: the agreements that appeared (this list's
    first row), those that disappeared (the previous list's first row and whether their successor is on this
    list), and those listed by both whose first rows differ (previous row, this row) — each in row order."""
    appeared: dict[int, dict[int, diff.Row]] = {}
    disappeared: dict[int, dict[int, tuple[diff.Row, bool]]] = {}
    both: dict[int, list[tuple[diff.Row, diff.Row]]] = {}
    made: dict[tuple[int, int], diff.Row] = {}

    def row(a: int, values: tuple) -> diff.Row:  # a row that stays listed is built once, not once a list
        key = (a, id(values))  # the tuples are shared and kept alive by ``firsts``
        got = made.get(key)
        if got is None:
            got = made[key] = _row((a, *values))
        return got

    for pub, prev in pairs:
        new, old = firsts[pub], firsts[prev]
        appeared[pub] = {a: row(a, v) for a, v in new.items() if a not in old}
        gone = {}
        for a, v in old.items():
            if a not in new:
                facts = agreements.get(a)
                successor = facts.superseded_by_id if facts else None
                gone[a] = (row(a, v), successor is not None and successor in new)
        disappeared[pub] = gone
        both[pub] = [(row(a, old[a]), row(a, v)) for a, v in new.items() if a in old and _differ(old[a], v)]
    return appeared, disappeared, both


def _compute(seq: Sequence, targets: list[int], progress: bool = False, stream=None) -> dict[int, list[dict]]:
    part_pairs = [(t, seq.previous[t]) for t in targets
                  if seq.pubs[t].kind == PARTICIPATING and seq.previous.get(t)]
    pend_targets = [t for t in targets if seq.pubs[t].kind == PENDING and seq.previous.get(t)]
    agreements = {pk: diff.AgreementFacts(key, agency, first, succ, model, signed)
                  for pk, key, agency, first, succ, model, signed in Agreement.objects.order_by().values_list(
                      "id", "key", "agency_id", "first_listed_id", "superseded_by_id", "model", "signed")}
    firsts = _first_rows(seq, {x for pair in part_pairs for x in pair}
                         | {x for t in pend_targets for x in (t, seq.previous[t])})
    appeared, disappeared, both = _participating_differences(part_pairs, firsts, agreements)
    pending = _pending_rows(set(pend_targets) | {seq.previous[t] for t in pend_targets}, firsts)
    predecessors: dict[int, list[int]] = defaultdict(list)
    for pk, facts in agreements.items():
        if facts.superseded_by_id:
            predecessors[facts.superseded_by_id].append(pk)
    lineage_kinds = [AgreementEvent.Kind.RENEWAL, AgreementEvent.Kind.MODEL_SWITCH]
    events_qs = AgreementEvent.objects.filter(kind__in=lineage_kinds).order_by()
    if len(targets) < 900:
        events_qs = events_qs.filter(publication_id__in=targets)
    events = set(events_qs.values_list("agreement_id", "kind", "publication_id"))
    published = {pk: p.published for pk, p in seq.pubs.items()}
    applications = {pk: diff.ApplicationFacts(key, agency, published.get(closed))
                    for pk, key, agency, closed in
                    Application.objects.order_by().values_list("id", "key", "agency_id", "closed_by_id")}

    out: dict[int, list[dict]] = {}
    for t in tqdm(targets, desc="changes", unit="publication", file=stream or sys.stderr, disable=not progress):
        pub = seq.pubs[t]
        prev = seq.previous.get(t)
        if prev is None:
            out[t] = []  # the first list of its kind: nothing to compare with
            continue
        if pub.kind == PARTICIPATING:
            found = diff.participating_changes(t, appeared.get(t, {}), disappeared.get(t, {}), both.get(t, ()),
                                               agreements, events, predecessors)
        else:
            found = diff.pending_changes(pub.published, pending.get(t, {}), pending.get(prev, {}), applications)
        stem = pub.sha256[:20]
        is_part = pub.kind == PARTICIPATING
        out[t] = [dict(
            key=f"{stem}:{f.kind}:{f.subject_key}"[:320], publication_id=t, previous_id=prev,
            published=pub.published, kind=str(f.kind), state=f.row.state, county=f.row.county[:120],
            agency_id=f.agency_id, agency_name=f.row.name[:255], model=f.row.model, signed=f.row.signed,
            agreement_id=f.subject if is_part else None, agreement_key=f.subject_key if is_part else "",
            application_id=None if is_part else f.subject, before=f.before[:500], after=f.after[:500],
        ) for f in found]
    return out


@transaction.atomic
def refresh(publications=(), full: bool = False, progress: bool = False, stream=None) -> dict:
    """Bring the changes of these publications, and of the publication after each, in line with the lineage
    (every publication when ``full``). Returns counts of changes created, updated and deleted."""
    seq = Sequence.build()
    targets = _targets(seq, publications, full)
    if not targets:
        return {"publications": 0, "created": 0, "updated": 0, "deleted": 0}
    wanted = _compute(seq, targets, progress, stream)
    now = timezone.now()
    existing = (Change.objects.all() if full else Change.objects.filter(publication_id__in=targets)).order_by()
    have = {c["key"]: c for c in existing.values("id", "key", *CHANGE_FIELDS)}
    new, changed, keep = [], [], set()
    for rows in wanted.values():
        for w in rows:
            old = have.get(w["key"])
            if old is None:
                new.append(Change(first_seen=now, **w))
                have[w["key"]] = {"id": None, **w}  # the same key twice in one run: keep the first
            elif old["id"] is not None and old["id"] not in keep:
                keep.add(old["id"])
                if any(old[f] != w[f] for f in CHANGE_FIELDS):
                    changed.append(Change(id=old["id"], **{f: w[f] for f in CHANGE_FIELDS}))
    stale = [c["id"] for c in have.values() if c["id"] is not None and c["id"] not in keep]
    for start in range(0, len(stale), 900):
        Change.objects.filter(id__in=stale[start:start + 900]).delete()
    Change.objects.bulk_create(new, batch_size=500)
    if changed:
        Change.objects.bulk_update(changed, list(CHANGE_FIELDS), batch_size=300)
    return {"publications": len(targets), "created": len(new), "updated": len(changed), "deleted": len(stale)}


# ---------------------------------------------------------------- reading

def changes(since: date | None = None, publication: str | None = None, state: str | None = None,
            kinds=None, county: str | None = None, agency_id: int | None = None, model: str | None = None):
    """Stored changes, newest first, narrowed as asked. ``publication``: a file name or a publication id."""
    qs = Change.objects.all()
    if since:
        qs = qs.filter(published__gte=since)
    if publication:
        qs = qs.filter(publication_id=int(publication)) if str(publication).isdigit() else qs.filter(
            publication__file_name=publication)
    if state:
        qs = qs.filter(state=state.upper())
    if county:
        qs = qs.filter(county__iexact=county)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if model:
        qs = qs.filter(model=model)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return qs.order_by("-published", "state", "agency_name", "kind", "id")


def as_json(change: Change, file_name: str) -> dict:
    """The command's JSON shape (issue 12): publication, date, kind, state, agency, model, signed, agreement."""
    return {"publication": file_name, "date": change.published.isoformat(), "kind": change.kind,
            "state": change.state, "agency": change.agency_name, "model": change.model,
            "signed": change.signed.isoformat() if change.signed else None,
            "agreement": change.agreement_key or None}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def change_label(kind: str) -> str:
    return str(ChangeKind(kind).label) if kind in ChangeKind.values else kind


def now() -> datetime:
    return timezone.now()
