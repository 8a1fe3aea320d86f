"""``g287 fetch ice``: download ICE's current participating and pending lists, keep every raw file with its
capture time, import what is new, and record every outcome for the staff status page.

Each configured URL (``settings.G287_ICE_SHEET_URLS``) may be the spreadsheet itself or a page linking to it
(ICE's 287(g) page by default): from a page, the first link whose file name names the list is followed. What came
back is kept under ``var/captures/sheets_YYYYMMDD_HHMMSS/`` (the capture time in UTC, the folder form the
importer reads the capture time from): a spreadsheet under ICE's file name, anything else (an error page, an HTML
page instead of a spreadsheet) as ``<list>-response.<ext>``. A spreadsheet whose content was imported before is
recorded as unchanged and not stored twice (the capture points to the copy already kept).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from g287.audit.services import record
from g287.changes.choices import AuditAction, FetchOutcome
from g287.changes.models import Capture
from g287.changes.originals import CAPTURES
from g287.registry.models import Publication
from g287.registry.services import import_ice_sheets

KINDS = ("participating", "pending")
_SHEET_NAME = {kind: re.compile(rf"{kind}\s*agencies[^/]*\.xlsx$", re.I) for kind in KINDS}
USER_AGENT = "g287 (public registry of 287(g) agreements; fetches ICE's published lists)"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def sheet_link(html: str, base: str, kind: str) -> str | None:
    parser = _Links()
    parser.feed(html)
    for href in parser.hrefs:
        if _SHEET_NAME[kind].search(unquote(urlsplit(href).path)):
            return urljoin(base, href)
    return None


def is_spreadsheet(content: bytes) -> bool:
    """An .xlsx is a zip holding xl/workbook.xml; an HTML page or anything else is not."""
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _file_name(response: httpx.Response, kind: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    m = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition, re.I)
    name = unquote(m[1]) if m else unquote(PurePosixPath(urlsplit(str(response.url)).path).name)
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(name).name).strip() or f"{kind}Agencies.xlsx"
    return name if name.lower().endswith(".xlsx") else name + ".xlsx"


@dataclass
class FetchResult:
    captures: list[Capture] = field(default_factory=list)

    def summary(self) -> dict:
        return {c.kind: {"outcome": c.outcome, "file": Path(c.path).name if c.path else "", "message": c.message}
                for c in self.captures}

    @property
    def failed(self) -> bool:
        return any(c.outcome not in (FetchOutcome.IMPORTED, FetchOutcome.UNCHANGED) for c in self.captures)


def _keep(folder: Path, name: str, content: bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    n = 1
    while path.exists():  # never overwrite what was captured
        n += 1
        path = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    path.write_bytes(content)
    return str(path.relative_to(Path(settings.VAR_DIR)))


def _save(capture: Capture) -> Capture:
    with transaction.atomic():
        capture.save()
        record(None, AuditAction.FETCH, "capture", capture.pk, None, {
            "kind": capture.kind, "url": capture.url, "outcome": capture.outcome, "http_status": capture.http_status,
            "sha256": capture.sha256, "size": capture.size, "path": capture.path, "message": capture.message[:500]})
    return capture


def fetch_ice(urls: dict[str, str] | None = None, now=None, progress: bool = False) -> FetchResult:
    """Fetch each list once; import the new ones together (one lineage update, one round of alerts)."""
    urls = urls or settings.G287_ICE_SHEET_URLS
    now = now or timezone.now()
    folder = Path(settings.VAR_DIR) / CAPTURES / f"sheets_{now.astimezone(dt_timezone.utc):%Y%m%d_%H%M%S}"
    result = FetchResult()
    pages: dict[str, httpx.Response | Exception] = {}
    to_import: list[tuple[Capture, Path]] = []
    with httpx.Client(follow_redirects=True, timeout=settings.G287_FETCH_TIMEOUT,
                      headers={"User-Agent": USER_AGENT}) as client:
        def get(url):
            if url not in pages:
                try:
                    pages[url] = client.get(url)
                except httpx.HTTPError as exc:
                    pages[url] = exc
            return pages[url]

        for kind in KINDS:
            url = urls.get(kind)
            if not url:
                continue
            cap = Capture(kind=kind, url=url, at=now)
            response = get(url)
            if isinstance(response, Exception):
                cap.outcome, cap.message = FetchOutcome.FAILED, f"{url}: {type(response).__name__}: {response}"
                result.captures.append(_save(cap))
                continue
            if response.status_code == 200 and not is_spreadsheet(response.content):
                link = sheet_link(response.text, str(response.url), kind) if "html" in response.headers.get(
                    "content-type", "") or response.content.lstrip()[:1] == b"<" else None
                if link:
                    cap.url = link
                    response = get(link)
                    if isinstance(response, Exception):
                        cap.outcome, cap.message = FetchOutcome.FAILED, f"{link}: {type(response).__name__}: {response}"
                        result.captures.append(_save(cap))
                        continue
            cap.http_status = response.status_code
            cap.content_type = response.headers.get("content-type", "")[:200]
            content = response.content
            cap.size = len(content)
            cap.sha256 = hashlib.sha256(content).hexdigest()
            if response.status_code != 200 or not is_spreadsheet(content):
                ext = "html" if b"<html" in content[:2000].lower() or "html" in cap.content_type else "bin"
                cap.path = _keep(folder, f"{kind}-response.{ext}", content) if content else ""
                if response.status_code != 200:
                    cap.outcome = FetchOutcome.FAILED
                    cap.message = f"{cap.url}: HTTP {response.status_code}"
                else:
                    cap.outcome = FetchOutcome.NOT_SPREADSHEET
                    cap.message = (f"{cap.url}: not a spreadsheet ({cap.content_type or 'no content type'}, "
                                   f"{cap.size} bytes)")
                result.captures.append(_save(cap))
                continue
            known = Publication.all_objects.filter(sha256=cap.sha256).first()
            if known is not None:
                previous = Capture.objects.filter(sha256=cap.sha256).exclude(path="").order_by("at").first()
                cap.path = previous.path if previous else ""
                cap.outcome, cap.publication = FetchOutcome.UNCHANGED, known
                cap.message = f"same content as {known.file_name}"
                result.captures.append(_save(cap))
                continue
            cap.path = _keep(folder, _file_name(response, kind), content)
            to_import.append((cap, Path(settings.VAR_DIR) / cap.path))

    if to_import:
        report = import_ice_sheets([p for _, p in to_import], progress=progress)
        by_path = {Path(f.path).resolve(): f for f in report.files}
        for cap, path in to_import:
            f = by_path.get(path.resolve())
            if f is not None and f.status == "error":
                cap.outcome, cap.message = FetchOutcome.REJECTED, f.message
            elif f is not None and f.status == "unchanged":  # the same bytes in both lists' places
                cap.outcome, cap.message = FetchOutcome.UNCHANGED, f.message
            else:
                cap.outcome = FetchOutcome.IMPORTED
                cap.publication = Publication.objects.filter(sha256=cap.sha256).first()
                cap.message = f"{f.rows if f else 0} rows"
            result.captures.append(_save(cap))
    return result
