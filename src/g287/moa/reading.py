"""Reading a signed MOA's text: model, template revision, agency, state, signing date, signatories, clauses.

Pure functions over the text of the pages (from the PDF's text layer or OCR), the PDF's form fields and the file's
name; nothing here touches the database or the file system, so the rules are tested on their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from g287.moa.choices import SECTIONS

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}

STATES = {
    "AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA", "CO": "COLORADO",
    "CT": "CONNECTICUT", "DE": "DELAWARE", "DC": "DISTRICT OF COLUMBIA", "FL": "FLORIDA", "GA": "GEORGIA",
    "HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS", "IN": "INDIANA", "IA": "IOWA", "KS": "KANSAS",
    "KY": "KENTUCKY", "LA": "LOUISIANA", "ME": "MAINE", "MD": "MARYLAND", "MA": "MASSACHUSETTS", "MI": "MICHIGAN",
    "MN": "MINNESOTA", "MS": "MISSISSIPPI", "MO": "MISSOURI", "MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA",
    "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY", "NM": "NEW MEXICO", "NY": "NEW YORK", "NC": "NORTH CAROLINA",
    "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA", "OR": "OREGON", "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND",
    "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA", "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT",
    "VA": "VIRGINIA", "WA": "WASHINGTON", "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING",
    "PR": "PUERTO RICO", "GU": "GUAM", "VI": "VIRGIN ISLANDS", "MP": "NORTHERN MARIANA ISLANDS",
}
USPS_BY_NAME = {name: code for code, name in STATES.items()}

# Words that make a line a title, not a name ("Sheriff", "Acting Director", "Chief of Police").
TITLE_WORDS = re.compile(
    r"\b(Sheriff|Chief|Director|Commissioner|Secretary|President|Colonel|Superintendent|Warden|Chair(man|woman)?|"
    r"Mayor|Manager|Administrator|Executive|Marshal|Constable|Judge|Trustee|Chancellor|Provost)\b", re.I)
ORG_WORDS = re.compile(
    r"\b(Office|County|Department|Dept|Security|Enforcement|Customs|Immigration|Operations|Police|University|"
    r"Commission|Board|State|City|Town|Agency|Division|Signature|Signed|Date|Name|Title|MOA|Revised|Page|"
    r"Digitally|Appendix)\b", re.I)
ICE_WORDS = re.compile(r"Immigration and Customs|Enforcement and Remova|Homeland Security|\bICE\b|\bERO\b", re.I)
PERSON = re.compile(r"^[A-Z][A-Za-z.'’\-]+(?:\s+[A-Z][A-Za-z.'’\-]*){1,3}(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?$")


@dataclass
class Signatory:
    name: str
    title: str
    party: str  # "ICE" | "LEA"
    source: str = "text"  # "text" | "form"

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "party": self.party, "source": self.source}


@dataclass
class Reading:
    model: str = ""  # JEM | WSO | TFM, or "" when the text does not say
    model_reason: str = ""
    template_version: str = ""  # "2019", "2020", "2025" … or ""
    template_revision: str = ""  # the footer's date ("2025-02-12") when there is one
    template_reason: str = ""
    agency: str = ""
    state: str = ""  # USPS
    state_reason: str = ""
    signed: date | None = None
    signing_dates: list[date] = field(default_factory=list)
    file_date: date | None = None
    signatories: list[Signatory] = field(default_factory=list)
    clauses: list[tuple[str, str, str]] = field(default_factory=list)  # (key, heading, text)
    sections: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- small parsers

def _date(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError:
        return None


def dates_in(text: str) -> list[date]:
    """Every date written as "March 5, 2025", "3/5/2025", "3/5/25" or "2025.03.05" in the text."""
    out = []
    for m in re.finditer(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),?\s+(\d{4})\b", text):
        month = MONTHS.get(m.group(1).lower()) or next(
            (v for k, v in MONTHS.items() if len(m.group(1)) >= 3 and k.startswith(m.group(1).lower())), None)
        if month and (d := _date(int(m.group(3)), month, int(m.group(2)))):
            out.append(d)
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", text):
        if d := _date(int(m.group(3)), int(m.group(1)), int(m.group(2))):
            out.append(d)
    for m in re.finditer(r"\b(20\d\d)[.-](\d{2})[.-](\d{2})\b", text):
        if d := _date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            out.append(d)
    return out


def file_evidence(file_name: str) -> tuple[str, str, date | None]:
    """(model, USPS state, date) as the file's name gives them; blanks where it does not."""
    stem = re.sub(r"\.pdf$", "", file_name, flags=re.I)
    model = next((m for m in ("JEM", "WSO", "TFM") if re.search(rf"(^|[^A-Za-z]|287g){m}([^A-Za-z]|$)", stem)), "")
    state = ""
    # "…CoFl2019-…", "…CountyNC_…", "…PDFL_…", "…_FL_…": a two-letter code right before a separator or a date.
    for m in re.finditer(r"(?:(?<=[a-z_])|(?<=PD|DC|SO))([A-Z][A-Za-z])(?=[_\d-]|$)", stem):
        code = m.group(1).upper()
        if code in STATES:
            state = code
    d = None
    if m := re.search(r"(20\d\d)-(\d\d)-(\d\d)", stem):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := re.search(r"(\d\d)-(\d\d)-(20\d\d)", stem):
        d = _date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    elif m := re.search(r"(\d\d)\.(\d\d)\.(\d{4}|\d\d)(?!\d)", stem):
        d = _date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    elif m := re.search(r"(?<!\d)(\d\d)(\d\d)(20\d\d)(?!\d)", stem):
        d = _date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    elif m := re.search(r"(?<!\d)(\d\d)(\d\d)(\d\d)(?!\d)", stem):
        d = _date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return model, state, d


