"""Read one ICE 287(g) spreadsheet (participating or pending agencies) into plain rows.

Nothing here touches the database. Every problem that makes a file unusable raises ``SheetError`` naming the
file and the column, row or field, so the caller can report it and write nothing of that file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from python_calamine import CalamineWorkbook
from rapidfuzz import fuzz, process

from g287.registry.importers.xlsx_links import hyperlinks

PARTICIPATING = "participating"
PENDING = "pending"

STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "GUAM": "GU",
    "U.S. VIRGIN ISLANDS": "VI", "VIRGIN ISLANDS": "VI", "NORTHERN MARIANA ISLANDS": "MP", "AMERICAN SAMOA": "AS",
}
USPS = set(STATES.values())
STATE_FUZZ_THRESHOLD = 85  # "UTAHJ" → UTAH scores 88.9; distinct state names score far lower

MODELS = {
    "JAIL ENFORCEMENT MODEL": "JEM", "JAIL ENFORCEMENT": "JEM", "JEM": "JEM",
    "WARRANT SERVICE OFFICER": "WSO", "WARRANT SERVICE OFFICER MODEL": "WSO", "WSO": "WSO",
    "TASK FORCE MODEL": "TFM", "TASK FORCE": "TFM", "TFM": "TFM",
    "HYBRID": "HYBRID", "HYBRID MODEL": "HYBRID",
}

# Canonical column → header spellings accepted (compared after upper-casing and collapsing spaces).
COLUMNS = {
    "STATE": ("STATE",),
    "AGENCY": ("LAW ENFORCEMENT AGENCY", "AGENCY", "AGENCY NAME"),
    "TYPE": ("TYPE", "AGENCY TYPE"),
    "COUNTY": ("COUNTY",),
    "MODEL": ("SUPPORT TYPE", "MODEL"),
    "SIGNED": ("SIGNED", "DATE SIGNED", "SIGNED DATE"),
    "MOA": ("MOA",),
    "ADDENDUM": ("ADDENDUM", "ADDENDA"),
}
HEADER_LABEL = {"STATE": "STATE", "AGENCY": "LAW ENFORCEMENT AGENCY", "TYPE": "TYPE", "COUNTY": "COUNTY",
                "MODEL": "SUPPORT TYPE", "SIGNED": "SIGNED", "MOA": "MOA", "ADDENDUM": "ADDENDUM"}
REQUIRED = {PENDING: ("STATE", "AGENCY", "MODEL"), PARTICIPATING: ("STATE", "AGENCY", "MODEL", "SIGNED")}

_FILE_NAME = re.compile(r"(participating|pending)\s*agencies[^0-9]*(\d{2})(\d{2})(\d{4})\s*(am|pm)?", re.I)
_CAPTURE = re.compile(r"(\d{8})_(\d{6})")
_HEADER_SCAN_ROWS = 15


class SheetError(Exception):
    """A file that cannot be imported; the message names the file and what is wrong."""

    def __init__(self, file_name: str, message: str, missing: tuple[str, ...] = ()):
        super().__init__(f"{file_name}: {message}")
        self.file_name = file_name
        self.missing = missing


@dataclass
class SheetRow:
    row: int  # spreadsheet row number, 1-based (the header is usually row 1)
    state: str
    name: str
    ice_type: str
    county: str
    model: str
    signed: date | None = None
    moa_text: str = ""
    moa_url: str = ""
    addendum_text: str = ""
    addendum_url: str = ""
    moa_capture_url: str = ""
    note: str = ""


@dataclass
class Sheet:
    path: Path
    file_name: str
    kind: str
    published: date
    edition: str
    captured: datetime | None
    sha256: str
    rows: list[SheetRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def clean(value) -> str:
    """Cell text without stray, doubled or non-breaking spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def describe_name(path: Path) -> tuple[str | None, date | None, str]:
    """(kind, ICE's date, am/pm) from ICE's file name, e.g. participatingAgencies07032025pm.xlsx."""
    m = _FILE_NAME.search(path.name)
    if not m:
        return None, None, ""
    try:
        published = date(int(m[4]), int(m[2]), int(m[3]))
    except ValueError:
        return m[1].lower(), None, (m[5] or "").lower()
    return m[1].lower(), published, (m[5] or "").lower()


def capture_time(path: Path) -> datetime | None:
    """The capture time (UTC) from the capture folder's name, sheets_YYYYMMDD_HHMMSS."""
    m = _CAPTURE.search(path.parent.name)
    if not m:
        return None
    try:
        return datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_state(raw: str) -> tuple[str | None, str]:
    text = re.sub(r"[^A-Z. ]", "", raw.upper()).strip()
    text = re.sub(r"\s+", " ", text)
    if text in STATES:
        return STATES[text], ""
    if text in USPS:
        return text, ""
    if not text:
        return None, ""
    best = process.extractOne(text, STATES.keys(), scorer=fuzz.ratio, score_cutoff=STATE_FUZZ_THRESHOLD)
    if best:
        return STATES[best[0]], f"state {raw!r} read as {best[0].title()}"
    return None, ""


