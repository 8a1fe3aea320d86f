"""What one publication changed against the previous one of the same list: a pure function over rows.

The rows are the publication's observations, each already linked by the registry's lineage to its agreement
(participating list) or application (pending list). Which rows are the same agreement, which agreement renewed
or replaced which, and which agreement closed an application are the lineage's answers, passed in as plain
facts; nothing here decides them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta
from typing import Iterable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from g287.changes.choices import ChangeKind as K
from g287.registry.names import normalize

# An application that leaves the pending list counts as signed when its agency and model are on a participating
# list published no later than this after the pending list that dropped it (ICE updates the two lists separately).
SIGNED_WITHIN = timedelta(days=31)

_ARCHIVE = re.compile(r"^https?://(?:web\.)?archive\.org/web/[^/]+/", re.I)


@dataclass(frozen=True)
class Row:
    """One listed row, as much as the comparison needs."""

    subject: int | None  # agreement id (participating) or application id (pending)
    state: str
    county: str
    name: str
    model: str
    signed: date | None = None
    moa_text: str = ""
    moa_url: str = ""
    addendum_text: str = ""
    addendum_url: str = ""


@dataclass(frozen=True)
class AgreementFacts:
    key: str
    agency_id: int | None
    first_listed_id: int | None
    superseded_by_id: int | None
    model: str = ""
    signed: date | None = None


@dataclass(frozen=True)
class ApplicationFacts:
    key: str
    agency_id: int | None
    closed_on: date | None  # ICE date of the participating list that first listed the agency and model


@dataclass(frozen=True)
class Found:
    kind: str
    subject: int
    subject_key: str
    row: Row
    agency_id: int | None
    before: str = ""
    after: str = ""


@lru_cache(maxsize=65536)
def unwrap_url(url: str) -> str:
    """ICE's document address inside the wrappers copies carry: a web archive's prefix, a mail filter's
    ``safelinks`` redirect."""
    url = _ARCHIVE.sub("", (url or "").strip())
    parts = urlsplit(url)
    if parts.netloc.lower().endswith("safelinks.protection.outlook.com"):
        inner = parse_qs(parts.query).get("url")
        if inner:
            url = unquote(inner[0])
    return url


@lru_cache(maxsize=65536)
def moa_url_key(url: str) -> str:
    """An MOA link compared as ICE's document address, whatever wraps it and whichever scheme it names."""
    return re.sub(r"^https?://", "", unwrap_url(url), flags=re.I).rstrip("/").lower()


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return normalize(name)


def has_addendum(row: Row) -> bool:
    return bool(row.addendum_text or row.addendum_url or "addendum" in row.moa_text.lower())


def first_by_subject(rows: Iterable[Row]) -> dict[int, Row]:
    """A publication can list an agreement twice; the first row speaks for it."""
    out: dict[int, Row] = {}
    for r in rows:
        if r.subject is not None and r.subject not in out:
            out[r.subject] = r
    return out


def row_changes(old: Row, new: Row) -> list[tuple[str, str, str]]:
    """(kind, before, after) for an agreement listed by both publications."""
    out = []
    if old.name != new.name and _name_key(old.name) != _name_key(new.name):
        out.append((K.RENAMED, old.name, new.name))
    if old.signed != new.signed:
        out.append((K.REDATED, str(old.signed or ""), str(new.signed or "")))
    if new.moa_url != old.moa_url:
        link = moa_url_key(new.moa_url)
        if link and link != moa_url_key(old.moa_url):
            out.append((K.MOA_LINK, unwrap_url(old.moa_url), unwrap_url(new.moa_url)))
    if has_addendum(new) and not has_addendum(old):
        out.append((K.ADDENDUM, "", new.addendum_url))
    return out


def participating_changes(pub_id: int, appeared: Mapping[int, Row], disappeared: Mapping[int, tuple[Row, bool]],
                          both: Iterable[tuple[Row, Row]], agreements: Mapping[int, AgreementFacts],
                          events: set[tuple[int, str, int]], predecessors: Mapping[int, list[int]]) -> list[Found]:
    """Changes of participating list ``pub_id`` against the previous one.

    ``appeared``: agreements this list has and the previous one had not (with this list's first row for each);
    ``disappeared``: agreements the previous list had and this one has not (the previous list's row, and
    whether the agreement that superseded it is on this list); ``both``: (previous row, this row) of the
    agreements on both (only those whose rows differ need be given). ``events``: (agreement id, lineage event
    kind, publication id) of renewals and model switches; ``predecessors``: agreement id → the agreements it
    superseded.
    """
    out: list[Found] = []
    for a, row in appeared.items():
        facts = agreements[a]
        if facts.first_listed_id is not None and facts.first_listed_id != pub_id:
            out.append(Found(K.RETURNED, a, facts.key, row, facts.agency_id))
            continue
        olds = [agreements[p] for p in predecessors.get(a, ()) if p in agreements]
        if (a, "renewal", pub_id) in events:
            before = ", ".join(sorted(str(o.signed) for o in olds if o.signed))
            out.append(Found(K.RENEWAL, a, facts.key, row, facts.agency_id, before, str(row.signed or "")))
        elif (a, "model_switch", pub_id) in events:
            before = ", ".join(sorted({o.model for o in olds if o.model}))
            out.append(Found(K.MODEL_SWITCH, a, facts.key, row, facts.agency_id, before, row.model))
        else:
            out.append(Found(K.ADDED, a, facts.key, row, facts.agency_id))
    for old, new in both:
        facts = agreements[new.subject]
        for kind, before, after in row_changes(old, new):
            out.append(Found(kind, new.subject, facts.key, new, facts.agency_id, before, after))
    for a, (row, successor_listed) in disappeared.items():
        facts = agreements.get(a)
        if facts is None:
            continue
        if successor_listed:
            continue  # replaced: the successor's renewal or model switch says so
        out.append(Found(K.REMOVED, a, facts.key, row, facts.agency_id))
    return out


def pending_changes(published: date, current: Mapping[int, Row], previous: Mapping[int, Row],
                    applications: Mapping[int, ApplicationFacts]) -> list[Found]:
    """Changes of a pending list (ICE date ``published``) against the previous one."""
    out: list[Found] = []
    for a, row in current.items():
        if a not in previous:
            facts = applications[a]
            out.append(Found(K.APPLIED, a, facts.key, row, facts.agency_id))
    for a, row in previous.items():
        if a in current:
            continue
        facts = applications.get(a)
        if facts is None:
            continue
        if facts.closed_on is not None and facts.closed_on <= published + SIGNED_WITHIN:
            out.append(Found(K.APPLICATION_SIGNED, a, facts.key, row, facts.agency_id, "", str(facts.closed_on)))
        else:
            out.append(Found(K.APPLICATION_WITHDRAWN, a, facts.key, row, facts.agency_id))
    return out