def read_model(text: str) -> tuple[str, str]:
    if re.search(r"task\s+force", text, re.I):
        return "TFM", "the text names the Task Force Model"
    if re.search(r"jail\s+enforcement", text, re.I):
        return "JEM", "the text names the Jail Enforcement Model"
    if re.search(r"warrant\s+service\s+officer", text, re.I) or re.search(
            r"scheduled\s+release\s+from\s+criminal\s+custody", text, re.I):
        return "WSO", "the text is the Warrant Service Officer agreement (custodial transfer at scheduled release)"
    return "", ""


REVISED = re.compile(r"Revised\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


def read_template(text: str, model: str) -> tuple[str, str, str]:
    """(template version, revision date ISO or "", reason)."""
    revisions = Counter()
    for m in REVISED.finditer(text):
        if d := _date(int(m.group(3)), int(m.group(1)), int(m.group(2))):
            revisions[d] += 1
    if revisions:
        # OCR misreads some footers ("03/07/2026"): the footer most pages carry is the revision.
        d, n = revisions.most_common(1)[0]
        return str(d.year), d.isoformat(), f"the footer “Revised {d:%m/%d/%Y}” on {n} page(s)"
    if model == "WSO":
        return "2019", "", "the 2019 Warrant Service Officer template's text, without the 2025 footer"
    if model == "JEM" and re.search(r"new\s+287\(g\)\s+Jail\s+Enforcement\s+Model|identify\s+and\s+process",
                                    text, re.I):
        return "2020", "", "the 2020 Jail Enforcement Model template's text, without the 2025 footer"
    if model == "JEM":
        return "2020", "", "a Jail Enforcement Model MOA without the 2025 footer: the 2020 template"
    return "", "", "no template footer and no text that names an earlier template"


AGENCY_WORDS = re.compile(r"Office|Department|Dept|Police|Commission|Sheriff|University|Trustees|Corrections|"
                          r"Center|Safety|Patrol|College|Marshal", re.I)


def page_header(pages: list[str]) -> tuple[str, str]:
    """(agency, USPS) from the line the 2025 templates repeat on every page ("Davie Police Department, FL")."""
    every = Counter()
    for page in pages:
        every.update({" ".join(l.split()) for l in page.splitlines()})
    # Only lines repeated on three pages or more can be the header: the costlier tests run on those alone.
    counts = Counter({line: n for line, n in every.items() if n >= 3 and 5 <= len(line) <= 90
                      and AGENCY_WORDS.search(line) and not line.lower().startswith(("revised", "the "))})
    for line, n in counts.most_common(5):
        if n < 3:
            break
        m = re.match(r"^(.*?)[,\s]+([A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*'?$", line)
        if m:
            code = m.group(2).upper()
            code = code if code in STATES else USPS_BY_NAME.get(code, "")
            if code:
                return m.group(1).strip(" ,"), code
        return line.strip(" ,"), ""
    return "", ""


def read_agency(text: str) -> str:
    """The agency as the PARTIES clause names it."""
    m = re.search(r"Department\s+of\s+Homeland\s+Security\s*\(\s*[DO]HS\s*\)\s*,?\s*and\s+(?:the\s+)?(.{3,160}?)"
                  r"\s*(?:\(|,\s*hereinafter|hereinafter|,\s*pursuant|pursuant)", text, re.S | re.I)
    if not m:
        return ""
    name = re.sub(r"\s+", " ", m.group(1)).strip(" ,._")
    if len(name) < 6 or not AGENCY_WORDS.search(name) or re.match(r"(hereinafter|pursuant)", name, re.I):
        return ""  # the template's blank, left empty or filled in elsewhere on the page
    return name


def read_state(text: str, agency: str, file_state: str, filed_state: str) -> tuple[str, str]:
    if filed_state:
        return filed_state, "the archive's folder"
    # "Davie Police Department, FL" in the 2025 templates' page footers.
    if agency:
        head = re.escape(agency.split(",")[0][:25])
        codes = Counter(m.group(1) for m in re.finditer(head + r"[^\n]{0,40}?,\s*([A-Z]{2})\b", text)
                        if m.group(1) in STATES)
        if codes:
            return codes.most_common(1)[0][0], "the page footers"
    if file_state:
        return file_state, "the file name"
    return "", ""


# --------------------------------------------------------------------------------------------- signatories

def _clean(line: str) -> str:
    line = re.sub(r"(Signature|Name|Title|Date|Agency)\s*:\s*", " ", line)
    line = re.sub(r"[_~|=]+", " ", line)
    return re.sub(r"\s+", " ", line).strip(" -.,:;")


def _is_person(line: str) -> bool:
    return bool(PERSON.match(line)) and not ORG_WORDS.search(line) and not TITLE_WORDS.search(line) \
        and sum(c.isupper() for c in line) <= 8


def _title_of(line: str) -> str:
    line = _clean(line)
    if not TITLE_WORDS.search(line) or len(line) > 70:
        return ""
    return line


def signature_region(text: str) -> str:
    starts = [m.start() for m in re.finditer(r"By\s+signing\s+this\s+MOA", text)]
    if not starts:
        return ""
    region = text[starts[-1]:]
    end = re.search(r"\n\s*APPENDIX\s+A\b", region)
    return region[:end.start()] if end else region[:2500]


def read_signatories(text: str, fields: dict[str, str]) -> list[Signatory]:
    region = signature_region(text)
    found: list[Signatory] = []
    seen = set()

    def add(name, title, party, source="text"):
        key = name.lower()
        if name and key not in seen:
            seen.add(key)
            found.append(Signatory(name, title, party, source))

    lines = [_clean(l) for l in region.splitlines()]
    lines = [l for l in lines if l]
    inline = {}  # "For the LEA: Stephen Kinsey For ICE: Caleb Vitello" (the 2025 templates' block)
    if m := re.search(r"For the LEA:\s*(.+?)\s+For ICE:\s*(.+)", region):
        inline = {_clean(m.group(1)): "LEA", _clean(m.group(2)): "ICE"}
    for i, line in enumerate(lines):
        title = _title_of(line)
        if not title:
            continue
        name = ""
        for j in range(i - 1, max(-1, i - 4), -1):
            cand = lines[j]
            for inl in inline:  # "For the LEA: X For ICE: Y" put both names on one line
                if inl and inl in cand and _is_person(inl):
                    cand = inl
            if _is_person(cand):
                name = cand
                break
            if _title_of(cand):
                break
        if not name:
            continue
        after = " ".join(lines[i:i + 4])
        party = inline.get(name) or ("ICE" if ICE_WORDS.search(after.split("Office")[0]) or
                                     re.fullmatch(r"(Acting )?Director|Executive Associate Director", title)
                                     else "LEA")
        add(name, title, party)
    for name, party in inline.items():
        if _is_person(name) and name.lower() not in seen:
            title = "Acting Director" if party == "ICE" and "Acting Director" in region else ""
            add(name, title, party)
    # Form fields: "Text6" = "Union County Sheriff Brad Whitehead", "For the LEA 2", "Title" = "Acting Director".
    for key, value in fields.items():
        value = _clean(str(value))
        if not value or len(value) > 80:
            continue
        m = re.match(r"^(.*?\b(?:Sheriff|Chief of Police|Chief|Director|Commissioner))\s+([A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]*\.?){1,3})$",
                     value)
        if m and _is_person(m.group(2)):
            add(m.group(2), m.group(1).strip(), "LEA", "form")
    return found


# --------------------------------------------------------------------------------------------- clauses

# Roman numerals as OCR and old scans misread them too ("Il.", "VU.", "Vil.").
HEADING = re.compile(r"^\s*(?:([IVXl1uU]{1,4}|[A-Z8])\.\s+([A-Z][A-Z ,.'’&/()-]{3,}?)|(APPENDIX\s*[A-D])\b.{0,60})\s*$")


def clause_key(heading: str) -> str:
    return re.sub(r"[^A-Z]", "", heading.upper())


def split_clauses(text: str) -> list[tuple[str, str, str]]:
    """(key, heading, text) for every headed clause, in order; the text before the first heading is dropped
    (title and letterhead), a heading seen twice keeps its first place (the appendices repeat some)."""
    out: list[list] = []
    for line in text.splitlines():
        m = HEADING.match(line)
        if m:
            heading = re.sub(r"\s+", " ", (m.group(2) or re.sub(r"APPENDIX\s*", "APPENDIX ", m.group(3)))).strip(" .")
            out.append([clause_key(heading), heading, []])
        elif out:
            out[-1][2].append(line)
    seen, result = set(), []
    for key, heading, body in out:
        body_text = "\n".join(body).strip()
        # The signatures are no clause: the text stops where the signing starts.
        body_text = re.split(r"B?y\s+signing\s+this\s+MOA", body_text)[0].strip()
        if key in seen or len(key) < 4:
            continue
        seen.add(key)
        result.append((key, heading, body_text))
    return result


def read_sections(clauses: list[tuple[str, str, str]]) -> dict[str, str]:
    by_key = {k: t for k, _, t in clauses}
    out = {}
    for name, keys in SECTIONS.items():
        for k in keys:
            if k in by_key:
                out[name] = by_key[k]
                break
    return out


# --------------------------------------------------------------------------------------------- the whole

def read(file_name: str, pages: list[str], fields: dict[str, str] | None = None, filed_state: str = "",
         filed_agency: str = "", today: date | None = None) -> Reading:
    text = "\n".join(pages)
    fields = fields or {}
    r = Reading()
    f_model, f_state, r.file_date = file_evidence(file_name)
    r.model, r.model_reason = read_model(text)
    if not r.model and f_model:
        r.model, r.model_reason = f_model, "the file name (the text does not say)"
    r.template_version, r.template_revision, r.template_reason = read_template(text, r.model)
    header_agency, header_state = page_header(pages)
    form_agency = next((str(v).strip() for k, v in fields.items()
                        if re.fullmatch(r"(?i)text0|for the lea 1", k) and str(v).strip()), "")
    r.agency = header_agency or read_agency(text) or form_agency or filed_agency
    r.state, r.state_reason = read_state(text, r.agency, f_state, filed_state)
    if not r.state and header_state:
        r.state, r.state_reason = header_state, "the page headers"
    today = today or date.today()
    region = signature_region(text)
    field_dates = dates_in(" ".join(str(v) for v in fields.values()))
    r.signing_dates = sorted({d for d in dates_in(region) + field_dates if date(2005, 1, 1) <= d <= today})
    # Effective on signature by both parties: the later signature's date.
    r.signed = r.signing_dates[-1] if r.signing_dates else r.file_date
    r.signatories = read_signatories(text, fields)
    r.clauses = split_clauses(text)
    r.sections = read_sections(r.clauses)
    return r
