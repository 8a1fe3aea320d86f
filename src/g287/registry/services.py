"""Registry services: importing ICE's publications, status as of a date, history, statistics.

Plain functions; the management commands and the web pages call these.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from g287.audit.services import record
from g287.registry import lineage
from g287.registry.choices import AuditAction
from g287.registry.importers.ice_sheets import PARTICIPATING, PENDING, Sheet, SheetError, read_sheet, sha256_of
from g287.registry.importers.roster import index_by_state, match_agency, read_roster
from g287.registry.models import (Agency, Agreement, AgreementEvent, Application, LineageCandidate, Observation,
                                  Publication, QuarantinedObservation)
from g287.registry.names import agency_identity


# ---------------------------------------------------------------- import

@dataclass
class FileResult:
    path: str
    status: str  # imported / unchanged / error
    rows: int = 0
    message: str = ""
    missing: tuple[str, ...] = ()
    sha256: str = ""
    quarantined: int = 0
    repaired: int = 0


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    lineage: dict = field(default_factory=dict)
    read_seconds: float = 0.0

    @property
    def errors(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "error"]

    @property
    def imported(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "imported"]

    @property
    def unchanged(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "unchanged"]

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def repaired(self) -> int:
        return sum(f.repaired for f in self.files)


def collect_files(paths) -> list[Path]:
    """Files as given, and every .xlsx below each folder (sorted, so runs are repeatable)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".xlsx"))
        else:
            out.append(p)
    return out


@lru_cache(maxsize=100_000)
def observation_identity(kind: str, state: str, name: str, model: str, signed: date | None) -> str:
    """The content-derived key of a listed row: agency (state + name), model, and for an MOA the signing date."""
    base = f"{agency_identity(state, name)}:{model}"
    if kind == PARTICIPATING:
        return f"{base}:{signed.isoformat() if signed else 'undated'}"
    return base


def _shown_path(path: Path) -> str:
    """The path as stored: relative to the project when it is shipped data, so it means the same on any machine."""
    from django.conf import settings

    try:
        return str(path.resolve().relative_to(Path(settings.PROJECT_DIR).resolve()))
    except (ValueError, AttributeError):
        return str(path)


def store_sheet(sheet: Sheet) -> FileResult:
    """Write one publication, its rows, its quarantined rows and its audit event in one transaction. The
    publication is not placed yet: it counts once the lineage has placed it. Same content twice: no-op."""
    with transaction.atomic():
        _no_commit_flush()
        if Publication.all_objects.filter(sha256=sheet.sha256).exists():
            return FileResult(str(sheet.path), "unchanged", len(sheet.rows), "already imported (same content)")
        pub = Publication.all_objects.create(
            kind=sheet.kind, source=sheet.source, file_name=sheet.file_name, path=_shown_path(sheet.path)[:500],
            sha256=sheet.sha256, published=sheet.published, edition=sheet.edition, captured=sheet.captured,
            rows=len(sheet.rows), quarantined=len(sheet.quarantined), note=sheet.note, placed=False)
        rows = [
            (pub.pk, r.row, observation_identity(sheet.kind, r.state, r.name, r.model, r.signed), r.state,
             r.name[:255], r.ice_type[:80], r.county[:120], r.model, r.signed, r.moa_text, r.moa_url[:500],
             r.addendum_text, r.addendum_url[:500], r.moa_capture_url[:800], r.note)
            for r in sheet.rows
        ]
        identities = {row[2] for row in rows}
        _insert_observations(rows)
        QuarantinedObservation.objects.bulk_create(
            [QuarantinedObservation(publication=pub, row=q.row, cells=q.cells, reason=q.reason)
             for q in sheet.quarantined])
        repaired = sum(1 for r in sheet.rows if r.note)
        record(None, AuditAction.IMPORT_PUBLICATION, "publication", pub.pk, None, {
            "file": sheet.file_name, "kind": sheet.kind, "source": sheet.source,
            "published": sheet.published.isoformat(), "edition": sheet.edition,
            "captured": sheet.captured.isoformat() if sheet.captured else None, "note": sheet.note,
            "sha256": sheet.sha256, "rows": len(rows), "distinct_rows": len(identities),
            "rows_repaired": repaired, "rows_quarantined": len(sheet.quarantined),
            "rows_with_moa_link": sum(1 for r in sheet.rows if r.moa_url),
        })
    return FileResult(str(sheet.path), "imported", len(sheet.rows), sha256=sheet.sha256,
                      quarantined=len(sheet.quarantined), repaired=repaired)


