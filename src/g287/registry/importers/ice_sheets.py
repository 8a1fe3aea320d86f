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
# ICE's misspellings keep the first two words of the model's name ("Jail Enforcment Model", "Warrant Services
# Officer", "Warrant Service Office", "Task Force Officer"); no two models share those words, so each has one reading.
MODEL_STEMS = (("JAIL ENF", "JEM"), ("WARRANT SERV", "WSO"), ("TASK FORCE", "TFM"), ("HYBRID", "HYBRID"))
MODEL_FUZZ_THRESHOLD = 85
MODEL_LABEL = {"JEM": "Jail Enforcement Model", "WSO": "Warrant Service Officer", "TFM": "Task Force Model",
               "HYBRID": "Hybrid"}

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

SPREADSHEET, WEB_TABLE = "spreadsheet", "web_table"

# ICE's own dated names: participatingAgencies07032025pm.xlsx, …05122025amB, …07242025pm_b, …12042025pm2,
# "… copy", and a date with a digit too many (090022025).
_ICE_NAME = re.compile(r"^(participating|pending)\s*agencies\s*(\d{8,9})\s*(am|mid|pm)?\s*(_?[a-z]|\d)?\s*(copy)?$", re.I)
# Web archives' capture names: ParticipatingEntities-20210113002027 (the table on ICE's web page),
# participatingAgencies-20250221214937 / pendingAgencies-… (ICE's spreadsheet, its own name lost).
_CAPTURE_NAME = re.compile(r"^(participatingentities|participatingagencies|pendingagencies)[-_ ]?(\d{14})$", re.I)
_CAPTURE_FOLDER = re.compile(r"(\d{8})_(\d{6})")
_ARCHIVE_URL = re.compile(r"^https?://web\.archive\.org/web/[^/]+/(https?://.+)$", re.I)
_HEADER_SCAN_ROWS = 15
EDITION_BASE_RANK = {"": 0, "am": 1, "mid": 2, "pm": 3}

# Bounds on what a workbook may claim before any reader allocates for it (ICE's lists: < 2,000 rows, 8 columns).
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 64
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*>\s*<(?:\w+:)?f[\s>/](?:(?!</(?:\w+:)?c>).)*?</(?:\w+:)?c>', re.S)


class SheetError(Exception):
    """A file that cannot be read as a list at all; the message names the file and what is wrong."""

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
class QuarantinedRow:
    """A row that cannot be read: its raw cells under their headers, and why."""

    row: int
    cells: dict
    reason: str


@dataclass
class NameReading:
    """What a file's name says: which list, in which form, ICE's date or the capture time, and how it was read."""

    kind: str | None
    source: str
    published: date | None
    edition: str = ""
    captured: datetime | None = None
    notes: list[str] = field(default_factory=list)
    stem: str = ""  # ICE's dated name without the list's word, e.g. "01052025pm": pairs a pending list with its twin


@dataclass
class Sheet:
    path: Path
    file_name: str
    kind: str
    published: date
    edition: str
    captured: datetime | None
    sha256: str
    source: str = SPREADSHEET
    note: str = ""
    stem: str = ""
    rows: list[SheetRow] = field(default_factory=list)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def redate(self, day: date, why: str) -> None:
        self.published = day
        self.note = "; ".join(filter(None, [self.note, why]))[:500]


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


def _ice_date(digits: str) -> tuple[date | None, str]:
    """MMDDYYYY, or a date typed with one digit too many whose only reading drops one digit."""
    def as_date(d: str):
        try:
            day = date(int(d[4:]), int(d[:2]), int(d[2:4]))
        except ValueError:
            return None
        return day if 2000 <= day.year <= 2100 else None

    if len(digits) == 8:
        return as_date(digits), ""
    readings = {r for r in (as_date(digits[:i] + digits[i + 1:]) for i in range(len(digits))) if r}
    if len(readings) == 1:
        day = readings.pop()
        return day, f"the date in the file name has a digit too many ({digits}); its only reading is {day.isoformat()}"
    return None, ""


