"""Importing, reading, matching and correcting MOA documents. Every write goes through one function here that also
writes its audit event (audit.services.record).
"""

from __future__ import annotations

import csv
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from g287.accounts.models import Role
from g287.audit.services import record
from g287.moa import choices as C
from g287.moa.choices import MatchStatus, ReadStatus
from g287.moa.clauses import abbreviations, departures, normalize, standard
from g287.moa.extract import PdfError, cached_ocr, needs_ocr, read_pdf, sha256_of
from g287.moa.matching import Candidate, Evidence, link_name, match
from g287.moa.models import MoaDocument
from g287.moa.reading import USPS_BY_NAME, file_evidence, read
from g287.moa.search import index_document
from g287.moa.tasks import Page, run_ocr
from g287.registry.models import Agreement
from g287.registry.moa_templates import infer_template

PAGE_BREAK = "\f"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ocr_pending: list[str] = field(default_factory=list)  # documents whose scanned pages wait for OCR
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    ocr_via: str = ""
    matched: int = 0
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------- files

def _index_rows(folder: Path) -> dict[Path, dict]:
    """The archive's index.csv (file, state, agency_folder, archive_capture), by the file's resolved path."""
    index = folder / "index.csv"
    if not index.exists():
        return {}
    out = {}
    with open(index, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row.get("file"):
                continue
            state = (row.get("state") or "").strip().upper()
            out[(folder / row["file"]).resolve()] = {
                "state": USPS_BY_NAME.get(state, state if len(state) == 2 else ""),
                "agency": (row.get("agency_folder") or "").strip(),
                "capture": (row.get("archive_capture") or "").strip(),
                "index": str(index.name),
            }
    return out


def collect(paths) -> tuple[list[tuple[Path, dict]], list[str]]:
    """The PDFs named (files or folders, searched recursively) with their archive index row when there is one."""
    files, errors, seen = [], [], set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            index = {}
            for folder in [p, *sorted(d for d in p.rglob("*") if d.is_dir())]:
                index.update(_index_rows(folder))
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() == ".pdf" and f.resolve() not in seen:
                    seen.add(f.resolve())
                    files.append((f, index.get(f.resolve(), {})))
        elif p.is_file():
            if p.suffix.lower() != ".pdf":
                errors.append(f"{p}: not a PDF file")
                continue
            index = {**_index_rows(p.parent), **_index_rows(p.parent.parent)}
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append((p, index.get(p.resolve(), {})))
        else:
            errors.append(f"{p}: no such file or folder")
    return files, errors


def _stored_as(path: Path, sha: str) -> str:
    """Shipped documents are served from data/; any other file is copied to var/moa/ (never committed)."""
    data = Path(settings.DATA_DIR).resolve()
    try:
        return "data:" + str(path.resolve().relative_to(data))
    except ValueError:
        target = Path(settings.VAR_DIR) / "moa" / f"{sha}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(path, target)
        return f"var:moa/{sha}.pdf"


def document_path(doc: MoaDocument) -> Path:
    kind, _, rel = doc.stored_as.partition(":")
    base = Path(settings.DATA_DIR) if kind == "data" else Path(settings.VAR_DIR)
    return base / rel


# --------------------------------------------------------------------------------------------- reading

def _pages(path: Path, sha: str) -> tuple[list[str], list[int], list[int], dict]:
    """(page texts, 0-based pages read by OCR, 0-based pages still waiting for OCR, form fields)."""
    pages, fields = read_pdf(path)
    done, pending = [], []
    for i, t in enumerate(pages):
        if needs_ocr(t):
            hit = cached_ocr(sha, i)
            if hit is None:
                pending.append(i)
            else:
                pages[i], _ = hit, done.append(i)
    return pages, done, pending, fields


def _read_into(doc: MoaDocument, pages: list[str], fields: dict) -> None:
    prov = doc.provenance or {}
    r = read(doc.file_name, pages, fields, filed_state=prov.get("state", ""), filed_agency=prov.get("agency", ""),
             today=timezone.localdate())
    doc.text = PAGE_BREAK.join(pages)
    doc.model, doc.template_version = r.model, r.template_version
    doc.template_revision = date.fromisoformat(r.template_revision) if r.template_revision else None
    doc.template_reason = r.template_reason[:255]
    doc.template_note = ""
    if doc.read_status == ReadStatus.OCR_PENDING:
        # Half a document's text says nothing sure about its template: none until its scanned pages are read.
        doc.template_version, doc.template_revision = "", None
        doc.template_reason = "not read yet: its scanned pages wait for OCR"
    # Load time: the rules files are read when a document is, not by every process that loads this module (each
    # import of ICE's lists re-matches the documents).
    from g287.policy.rules import valid_pairs

    if doc.template_version and (doc.model, doc.template_version) not in set(valid_pairs()):
        doc.template_note = f"no rules file for the {doc.model} {doc.template_version} template: reported, not applied"
    doc.agency_name, doc.state, doc.signed = r.agency[:255], r.state, r.signed
    doc.signatories = [s.as_dict() for s in r.signatories]
    doc.sections = r.sections
    names = tuple(n for n in (r.agency, prov.get("agency", ""), *abbreviations(doc.text)) if n)
    doc.clauses = [[k, h, normalize(t, names)] for k, h, t in r.clauses]


def _import_one(path: Path, provenance: dict, report: ImportReport) -> MoaDocument | None:
    sha = sha256_of(path)
    existing = MoaDocument.objects.filter(sha256=sha).first()
    if existing is not None:
        report.unchanged.append(path.name)
        return None
    pages, done, pending, fields = _pages(path, sha)
    doc = MoaDocument(sha256=sha, file_name=path.name, stored_as=_stored_as(path, sha), size=path.stat().st_size,
                      provenance=provenance, pages=len(pages), ocr_pages=[i + 1 for i in done],
                      read_status=ReadStatus.OCR_PENDING if pending else ReadStatus.READ)
    _read_into(doc, pages, fields)
    with transaction.atomic():
        doc.save()
        index_document(doc.pk, doc.text)
        record(None, C.DOCUMENT_IMPORTED, "moa_document", doc.pk, None, {
            "file": doc.file_name, "sha256": sha, "pages": doc.pages, "provenance": provenance,
            "model": doc.model, "template": doc.template_version, "ocr_pending": len(pending)})
    report.imported.append(path.name)
    if pending:
        report.ocr_pending.append(path.name)
    return doc


def pending_pages(docs) -> list[Page]:
    out = []
    for doc in docs:
        path = document_path(doc)
        for i, t in enumerate(doc.text.split(PAGE_BREAK)):
            if needs_ocr(t):
                out.append(Page(str(path), doc.sha256, i, doc.file_name))
    return out


def reread(doc: MoaDocument) -> bool:
    """Read a document again from its PDF and the OCR cache (after OCR); True when anything changed."""
    path = document_path(doc)
    pages, done, pending, fields = _pages(path, doc.sha256)
    before = {"read_status": doc.read_status, "ocr_pages": doc.ocr_pages, "template": doc.template_version,
              "model": doc.model}
    doc.ocr_pages = [i + 1 for i in done]
    doc.read_status = ReadStatus.OCR_PENDING if pending else ReadStatus.READ
    _read_into(doc, pages, fields)
    after = {"read_status": doc.read_status, "ocr_pages": doc.ocr_pages, "template": doc.template_version,
             "model": doc.model}
    if before == after and not doc.ocr_pages:
        return False
    with transaction.atomic():
        doc.save()
        index_document(doc.pk, doc.text)
        record(None, C.DOCUMENT_READ, "moa_document", doc.pk, before, after)
    return True


def ocr_documents(docs=None, progress: bool = True, stream=None, report: ImportReport | None = None) -> ImportReport:
    """OCR the scanned pages of the given documents (default: every one waiting), then read them again."""
    report = report or ImportReport()
    docs = list(docs if docs is not None else MoaDocument.objects.filter(read_status=ReadStatus.OCR_PENDING))
    if not docs:
        return report
    run = run_ocr(pending_pages(docs), progress=progress, stream=stream)
    report.ocr_pages += run.pages
    report.ocr_seconds += run.seconds
    report.ocr_via = run.via
    report.errors.extend(run.errors)
    for doc in docs:
        reread(doc)
    report.ocr_pending = list(MoaDocument.objects.filter(read_status=ReadStatus.OCR_PENDING)
                              .values_list("file_name", flat=True))
    return report


def import_documents(paths, ocr: str = "now", progress: bool = True, stream=None) -> ImportReport:
    """``g287 moa import``: keep each PDF once by SHA-256, read it, OCR its scanned pages (``ocr``: "now" waits
    for the task queue, "skip" leaves them waiting for ``g287 moa ocr``), then match and compare every document.
    A bad file is reported by name and skipped; the others are imported."""
    from tqdm import tqdm

    started = time.monotonic()
    report = ImportReport()
    files, report.errors = collect(paths)
    new = []
    for path, prov in tqdm(files, desc="MOA documents", unit="file", disable=not progress or len(files) < 2,
                           file=stream or sys.stderr):
        try:
            doc = _import_one(path, prov, report)
        except (PdfError, OSError) as exc:
            report.errors.append(str(exc) if isinstance(exc, PdfError) else f"{path}: {exc}")
            continue
        if doc is not None:
            new.append(doc)
    if ocr == "now":
        ocr_documents(None, progress=progress, stream=stream, report=report)
    else:
        report.ocr_pending = list(MoaDocument.objects.filter(read_status=ReadStatus.OCR_PENDING)
                                  .values_list("file_name", flat=True))
    if new or report.ocr_pages:
        refresh_departures()  # the standard text moves with every new document of its template
    report.matched = match_documents()  # writes only what changed; the registry may have changed since
    report.seconds = time.monotonic() - started
    return report


# --------------------------------------------------------------------------------------------- departures

def refresh_departures() -> int:
    """Derive each template's standard text from its documents and store every document's departures from it
    (no audit event: derived values, recomputed from the documents on every import)."""
    groups: dict[tuple[str, str], list[MoaDocument]] = {}
    for doc in MoaDocument.objects.filter(read_status=ReadStatus.READ).exclude(template_version=""):
        groups.setdefault((doc.model, doc.template_version), []).append(doc)
    changed = 0
    for (model, version), docs in groups.items():
        std = standard([[tuple(c) for c in d.clauses] for d in docs])
        for doc in docs:
            if std is None:
                deps, note = [], f"only {len(docs)} {model} {version} document(s): too few to tell the standard text"
            else:
                deps = departures([tuple(c) for c in doc.clauses], std)
                note = f"compared with the standard text of {len(docs)} {model} {version} documents"
                if deps is None:
                    deps, note = [], ("not compared: too few of the template's clauses could be told apart in "
                                      "this document's text")
            if deps != doc.departures or note != doc.standard_note:
                MoaDocument.objects.filter(pk=doc.pk).update(departures=deps, standard_note=note[:255])
                changed += 1
    MoaDocument.objects.filter(read_status=ReadStatus.OCR_PENDING).update(
        departures=[], standard_note="waiting for OCR of its scanned pages")
    return changed


# --------------------------------------------------------------------------------------------- matching

def candidates() -> list[Candidate]:
    return [Candidate(pk, key, name, state, model, signed, link_name(url)) for pk, key, name, state, model, signed, url
            in Agreement.objects.values_list("pk", "key", "agency__name", "agency__state", "model", "signed",
                                             "moa_url")]


def evidence(doc: MoaDocument) -> Evidence:
    prov = doc.provenance or {}
    f_model, _, f_date = file_evidence(doc.file_name)
    return Evidence(file_name=doc.file_name, model=doc.model or f_model, state=doc.state,
                    agency_text=doc.agency_name if doc.agency_name != prov.get("agency") else "",
                    agency_filed=prov.get("agency", ""), signed=doc.signed, file_date=f_date)


def match_documents(docs=None) -> int:
    """Match every document not matched by hand; attach only a clear match. Returns how many are attached."""
    pool = candidates()
    # A match set by hand whose agreement the lineage rebuilt: found again by its key.
    for doc in MoaDocument.objects.filter(match_status__in=C.BY_HAND, agreement__isnull=True).exclude(agreement_key=""):
        again = Agreement.objects.filter(key=doc.agreement_key).first()
        if again is not None:
            MoaDocument.objects.filter(pk=doc.pk).update(agreement=again)
    qs = MoaDocument.objects.exclude(match_status__in=C.BY_HAND) if docs is None else docs
    for doc in qs:
        m = match(evidence(doc), pool)
        agreement_id = m.candidate.pk if m.candidate else None
        if (doc.agreement_id, doc.match_status, doc.match_confidence, doc.match_reasons) == (
                agreement_id, m.status, m.confidence, m.reasons):
            continue
        before = {"agreement": doc.agreement_key or None, "status": doc.match_status}
        previous = doc.agreement_id
        with transaction.atomic():
            doc.agreement_id = agreement_id
            doc.agreement_key = m.candidate.key if m.candidate else ""
            doc.match_status, doc.match_confidence = m.status, m.confidence
            doc.match_reasons, doc.match_alternatives = m.reasons, m.alternatives
            doc.matched_by, doc.matched_at = None, timezone.now()
            doc.save()
            record(None, C.DOCUMENT_MATCHED, "moa_document", doc.pk, before,
                   {"agreement": doc.agreement_key or None, "status": m.status, "confidence": m.confidence,
                    "reasons": m.reasons})
            if previous and previous != agreement_id:
                _restore_inferred(previous, doc, None)
    attached = 0
    for doc in MoaDocument.objects.filter(match_status__in=C.ATTACHED, agreement__isnull=False):
        apply_template(doc)
        attached += 1
    return attached


def _template_reason(doc: MoaDocument) -> str:
    rev = f", revised {doc.template_revision:%m/%d/%Y}" if doc.template_revision else ""
    return f"read from the MOA document {doc.file_name}{rev}"[:255]


def apply_template(doc: MoaDocument, actor=None) -> bool:
    """The document's template replaces the inferred one on its agreement (audited); a template without a rules
    file is reported on the document, not forced. True when the agreement changed."""
    if not doc.agreement_id or not doc.template_version or doc.template_note or doc.read_status != ReadStatus.READ:
        return False
    # Several documents for one agreement (a re-signing, an addendum): the newest signed one sets the template.
    newest = (MoaDocument.objects.filter(agreement_id=doc.agreement_id, match_status__in=C.ATTACHED,
                                         read_status=ReadStatus.READ).exclude(template_version="")
              .order_by("-signed", "-pk").first())
    if newest is not None and newest.pk != doc.pk:
        return False
    with transaction.atomic():
        a = Agreement.objects.select_for_update().get(pk=doc.agreement_id)
        reason = _template_reason(doc)
        if (a.template_version, a.template_inferred, a.template_reason) == (doc.template_version, False, reason):
            return False
        before = {"template_version": a.template_version, "template_inferred": a.template_inferred,
                  "template_reason": a.template_reason}
        a.template_version, a.template_inferred, a.template_reason = doc.template_version, False, reason
        a.save(update_fields=["template_version", "template_inferred", "template_reason"])
        record(actor, C.TEMPLATE_FROM_DOCUMENT, "agreement", a.pk, before,
               {"template_version": a.template_version, "template_inferred": False, "template_reason": reason,
                "document": doc.sha256})
    return True


def _restore_inferred(agreement_id: int, doc: MoaDocument, actor) -> None:
    """A document no longer attached: its agreement's template goes back to the inferred one, unless another
    attached document sets it."""
    a = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if a is None or a.template_inferred or doc.file_name not in a.template_reason:
        return
    version, reason = infer_template(a.model, a.signed)
    before = {"template_version": a.template_version, "template_inferred": False, "template_reason": a.template_reason}
    a.template_version, a.template_inferred, a.template_reason = version, True, reason[:255]
    a.save(update_fields=["template_version", "template_inferred", "template_reason"])
    record(actor, C.TEMPLATE_FROM_DOCUMENT, "agreement", a.pk, before,
           {"template_version": version, "template_inferred": True, "template_reason": a.template_reason})


def may_correct(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and
                (user.is_superuser or user.role == Role.PROGRAM_OFFICE))


def confirm_match(doc: MoaDocument, user, agreement: Agreement | None, note: str = "") -> MoaDocument:
    """A program-office user confirms the document's agreement, or names the right one (or none). Audited."""
    if not may_correct(user):
        raise PermissionDenied("only the program office confirms or corrects a document's agreement")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "at most 500 characters"})
    same = agreement is not None and agreement.pk == doc.agreement_id
    status = MatchStatus.CONFIRMED if same else MatchStatus.CORRECTED
    with transaction.atomic():
        doc = MoaDocument.objects.select_for_update().get(pk=doc.pk)
        before = {"agreement": doc.agreement_key or None, "status": doc.match_status}
        previous = doc.agreement_id
        doc.agreement = agreement
        doc.agreement_key = agreement.key if agreement else ""
        doc.match_status = status
        doc.match_confidence = 1.0 if agreement else None
        by = getattr(user, "username", "")
        doc.match_reasons = [f"{'confirmed' if same else 'set'} by {by} of the program office"
                             + (f": {note}" if note else "")]
        doc.matched_by, doc.matched_at = user, timezone.now()
        doc.save()
        record(user, C.MATCH_CONFIRMED if same else C.MATCH_CORRECTED, "moa_document", doc.pk, before,
               {"agreement": doc.agreement_key or None, "status": status, "note": note})
        if previous and previous != doc.agreement_id:
            _restore_inferred(previous, doc, user)
    if agreement is not None:
        apply_template(doc, actor=user)
    return doc


# --------------------------------------------------------------------------------------------- listing

def listing(disagreements: bool = False) -> list[dict]:
    """``g287 moa list --json``: one entry per document, with exactly the issue's keys; ``disagreements``: only
    the attached documents whose template differs from the one the registry infers from model and date."""
    out = []
    qs = MoaDocument.objects.select_related("agreement").order_by("state", "file_name")
    for doc in qs:
        a = doc.agreement
        applied = a is not None and not a.template_inferred and doc.file_name in a.template_reason
        entry = {
            "file": doc.file_name, "sha256": doc.sha256, "agreement": a.key if a else None, "state": doc.state,
            "agency": doc.agency_name or (doc.provenance or {}).get("agency", ""), "model": doc.model,
            "template": doc.template_version, "template_source": "document" if applied else "inferred",
            "signed": doc.signed.isoformat() if doc.signed else None,
            "signatories": doc.signatories, "pages": doc.pages, "ocr": doc.ocr,
            "match_confidence": doc.match_confidence,
        }
        if disagreements and (a is None or not doc.template_version
                              or infer_template(a.model, a.signed)[0] == doc.template_version):
            continue
        out.append(entry)
    return out