def _no_commit_flush() -> None:
    """On PostgreSQL, this transaction's commit does not wait for its WAL to reach the disk: a crash can lose the
    last few stored lists, never half of one, and an unplaced or lost list is simply read again by the next run
    (its content hash is not yet known). A thousand lists then cost no thousand disk flushes."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit TO OFF")


_OBSERVATION_COLUMNS = ("publication_id", "row", "identity", "state", "name", "ice_type", "county", "model",
                        "signed", "moa_text", "moa_url", "addendum_text", "addendum_url", "moa_capture_url", "note")


def _insert_observations(rows: list[tuple]) -> None:
    """No model instances (building ~1,300 per sheet costs more than the whole write): PostgreSQL takes the rows
    with one COPY, SQLite with one executemany."""
    from django.db import connection

    table = connection.ops.quote_name(Observation._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _OBSERVATION_COLUMNS)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(_OBSERVATION_COLUMNS))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _date_like_twin(sheet: Sheet, redated: dict[str, tuple]) -> None:
    """A pending list published beside a participating list under the same dated name takes the date that list
    was given (ICE named three January 2026 pairs with 2025); the participating list's rows say which year."""
    if sheet.kind != PENDING or not sheet.stem or sheet.captured:
        return
    twin = redated.get(sheet.stem)
    if twin is None:
        pub = (Publication.all_objects.filter(kind=PARTICIPATING, file_name=f"participatingAgencies{sheet.stem}.xlsx")
               .exclude(published=sheet.published).first())
        twin = (pub.published, pub.file_name) if pub and "one-digit correction" in pub.note else None
    if twin and twin[0] != sheet.published:
        sheet.redate(twin[0], f"named {sheet.published.isoformat()}; dated {twin[0].isoformat()} like its twin "
                              f"{twin[1]}, published under the same name")


def import_ice_sheets(paths, progress: bool = True, stream=None) -> ImportReport:
    """Import ICE's lists (files or folders). Each file is stored in its own transaction (a file that cannot
    be read as a list is reported and nothing of it written); then the lineage places every publication not
    yet placed — resuming from its checkpoint when they all come after it. A run stopped half-way leaves the
    registry as it was, and the next run, even with every file unchanged, places what was stored."""
    import time

    report = ImportReport()
    files = collect_files(paths)
    known = set(Publication.all_objects.values_list("sha256", flat=True))
    redated: dict[str, tuple] = {}
    bar = tqdm(files, desc="ICE lists", unit="file", file=stream or sys.stderr, disable=not progress)
    for path in bar:
        bar.set_postfix_str(path.name, refresh=False)
        if not path.exists():
            report.files.append(FileResult(str(path), "error", message=f"{path}: no such file"))
            continue
        try:
            if path.is_file() and sha256_of(path) in known:
                report.files.append(FileResult(str(path), "unchanged", message="already imported (same content)"))
                continue
            t0 = time.perf_counter()
            sheet = read_sheet(path)
            report.read_seconds += time.perf_counter() - t0
            if sheet.kind == PARTICIPATING and sheet.stem and "one-digit correction" in sheet.note:
                redated[sheet.stem] = (sheet.published, sheet.file_name)
            _date_like_twin(sheet, redated)
            result = store_sheet(sheet)
            known.add(sheet.sha256)
        except SheetError as exc:
            result = FileResult(str(path), "error", message=f"{path}: {str(exc).split(': ', 1)[-1]}",
                                missing=exc.missing)
        report.files.append(result)
    bar.close()
    if Publication.all_objects.filter(placed=False).exists():
        report.lineage = lineage.place(progress=progress, stream=stream)  # sends lineage_updated once committed
    return report


