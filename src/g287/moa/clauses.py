"""A template's standard text, derived from the signed MOAs of that template, and each MOA's departures from it.

ICE does not publish its blank templates, so the standard wording of a clause is the wording most of the signed
MOAs of the template share: for each clause, the medoid of its normalized texts (the one closest to all the
others), which is the most common wording when several are identical and stays robust to OCR noise when none
are. A clause most MOAs of the template have is standard; a document without it has *removed* it, a clause few
of them have is *added*, and a clause whose wording differs from the standard by more than noise is *changed*.
Pure functions (docs/decisions.md, "MOA documents").
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

MIN_DOCUMENTS = 3  # fewer signed MOAs of a template than this: no standard can be told from a county's choice
CHANGED_BELOW = 93.0  # rapidfuzz ratio (0–100) under which a clause's wording is changed, not OCR noise
MIN_CHANGED_WORDS = 6  # … and at least this many words added or struck
MEDOID_OF = 15  # copies compared with each other when no wording is common (the comparison is quadratic)
HEADING_FIT = 85.0  # a heading read this close to a standard heading is that heading ("CML RIGHTS STANDARDS")
MIN_COVERAGE = 0.6  # a document whose text yields fewer of the standard clauses is not compared (says so)
VOCABULARY_SHARE = 0.5  # added words must be words of the template at least half, or they are OCR's misreadings


FIELD_OFFICE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}\s+Field\s+Office\b")


@lru_cache(maxsize=64)
def _name_patterns(agency_names: tuple[str, ...]) -> tuple[tuple[str, re.Pattern], ...]:
    out = []
    for name in agency_names:
        if not name or len(name) < 2:
            continue
        out.append((name.lower(), re.compile(rf"\b{re.escape(name)}\b", re.I)))
        words = name.split()
        if len(words) > 1 and len(words[0]) > 2:
            # Misspelled copies of the name ("Levy County Sherifrs Office"): its first word up to the agency word.
            out.append((words[0].lower(), re.compile(
                rf"\b{re.escape(words[0])}\b(?:\s+\S+){{0,5}}?\s+(?:office|department|dept|commission|"
                rf"corrections|trustees|safety|center|police)\b", re.I)))
    return tuple(out)


def normalize(text: str, agency_names: tuple[str, ...] = ()) -> str:
    """The clause's words, without what differs between any two copies of the same wording: the agency's own
    name and abbreviation (the templates name it "the LEA"), page furniture, blanks, case and spacing."""
    t = text
    lowered = text.lower()
    for needle, pattern in _name_patterns(agency_names):
        if needle in lowered:  # the pattern's first word must be there: most clauses skip the search
            t = pattern.sub(" LEA ", t)
    if "field" in lowered:
        t = FIELD_OFFICE.sub(" the field office ", t)
    if "revised" in lowered:
        t = re.sub(r"(?m)^.*\bRevised\s+\d.*$", " ", t)  # footers
    t = re.sub(r"(?m)^\s*\d{1,2}\s*$", " ", t)  # page numbers
    t = re.sub(r"\(\s*[A-Z]{2,6}\s*\)", " ", t)  # "(LCSO)" where the agency's abbreviation is defined
    t = re.sub(r"[_]{2,}", " ", t)
    if ":" in t:
        t = re.sub(r"\b(Signature|Date|Title|Name)\s*:", " ", t, flags=re.I)  # the signature form's labels
    t = t.lower().replace("’", "'")
    t = re.sub(r"[^a-z0-9'§.,;:()\- ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def abbreviations(text: str) -> tuple[str, ...]:
    """The agency abbreviations a 2019/2020 MOA defines ("Levy County Sheriff's Office (LCSO)")."""
    skip = {"ICE", "DHS", "OHS", "MOA", "LEA", "INA", "SOP", "FOD", "ERO", "USC", "CFR", "OPR", "OIG", "JEM", "WSO",
            "TFM", "PIO", "DOJ", "CRCL", "OPLA", "ACRIMe", "FBI", "NCIC", "ICEPIC", "PARTIES", "USCIS"}
    return tuple(sorted({a for a in re.findall(r"\(([A-Z]{2,6})\)", text) if a not in skip}, key=len, reverse=True))


@dataclass(frozen=True)
class StandardClause:
    key: str
    heading: str
    text: str  # normalized
    share: float  # how many of the template's documents have the clause (0–1)


def standard(documents: list[list[tuple[str, str, str]]]) -> dict[str, StandardClause] | None:
    """The standard clauses of one template from its documents' (key, heading, normalized text) clauses; None when
    there are too few documents to tell."""
    n = len(documents)
    if n < MIN_DOCUMENTS:
        return None
    by_key: dict[str, list[tuple[str, str]]] = {}
    counts: dict[str, int] = {}
    for clauses in documents:
        for key, _, _ in clauses:
            counts[key] = counts.get(key, 0) + 1
    canon: dict[str, str] = {}
    for key in sorted(counts, key=lambda k: (-counts[k], k)):  # misread headings join the common spelling
        canon[key] = next((c for c in dict.fromkeys(canon.values()) if _same_heading(c, key)), key)
    for clauses in documents:
        for key, heading, text in clauses:
            by_key.setdefault(canon[key], []).append((heading, text))
    out = {}
    for key, versions in by_key.items():
        share = len(versions) / n
        if share <= 0.5:
            continue  # most MOAs of the template lack it: not standard
        texts = [t for _, t in versions]
        common, times = Counter(texts).most_common(1)[0]
        if times >= 3 and times * 3 >= len(texts):
            best = common  # the most common wording, word for word
        else:  # no wording shared by enough copies (OCR noise): the medoid of the first MEDOID_OF
            sample = texts[:MEDOID_OF]
            best = max(sample, key=lambda t: sum(fuzz.ratio(t, o) for o in sample))
        heading = max({h for h, _ in versions}, key=lambda h: sum(1 for hh, _ in versions if hh == h))
        out[key] = StandardClause(key, heading, best, share)
    return out


# Clauses each agency fills in (names, addresses, telephone numbers): compared for presence, not wording.
FILLED_IN = ("CONTACT", "PUBLICINFORMATION")


def _substantive(run: str) -> bool:
    words = run.split()
    real = [w for w in words if re.fullmatch(r"[a-z][a-z'\-]{2,}[.,;:]?", w)]
    return len(words) >= 3 and len(real) >= 3 and len(real) >= 0.7 * len(words)


def _known(run: list[str], vocabulary: set[str]) -> bool:
    return bool(run) and sum(1 for w in run if w.strip(".,;:") in vocabulary) >= VOCABULARY_SHARE * len(run)


def _word_changes(standard_text: str, text: str, vocabulary: set[str]) -> tuple[list[str], list[str]]:
    """(runs of words struck from the standard, runs of words added), each run as text. A run replaced by words
    the template never uses ("theetime ofthe") is OCR's misreading, not a change."""
    a, b = standard_text.split(), text.split()
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace" and not _known(b[j1:j2], vocabulary):
            continue
        if op in ("delete", "replace"):
            removed.append(" ".join(a[i1:i2]))
        if op in ("insert", "replace"):
            added.append(" ".join(b[j1:j2]))
    return removed, added


