"""Which agreement a signed MOA is: state, agency, model and signing date, the file's name as evidence too.

Pure: the candidates are plain values read from the registry by the caller. A document is attached only when one
agreement fits clearly; otherwise it is listed as ambiguous (with the agreements that fit equally) or unmatched
(with why), never attached by guesswork.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

ACCEPT = 0.80  # confidence from which a document is attached
MIN_NAME = 80.0  # the agency's name must fit at least this well (rapidfuzz 0–100)
MARGIN = 0.06  # the best candidate must lead the next one by this much, or the match is ambiguous
DATE_CLOSE_DAYS = 45  # signing dates this close count as the same signing (ICE lists the date it received it)

_ABBREV = [
    (r"\bco\b", "county"), (r"\bdept\b", "department"), (r"\bpd\b", "police department"),
    (r"\bso\b", "sheriff's office"), (r"\bdps\b", "department of public safety"),
    (r"\bdoc\b", "department of corrections"), (r"\bsheriffs\b", "sheriff's"), (r"\bsheriff s\b", "sheriff's"),
    (r"\bdc\b", "detention center"), (r"\bfl\b", ""), (r"\bthe\b", ""), (r"\bof\b", ""), (r"\band\b", ""),
    (r"&", " "),
]


@lru_cache(maxsize=8192)
def norm_name(name: str) -> str:
    n = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)  # "GreenCoveSprings" → "Green Cove Springs"
    n = n.lower().replace("’", "'").replace("_", " ")
    n = re.sub(r"[^a-z0-9' &]+", " ", n)
    for pat, rep in _ABBREV:
        n = re.sub(pat, rep, n)
    return re.sub(r"\s+", " ", n).strip()


def name_from_file(file_name: str, state: str = "") -> str:
    """The agency words of a file name: "287gWSO_LevyCoFl2019-05-06.pdf" → "Levy Co"."""
    stem = re.sub(r"\.pdf$", "", file_name, flags=re.I)
    stem = re.sub(r"287g(JEM|WSO|TFM)_?", "", stem)
    stem = re.sub(r"_?(JEM|WSO|TFM)(_MOA)?", " ", stem)
    stem = re.sub(r"_?MOA", " ", stem)
    stem = re.sub(r"[\d.\-]+", " ", stem)
    if state:
        stem = re.sub(rf"^{state}(?=[A-Z])", " ", stem)  # "VADOC"
        stem = re.sub(rf"(?i)(?<=[a-z]){state}\b|\b{state}\b", " ", stem)
    return re.sub(r"[_\s]+", " ", stem).strip()


@dataclass(frozen=True)
class Candidate:
    pk: int
    key: str
    agency: str
    state: str
    model: str
    signed: date | None
    link_name: str = ""  # the file name of the MOA ICE's list links for it, when it links one


def link_name(url: str) -> str:
    """The PDF's file name in an MOA link, also inside a mail scanner's wrapping (``…?url=https%3A…pdf&…``)."""
    from urllib.parse import unquote

    found = re.findall(r"([^/=?&]+\.pdf)", unquote(url or ""), flags=re.I)
    return found[-1] if found else ""


@dataclass
class Evidence:
    file_name: str
    model: str
    state: str
    agency_text: str  # as the document's text names it
    agency_filed: str  # as the archive filed it
    signed: date | None
    file_date: date | None


@dataclass
class Match:
    status: str  # matched | ambiguous | unmatched
    candidate: Candidate | None
    confidence: float
    reasons: list[str] = field(default_factory=list)
    alternatives: list[dict] = field(default_factory=list)


GENERIC = {"county", "sheriff's", "sheriff", "office", "police", "department", "city", "town", "public", "safety",
           "law", "enforcement", "agency", "s"}


@lru_cache(maxsize=8192)
def _distinct(n: str) -> str:
    return " ".join(w for w in n.split() if w not in GENERIC)


def name_fit(a: str, b: str) -> float:
    """How well two agency names fit (0–100): the whole names, and above all the words that tell agencies apart
    ("Hardee" and "Lee" County Sheriff's Office are two agencies, not one misspelled)."""
    na, nb = norm_name(a), norm_name(b)
    whole = fuzz.token_sort_ratio(na, nb)
    da, db = _distinct(na), _distinct(nb)
    if not da or not db:
        return whole
    return 0.35 * whole + 0.65 * fuzz.token_sort_ratio(da, db)


def _sources(ev: Evidence) -> list[tuple[str, float, str]]:
    out = []
    if ev.agency_text:
        out.append((ev.agency_text, 0.6, "the text"))
    from_file = name_from_file(ev.file_name, ev.state)
    if from_file:
        out.append((from_file, 0.25, "the file name"))
    if ev.agency_filed:
        out.append((ev.agency_filed, 0.15, "the archive's folder"))
    return out


def _name_score(sources, c: Candidate) -> tuple[float, str]:
    if not sources:
        return 0.0, "no agency name in the text, the file name or the archive"
    scores = [(name_fit(name, c.agency), w, label) for name, w, label in sources]
    total = sum(w for _, w, _ in scores)
    value = sum(s * w for s, w, _ in scores) / total
    best = max(scores, key=lambda x: x[0])
    return value, f"agency name fits {value:.0f}/100 (best: {best[2]}, {best[0]:.0f})"


def _date_score(ev: Evidence, c: Candidate) -> tuple[float, str]:
    if c.signed is None:
        return 0.5, "the registry has no signing date"
    days = [abs((d - c.signed).days) for d in (ev.signed, ev.file_date) if d]
    if not days:
        return 0.5, "the document gives no signing date"
    gap = min(days)
    if gap <= 7:
        return 1.0, f"signed {gap} day(s) from the registry's date {c.signed}"
    if gap <= DATE_CLOSE_DAYS:
        return 0.8, f"signed {gap} days from the registry's date {c.signed}"
    if gap <= 366:
        return 0.3, f"signed {gap} days from the registry's date {c.signed}"
    return 0.0, f"signed {gap} days from the registry's date {c.signed}: another signing"


def match(ev: Evidence, candidates: list[Candidate]) -> Match:
    pool = [c for c in candidates if (not ev.model or c.model == ev.model) and (not ev.state or c.state == ev.state)]
    where = f"{ev.model or 'any model'} in {ev.state or 'any state'}"
    if not pool:
        return Match("unmatched", None, 0.0, [f"the registry has no {where} agreement"])
    reasons = [f"{where}: {len(pool)} agreement(s)"]
    sources = _sources(ev)
    # A name read badly (an OCR'd or blank PARTIES clause) fits no agreement at all: it is no evidence.
    kept = [s for s in sources if max(name_fit(s[0], c.agency) for c in pool) >= 70]
    for name, _, label in sources:
        if (name, _, label) not in kept:
            reasons.append(f"the agency as {label} gives it (“{name[:60]}”) fits no agreement: not used")
    scored = []
    for c in pool:
        name, name_why = _name_score(kept, c)
        when, when_why = _date_score(ev, c)
        conf = 0.7 * name / 100 + 0.3 * when
        why = [name_why, when_why]
        linked = bool(c.link_name) and c.link_name.lower() == ev.file_name.lower()
        if linked:
            conf = min(1.0, conf + 0.3)
            why.append("ICE's list links this very file for the agreement")
        scored.append((conf, name if not linked else max(name, MIN_NAME), c, why))
    scored.sort(key=lambda x: (-x[0], x[2].key))
    conf, name, best, why = scored[0]
    reasons += why
    alternatives = [{"agreement": c.key, "confidence": round(s, 3)} for s, _, c, _ in scored[1:4]]
    if name < MIN_NAME or conf < ACCEPT:
        return Match("unmatched", None, round(conf, 3),
                     [*reasons, f"the closest, {best.agency} ({best.key}), fits too poorly to attach"], alternatives)
    if len(scored) > 1 and conf - scored[1][0] < MARGIN:
        other = scored[1][2]
        return Match("ambiguous", None, round(conf, 3),
                     [*reasons, f"{best.agency} ({best.key}) and {other.agency} ({other.key}) fit almost equally"],
                     alternatives)
    return Match("matched", best, round(conf, 3), reasons, alternatives)