def quality_report(publication: str | None = None) -> list[dict]:
    """Every repaired and every quarantined row, by publication and row (``g287 registry qa``)."""
    pubs = {p.pk: p for p in Publication.all_objects.all()}
    out = []
    repaired = Observation.objects.exclude(note="").values_list("publication_id", "row", "state", "name", "note")
    for pub_id, row, state, name, note in repaired:
        out.append({"publication": pubs[pub_id].file_name, "published": pubs[pub_id].published.isoformat(),
                    "row": row, "what": "repaired", "state": state, "agency": name, "note": note})
    for q in QuarantinedObservation.objects.values_list("publication_id", "row", "cells", "reason"):
        pub_id, row, cells, reason = q
        out.append({"publication": pubs[pub_id].file_name, "published": pubs[pub_id].published.isoformat(),
                    "row": row, "what": "quarantined", "cells": cells, "note": reason})
    for p in pubs.values():
        if p.note:
            out.append({"publication": p.file_name, "published": p.published.isoformat(), "row": None,
                        "what": "publication", "note": p.note})
    if publication:
        out = [o for o in out if o["publication"] == publication]
    out.sort(key=lambda o: (o["published"], o["publication"], o["row"] or 0))
    return out


# ---------------------------------------------------------------- status as of a date

@dataclass
class AsOf:
    """The publications that count on a day: those whose ICE date is on or before it."""

    day: date | None
    publications: list[Publication]
    participating: Publication | None  # the newest participating list of that day
    index: dict[int, int]  # publication id → position in publication order

    @classmethod
    def build(cls, day: date | None = None) -> "AsOf":
        pubs = lineage.ordered_publications()
        index = {p.pk: i for i, p in enumerate(pubs)}
        if day is not None:
            pubs = [p for p in pubs if p.published <= day]
        part = [p for p in pubs if p.kind == Publication.Kind.PARTICIPATING]
        return cls(day, pubs, part[-1] if part else None, index)

    def counts(self, pub_id: int | None) -> bool:
        return pub_id is not None and pub_id in {p.pk for p in self.publications}


def agreement_status(agreement: Agreement, as_of: date | None = None) -> str | None:
    """active / removed / superseded on a day (None: not listed yet), derived from the publications of that day."""
    view = AsOf.build(as_of)
    return _status(agreement.pk, agreement.first_listed_id, agreement.superseded_by_id, view,
                   _listed_ids(view.participating))


def _listed_ids(pub: Publication | None) -> set[int]:
    if pub is None:
        return set()
    return set(Observation.objects.filter(publication=pub, agreement__isnull=False)
               .values_list("agreement_id", flat=True))


def _status(pk, first_listed_id, superseded_by_id, view: AsOf, listed: set[int], first_of=None) -> str | None:
    if view.participating is None or first_listed_id is None:
        return None
    if view.index[first_listed_id] > view.index[view.participating.pk]:
        return None
    if pk in listed:
        return lineage.ACTIVE
    if superseded_by_id and superseded_by_id in listed:
        return lineage.SUPERSEDED
    return lineage.REMOVED


def agreement_statuses(as_of: date | None = None) -> dict[int, str]:
    """{agreement id: status} for every agreement listed on or before the day."""
    view = AsOf.build(as_of)
    listed = _listed_ids(view.participating)
    out = {}
    for pk, first, succ in Agreement.objects.values_list("id", "first_listed_id", "superseded_by_id"):
        st = _status(pk, first, succ, view, listed)
        if st:
            out[pk] = st
    return out


def application_status(application: Application, as_of: date | None = None) -> str | None:
    """open / closed on a day (None: not listed yet). Closed once the agency and model are on a participating list."""
    view = AsOf.build(as_of)
    if not view.counts(application.first_listed_id):
        return None
    return lineage.CLOSED if view.counts(application.closed_by_id) else lineage.OPEN