def _same_heading(a: str, b: str) -> bool:
    """Two headings read from different copies are one when they differ by misread letters only; the appendices'
    ("APPENDIXA", "APPENDIXB") differ by one letter that matters."""
    if a.startswith("APPENDIX") or b.startswith("APPENDIX") or min(len(a), len(b)) < 8:
        return a == b
    return fuzz.ratio(a, b) >= HEADING_FIT


def canonical_key(key: str, std: dict[str, "StandardClause"]) -> str:
    if key in std:
        return key
    return next((k for k in std if _same_heading(k, key)), key)


def _resplit(clauses: list[tuple[str, str, str]], std: dict[str, StandardClause]) -> list[tuple[str, str, str]]:
    """A standard heading the reading missed (a scan's "h. liability and responsmility" inside the clause before
    it) splits that clause where it stands, so the missed clause is compared, not reported removed."""
    have = {k for k, _, _ in clauses}
    for key, s in std.items():
        if key in have or key.startswith("APPENDIX"):
            continue
        heading = s.heading.lower()
        for i, (k, h, t) in enumerate(clauses):
            hit = fuzz.partial_ratio_alignment(heading, t, score_cutoff=HEADING_FIT)
            if hit is None:
                continue
            clauses = [*clauses[:i], (k, h, t[:hit.dest_start].strip()), (key, s.heading, t[hit.dest_end:].strip()),
                       *clauses[i + 1:]]
            have.add(key)
            break
    return clauses


def departures(clauses: list[tuple[str, str, str]], std: dict[str, StandardClause]) -> list[dict] | None:
    """The document's departures from the standard: clauses added, removed or changed, with their text; None when
    too few of the standard clauses could be told apart in the document's text to compare it."""
    clauses = _resplit([(canonical_key(k, std), h, t) for k, h, t in clauses], std)
    have = {k for k, _, _ in clauses}
    if len(have & set(std)) < MIN_COVERAGE * len(std):
        return None
    vocabulary = {w.strip(".,;:") for s in std.values() for w in s.text.split()}
    out = []
    for key, heading, text in clauses:
        s = std.get(key)
        if s is None:
            if _substantive(text[:400]):
                out.append({"kind": "added", "clause": heading, "text": text[:4000]})
            continue
        if fuzz.ratio(s.text, text) >= CHANGED_BELOW or any(w in key for w in FILLED_IN):
            continue
        removed, added = _word_changes(s.text, text, vocabulary)
        # Runs of real words only: OCR's misread words come one or two at a time, as stray marks.
        # A run found on the other side too was moved, not changed (a PDF's text layer may give lines out of order).
        removed = [r for r in removed if _substantive(r) and r not in text]
        added = [a for a in added if _substantive(a) and _known(a.split(), vocabulary) and a not in s.text]
        if sum(len(r.split()) for r in removed) + sum(len(a.split()) for a in added) < MIN_CHANGED_WORDS:
            continue
        out.append({"kind": "changed", "clause": s.heading, "removed": removed[:20], "added": added[:20],
                    "similarity": round(fuzz.ratio(s.text, text), 1)})
    for key, s in std.items():
        if key not in have:
            out.append({"kind": "removed", "clause": s.heading, "text": s.text[:4000]})
    return out