def parse_model(raw: str) -> str | None:
    return MODELS.get(clean(raw).upper())


def parse_signed(value) -> tuple[date | None, str, bool]:
    """(date, note, ok). Accepts date cells, Excel serial numbers and typed text dates."""
    if value is None or value == "":
        return None, "", True
    if isinstance(value, datetime):
        return value.date(), "", True
    if isinstance(value, date):
        return value, "", True
    if isinstance(value, (int, float)) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value)), "", True
    text = clean(value)
    if not text:
        return None, "", True
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date(), f"signing date typed as text {text!r}", True
        except ValueError:
            pass
    digits = re.sub(r"\D", "", text)
    if len(digits) == 8:  # "05/082025": a slash missing; read as MMDDYYYY
        try:
            return date(int(digits[4:]), int(digits[:2]), int(digits[2:4])), f"signing date typed as text {text!r}", True
        except ValueError:
            pass
    return None, "", False


def _header_map(cells: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, cell in enumerate(cells):
        label = clean(cell).upper().rstrip(":")
        for canonical, spellings in COLUMNS.items():
            if label in spellings and canonical not in found:
                found[canonical] = idx
    return found


def read_sheet(path: Path | str) -> Sheet:
    """Read one ICE spreadsheet. Raises SheetError for anything that makes the file unusable."""
    path = Path(path)
    name = path.name
    kind_by_name, published, edition = describe_name(path)
    try:
        digest = sha256_of(path)
        if not zipfile.is_zipfile(path):
            raise SheetError(name, "not an xlsx file (not a zip archive; truncated or corrupt?)")
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise SheetError(name, "the workbook has no worksheet")
        cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        links = hyperlinks(path)
    except SheetError:
        raise
    except Exception as exc:  # calamine, zipfile and XML errors all mean the same thing here
        raise SheetError(name, f"cannot read the workbook ({type(exc).__name__}: {exc})") from exc

    header_idx, header = None, {}
    for i, row in enumerate(cells[:_HEADER_SCAN_ROWS]):
        found = _header_map(row)
        if len(found) > len(header):
            header_idx, header = i, found
        if "STATE" in found and "AGENCY" in found and "MODEL" in found:
            break
    kind = kind_by_name or (PARTICIPATING if "SIGNED" in header else PENDING)
    missing = tuple(HEADER_LABEL[c] for c in REQUIRED[kind] if c not in header)
    if missing:
        raise SheetError(name, f"required column(s) missing: {', '.join(missing)}", missing)
    if published is None:
        raise SheetError(name, "ICE's date is not in the file name (expected e.g. participatingAgencies07032025pm.xlsx)")

    sheet = Sheet(path=path, file_name=name, kind=kind, published=published, edition=edition,
                  captured=capture_time(path), sha256=digest,
                  columns=[HEADER_LABEL[c] for c in sorted(header, key=header.get)])

    def cell(row, col):
        idx = header.get(col)
        return row[idx] if idx is not None and idx < len(row) else None

    for i in range(header_idx + 1, len(cells)):
        row = cells[i]
        if all(clean(v) == "" for v in row):
            continue  # blank rows separate nothing in ICE's lists
        rownum = i + 1
        notes = []
        raw_state = clean(cell(row, "STATE"))
        state, note = parse_state(raw_state)
        if note:
            notes.append(note)
        if state is None:
            raise SheetError(name, f"row {rownum}: STATE {raw_state!r} is not a U.S. state")
        agency = clean(cell(row, "AGENCY"))
        if not agency:
            raise SheetError(name, f"row {rownum}: LAW ENFORCEMENT AGENCY is empty")
        raw_model = clean(cell(row, "MODEL"))
        model = parse_model(raw_model)
        if model is None:
            raise SheetError(name, f"row {rownum}: SUPPORT TYPE {raw_model!r} is not a 287(g) model")
        out = SheetRow(row=rownum, state=state, name=agency, ice_type=clean(cell(row, "TYPE")),
                       county=clean(cell(row, "COUNTY")), model=model)
        if kind == PARTICIPATING:
            signed, note, ok = parse_signed(cell(row, "SIGNED"))
            if not ok:
                raise SheetError(name, f"row {rownum}: SIGNED {clean(cell(row, 'SIGNED'))!r} is not a date")
            if note:
                notes.append(note)
            out.signed = signed
            if "MOA" in header:
                out.moa_text = clean(cell(row, "MOA"))[:255]
                out.moa_url = links.get((rownum, header["MOA"]), "")
                if not out.moa_url and out.moa_text.lower().startswith("http"):
                    out.moa_url = out.moa_text
            if "ADDENDUM" in header:
                out.addendum_text = clean(cell(row, "ADDENDUM"))[:255]
                out.addendum_url = links.get((rownum, header["ADDENDUM"]), "")
        out.note = "; ".join(notes)[:255]
        sheet.rows.append(out)
    return sheet