def _capture_folder_time(path: Path) -> datetime | None:
    """The capture time (UTC) from a capture folder's name, sheets_YYYYMMDD_HHMMSS."""
    m = _CAPTURE_FOLDER.search(path.parent.name)
    if not m:
        return None
    try:
        return datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def describe_name(path: Path) -> NameReading | None:
    """Read a file's name in any of the forms ICE and the archives used; None when it is none of them."""
    stem = Path(path.name).stem.strip()
    m = _CAPTURE_NAME.match(stem)
    if m:
        try:
            captured = datetime.strptime(m[2], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        # Dated by the capture: the web page carries no date, and the archive kept no ICE file name. That is
        # the source's nature (Publication.source, captured), not a repair, so it carries no note.
        if m[1].lower() == "participatingentities":
            return NameReading(PARTICIPATING, WEB_TABLE, captured.date(), "", captured)
        kind = PARTICIPATING if m[1].lower().startswith("participating") else PENDING
        return NameReading(kind, SPREADSHEET, captured.date(), "", captured)
    m = _ICE_NAME.match(stem)
    if not m:
        return None
    kind = m[1].lower()
    published, note = _ice_date(m[2])
    base = (m[3] or "").lower()
    variant = (m[4] or "").lower().lstrip("_")
    edition = base + (f"-{variant}" if variant else "") + ("-copy" if m[5] else "")
    reading = NameReading(kind, SPREADSHEET, published, edition[:8], _capture_folder_time(path),
                          [note] if note else [], stem=f"{m[2]}{edition}")
    if published is None:
        reading.notes.append(f"no date can be read from the file name's digits {m[2]}")
    return reading


def _model_reading(text: str) -> tuple[str | None, bool]:
    """(model, repaired) for a SUPPORT TYPE cell; None when no single model fits."""
    upper = re.sub(r"[^A-Z ]", "", text.upper())
    upper = re.sub(r"\s+", " ", upper).strip()
    if upper in MODELS:
        return MODELS[upper], False
    if not upper:
        return None, False
    stems = {model for stem, model in MODEL_STEMS if upper.startswith(stem)}
    if len(stems) == 1:
        return stems.pop(), True
    best = process.extract(upper, MODELS.keys(), scorer=fuzz.ratio, limit=None, score_cutoff=MODEL_FUZZ_THRESHOLD)
    found = {MODELS[b[0]] for b in best}
    if len(found) == 1:
        return found.pop(), True
    return None, False


def parse_model(raw: str) -> str | None:
    return _model_reading(clean(raw))[0]


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
        return STATES[best[0]], f"STATE {raw!r} read as {best[0].title()}"
    return None, ""


_NOT_LISTED = {"#NA", "#N/A", "N/A", "NA", "TBD", "-", "--"}
_SLASH_MISSING = re.compile(r"^(\d{1,2})/(\d{1,2})(\d{4})$")  # 7/72025, 8/282025, 05/082025


def parse_signed(value) -> tuple[date | None, str, bool]:
    """(date, note, ok). Accepts date cells, Excel serial numbers and typed text dates; a repair gets a note."""
    if value is None or value == "":
        return None, "", True
    if isinstance(value, datetime):
        return value.date(), "", True
    if isinstance(value, date):
        return value, "", True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:
            day = date(1899, 12, 30) + timedelta(days=int(value))
            return day, f"SIGNED {value!r} read as a spreadsheet day number: {day.isoformat()}", True
        return None, "", False
    text = clean(value)
    if not text:
        return None, "", True
    if text.upper() in _NOT_LISTED:
        return None, f"SIGNED {text!r} read as not listed", True
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):  # the web page's own form: a reading, not a repair
        try:
            return datetime.strptime(text, fmt).date(), "", True
        except ValueError:
            pass
    for fmt in ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return day, f"SIGNED typed as text {text!r}, read as {day.isoformat()}", True
    m = _SLASH_MISSING.match(text)
    if m:
        try:
            day = date(int(m[3]), int(m[1]), int(m[2]))
        except ValueError:
            return None, "", False
        return day, f"SIGNED {text!r} (a slash missing) read as {day.isoformat()}", True
    return None, "", False


def split_archive_url(url: str) -> tuple[str, str]:
    """(ICE's document URL, the archive's capture URL) for an archive URL wrapping ICE's; else (url, "")."""
    m = _ARCHIVE_URL.match(url)
    return (m[1], url) if m else (url, "")