def registry_stats(as_of: date | None = None) -> dict:
    """The registry's figures as of the newest publication, or as of a day (only publications up to it count)."""
    view = AsOf.build(as_of)
    pub_ids = {p.pk for p in view.publications}
    agreements = {lineage.ACTIVE: 0, lineage.REMOVED: 0, lineage.SUPERSEDED: 0}
    for st in agreement_statuses(as_of).values():
        agreements[st] += 1
    applications = {lineage.OPEN: 0, lineage.CLOSED: 0}
    for first, closed in Application.objects.values_list("first_listed_id", "closed_by_id"):
        if first in pub_ids:
            applications[lineage.CLOSED if closed in pub_ids else lineage.OPEN] += 1
    agencies = (Observation.objects.filter(publication_id__in=pub_ids)
                .values_list("agreement__agency_id", "application__agency_id"))
    agency_ids = {a or b for a, b in agencies if a or b}
    newest = view.publications[-1] if view.publications else None
    return {
        "as_of": (as_of or (newest.published if newest else None)).isoformat() if (as_of or newest) else None,
        "publications": len(view.publications),
        "newest_participating": view.participating.file_name if view.participating else None,
        "agencies": len(agency_ids),
        "agreements": agreements,
        "applications": applications,
    }


# ---------------------------------------------------------------- history

@dataclass
class HistoryEntry:
    date: date
    kind: str
    label: str
    note: str
    publication: Publication | None = None


def agreement_history(agreement: Agreement) -> list[HistoryEntry]:
    """Everything known about an agreement in date order: its events (listing, renames, removal, renewal,
    notices …) and the merges the lineage made or declined for it."""
    entries = [HistoryEntry(ev.date, ev.kind, ev.get_kind_display(), ev.note, ev.publication)
               for ev in agreement.events.select_related("publication")]
    cands = (LineageCandidate.objects.filter(old=agreement) | LineageCandidate.objects.filter(new=agreement))
    for c in cands.select_related("publication"):
        if c.merged:
            continue  # a merge already shows as its "renamed" event
        entries.append(HistoryEntry(c.publication.published, "declined_" + c.kind,
                                    f"{c.get_kind_display()} not merged", c.reason, c.publication))
    entries.sort(key=lambda e: (e.date, e.kind != AgreementEvent.Kind.SIGNED))
    return entries


def declined_candidates():
    """Renames and re-dated rows the lineage considered but did not merge."""
    return (LineageCandidate.objects.filter(merged=False)
            .select_related("old__agency", "new__agency", "publication").order_by("publication__published", "id"))


def lineage_merges():
    return (LineageCandidate.objects.filter(merged=True)
            .select_related("old__agency", "publication").order_by("publication__published", "id"))


# ---------------------------------------------------------------- FBI roster

@dataclass
class RosterResult:
    roster_rows: int
    agencies: int
    matched: int
    unmatched: list  # (agency, reason)

    @property
    def match_rate(self) -> float:
        return self.matched / self.agencies if self.agencies else 0.0


def import_roster(path) -> RosterResult:
    """Link every agency to the FBI employee roster (ORI, population, sworn officers, civilians) when its
    name matches one roster agency of its state; record the score, or the reason it did not match."""
    roster = read_roster(path)
    by_state = index_by_state(roster)
    fields = ["ori", "population", "sworn_officers", "civilians", "roster_name", "roster_score", "roster_note"]
    changed, unmatched, matched = [], [], 0
    with transaction.atomic():
        agencies = list(Agency.objects.all())
        for agency in agencies:
            m = match_agency(agency.name, agency.state, agency.ice_type, agency.county, by_state)
            r = m.roster
            values = dict(ori=r.ori if r else "", population=r.population if r else None,
                          sworn_officers=r.officers if r else None, civilians=r.civilians if r else None,
                          roster_name=r.name if r else "", roster_score=round(m.score, 1) if m.score is not None else None,
                          roster_note=m.reason[:255])
            if r:
                matched += 1
            else:
                unmatched.append((agency, m.reason))
            if any(getattr(agency, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(agency, k, v)
                changed.append(agency)
        if changed:
            Agency.objects.bulk_update(changed, fields, batch_size=500)
        result = RosterResult(len(roster), len(agencies), matched, unmatched)
        if not changed:
            return result  # nothing written, nothing to audit: a re-run leaves no trace
        record(None, AuditAction.IMPORT_ROSTER, "roster", Path(path).name, None, {
            "file": Path(path).name, "sha256": sha256_of(Path(path)), "roster_rows": len(roster),
            "agencies": len(agencies), "matched": matched, "unmatched": len(unmatched), "changed": len(changed),
        })
    return result