def _header_map(cells: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, cell in enumerate(cells):
        label = clean(cell).upper().rstrip(":")
        for canonical, spellings in COLUMNS.items():
            if label in spellings and canonical not in found:
                found[canonical] = idx
    return found


def _find_header(cells: list) -> tuple[int | None, dict[str, int]]:
    header_idx, header = None, {}
    for i, row in enumerate(cells[:_HEADER_SCAN_ROWS]):
        found = _header_map(row)
        if len(found) > len(header):
            header_idx, header = i, found
        if "STATE" in found and "AGENCY" in found and "MODEL" in found:
            break
    return header_idx, header


def _col_letters_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_bounds(path: Path, name: str) -> dict[str, set[str]]:
    """Refuse, before any reader allocates, a workbook that unpacks too large or claims cells far outside a list.
    Returns {worksheet path: refs of formula cells with no value} for the worksheets."""
    formulas: dict[str, set[str]] = {}
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise SheetError(name, f"the workbook unpacks to {total / 1e6:.0f} MB, more than a list can be "
                                   f"({MAX_UNCOMPRESSED // 1_000_000} MB); refused unread")
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with zf.open(info) as fh:
                xml = fh.read(MAX_UNCOMPRESSED + 1)
            max_row = max_col = 0
            for col, row in _CELL_REF.findall(xml):
                r, c = int(row), _col_letters_index(col)
                if r > max_row:
                    max_row = r
                if c > max_col:
                    max_col = c
                if r > MAX_ROWS or c > MAX_COLUMNS:
                    raise SheetError(name, f"a cell at {col.decode()}{row.decode()} lies far outside any list "
                                           f"(at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns); refused unread")
            if b"<f" in xml or b":f>" in xml:
                empty = set()
                for m in _FORMULA_CELL.finditer(xml):
                    if not re.search(rb"<(?:\w+:)?v>[^<]+<", m[0]) and not re.search(rb"<(?:\w+:)?is>", m[0]):
                        empty.add(m[1].decode())
                formulas[info.filename] = empty
    return formulas


def _col_name(idx: int) -> str:
    letters = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


LATE_ROWS_MIN = 3  # fewer rows signed after the list's date are typos in those rows, not in the name
CORRECTION_WINDOW = timedelta(days=60)  # a list is published within two months of its newest agreement


def _corrected_date(sheet: "Sheet", digits: str) -> tuple[date, str] | None:
    named = sheet.published
    late = sorted(r.signed for r in sheet.rows if r.signed and r.signed > named)
    if len(late) < LATE_ROWS_MIN:
        return None
    latest = late[-1]
    readings = set()
    for pos in range(len(digits)):
        for d in "0123456789":
            if d == digits[pos]:
                continue
            text = digits[:pos] + d + digits[pos + 1:]
            try:
                day = date(int(text[4:]), int(text[:2]), int(text[2:4]))
            except ValueError:
                continue
            if latest <= day <= latest + CORRECTION_WINDOW:
                readings.add(day)
    if not readings:
        return None
    best = min(readings, key=lambda d: (d - latest, d))
    others = sorted(readings - {best})
    return best, (f"named {named.isoformat()}, but {len(late)} of its rows were signed after that, up to "
                  f"{latest.isoformat()}: dated {best.isoformat()}, the one-digit correction of the name's date "
                  f"nearest after its newest agreement" + (f" (also possible: {', '.join(map(str, others))})"
                                                           if others else ""))


def read_sheet(path: Path | str, name_reading: NameReading | None = None) -> Sheet:
    """Read one ICE list. Raises SheetError only when the file cannot be read as a list at all; a row that
    cannot be read is quarantined, a cell with one reading is repaired with a note."""
    path = Path(path)
    name = path.name
    reading = name_reading or describe_name(path)
    try:
        digest = sha256_of(path)
        if not zipfile.is_zipfile(path):
            raise SheetError(name, "not an xlsx file (not a zip archive; truncated or corrupt?)")
        empty_formulas = _check_bounds(path, name)
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise SheetError(name, "the workbook has no worksheet")
        sheet_index, cells, header_idx, header, first_missing = 0, [], None, {}, None
        for idx, sheet_name in enumerate(workbook.sheet_names):
            cells = workbook.get_sheet_by_index(idx).to_python(skip_empty_area=False)
            header_idx, header = _find_header(cells)
            if "STATE" in header and "AGENCY" in header and "MODEL" in header:
                sheet_index = idx
                break
            if first_missing is None:
                first_missing = (header_idx, header, cells)
        else:
            header_idx, header, cells = first_missing
            sheet_index = 0
        links = hyperlinks(path) if sheet_index == 0 else {}
    except SheetError:
        raise
    except Exception as exc:  # calamine, zipfile and XML errors all mean the same thing here
        raise SheetError(name, f"cannot read the workbook ({type(exc).__name__}: {exc})") from exc

    notes = list(reading.notes) if reading else []
    if sheet_index:
        notes.append(f"the list is on the worksheet {workbook.sheet_names[sheet_index]!r}, not the first")
    kind = reading.kind if reading and reading.kind else (PARTICIPATING if "SIGNED" in header else PENDING)
    if kind == PARTICIPATING and "SIGNED" not in header and all(c in header for c in REQUIRED[PENDING]):
        kind = PENDING
        notes.append("named as the participating list but has no SIGNED column and the pending list's columns: "
                     "read as ICE's pending list")
    missing = tuple(HEADER_LABEL[c] for c in REQUIRED[kind] if c not in header)
    if missing:
        sheets = f" (worksheets: {', '.join(workbook.sheet_names)})" if len(workbook.sheet_names) > 1 else ""
        raise SheetError(name, f"required column(s) missing: {', '.join(missing)}{sheets}", missing)
    if reading is None or reading.published is None:
        raise SheetError(name, "no date can be read from the file name (expected ICE's name such as "
                               "participatingAgencies07032025pm.xlsx, or an archive capture name such as "
                               "participatingAgencies-20250221214937.xlsx)")

    sheet = Sheet(path=path, file_name=name, kind=kind, published=reading.published, edition=reading.edition,
                  captured=reading.captured, sha256=digest, source=reading.source, stem=reading.stem,
                  columns=[HEADER_LABEL[c] for c in sorted(header, key=header.get)])
    headers = {idx: clean(cells[header_idx][idx]) or _col_name(idx) for idx in range(len(cells[header_idx]))}
    no_value = set()
    for refs in empty_formulas.values():
        no_value |= refs

    def cell(row, col):
        idx = header.get(col)
        return row[idx] if idx is not None and idx < len(row) else None

    def quarantine(rownum, row, reason):
        raw = {headers.get(i, _col_name(i)): (v.isoformat() if isinstance(v, (date, datetime)) else v)
               for i, v in enumerate(row) if v not in ("", None)}
        sheet.quarantined.append(QuarantinedRow(rownum, raw, reason[:500]))

    seen: dict[tuple, int] = {}
    for i in range(header_idx + 1, len(cells)):
        row = cells[i]
        if all(clean(v) == "" for v in row):
            continue  # blank rows separate nothing in ICE's lists
        rownum = i + 1
        row_notes = []
        formula_cols = [c for c in ("STATE", "AGENCY", "MODEL", "SIGNED") if c in header
                        and f"{_col_name(header[c])}{rownum}" in no_value]
        raw_state = clean(cell(row, "STATE"))
        state, note = parse_state(raw_state)
        if note:
            row_notes.append(note)
        agency = clean(cell(row, "AGENCY"))
        raw_model = clean(cell(row, "MODEL"))
        model, repaired = _model_reading(raw_model)
        problem = None
        if formula_cols:
            problem = (f"{', '.join(HEADER_LABEL[c] for c in formula_cols)}: a formula with no value saved in the "
                       f"file (the spreadsheet was not recalculated before it was published)")
        elif state is None:
            problem = f"STATE {raw_state!r} is not a U.S. state" if raw_state else "STATE is empty"
        elif not agency:
            problem = "LAW ENFORCEMENT AGENCY is empty"
        elif model is None:
            problem = (f"SUPPORT TYPE {raw_model!r} is not a 287(g) model" if raw_model
                       else "SUPPORT TYPE is empty")
        signed = None
        if problem is None and kind == PARTICIPATING:
            signed, note, ok = parse_signed(cell(row, "SIGNED"))
            raw_signed = cell(row, "SIGNED")
            if not ok:
                problem = f"SIGNED {clean(raw_signed)!r} is not a date"
            elif signed and not (date(1996, 9, 30) <= signed <= reading.published + timedelta(days=400)):
                problem = f"SIGNED {signed.isoformat()} is outside the program's years"
            elif note:
                row_notes.append(note)
        if problem:
            quarantine(rownum, row, problem)
            continue
        if repaired:
            row_notes.append(f"SUPPORT TYPE {raw_model!r} read as {MODEL_LABEL[model]}")
        out = SheetRow(row=rownum, state=state, name=agency, ice_type=clean(cell(row, "TYPE")),
                       county=clean(cell(row, "COUNTY")), model=model, signed=signed)
        if kind == PARTICIPATING:
            if "MOA" in header:
                out.moa_text = clean(cell(row, "MOA"))[:255]
                url = links.get((rownum, header["MOA"]), "")
                if not url and out.moa_text.lower().startswith("http"):
                    url = out.moa_text
                out.moa_url, out.moa_capture_url = split_archive_url(url)
            if "ADDENDUM" in header:
                out.addendum_text = clean(cell(row, "ADDENDUM"))[:255]
                out.addendum_url = split_archive_url(links.get((rownum, header["ADDENDUM"]), ""))[0]
        key = tuple(clean(v).upper() for v in row)
        if key in seen:
            row_notes.append(f"the same row as row {seen[key]} (listed twice)")
        else:
            seen[key] = rownum
        out.note = "; ".join(row_notes)[:500]
        sheet.rows.append(out)

    # A participating list cannot list agreements signed after its own date. When several of its rows are, ICE
    # mistyped the date in the name (three January 2026 lists named 2025; a September list named August): the
    # reading is the one-digit correction of the name's date nearest after its newest agreement.
    if kind == PARTICIPATING and reading.source == SPREADSHEET and not reading.captured and reading.stem:
        fixed = _corrected_date(sheet, sheet.published.strftime("%m%d%Y"))
        if fixed:
            notes.append(fixed[1])
            sheet.published = fixed[0]
    sheet.note = "; ".join(notes)[:500]
    return sheet
