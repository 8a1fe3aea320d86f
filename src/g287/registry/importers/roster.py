"""The FBI Crime Data Explorer law enforcement employees roster, and matching agencies to it.

Matching is per state, on the *distinctive* part of the name (what is left after dropping words such as
"County", "Sheriff's Office", "Police Department", "City of"), because the roster names counties and cities
bare ("Colbert", "Melbourne") while ICE names the agency ("Colbert County Sheriff's Office"). The scorer is
rapidfuzz's ``token_sort_ratio`` — token-based, insensitive to word order, but unlike a token-set ratio it does
not call "Melbourne" a perfect match for "West Melbourne". ICE's TYPE limits the roster agency types
considered and the county breaks ties.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from g287.registry.importers.ice_sheets import STATES
from g287.registry.names import distinctive, normalize

STATE_NAMES = {code: name for name, code in STATES.items()}

MATCH_THRESHOLD = 90.0  # token_sort_ratio of the distinctive names, after the county bonus
AMBIGUITY_MARGIN = 3.0  # a second roster agency this close to the best one makes the match ambiguous
COUNTY_BONUS = 5.0
KIND_PENALTY = 10.0  # a sheriff's office is not the county police department of the same county

REQUIRED_COLUMNS = ("ori", "pub_agency_name", "state_abbr", "county_name", "agency_type_name", "population",
                    "officer_ct", "civilian_ct")

# ICE's TYPE → roster agency types that can be the same agency.
COMPATIBLE_TYPES = {
    "county": {"County", "Other"},
    "municipality": {"City", "Other", "University or College"},
    "state agency": {"State Police", "Other State Agency", "University or College", "Other"},
}


class RosterError(Exception):
    pass


@dataclass
class RosterAgency:
    ori: str
    name: str
    state: str
    county: str
    agency_type: str
    population: int | None
    officers: int | None
    civilians: int | None
    data_year: str
    key: str  # the distinctive name

    def describe(self) -> str:
        return f"{self.name} ({self.agency_type}, {self.county.title()} county, {self.data_year} data)"


def _int(value: str, path: Path, row: int, column: str) -> int | None:
    text = (value or "").strip()
    if text in ("", "NULL", "NA", "N/A"):
        return None
    try:
        return int(float(text))
    except ValueError:
        raise RosterError(f"{path.name}: row {row}: {column} {text!r} is not a number")


def read_roster(path: Path | str) -> list[RosterAgency]:
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise RosterError(f"{path.name}: not an FBI employee roster; required column(s) missing: "
                                  f"{', '.join(missing)}")
            reader.fieldnames = header
            out = []
            for n, row in enumerate(reader, start=2):
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue
                ori, state = (row["ori"] or "").strip(), (row["state_abbr"] or "").strip().upper()
                if not re.fullmatch(r"[A-Z0-9]{9}", ori):
                    raise RosterError(f"{path.name}: row {n}: ori {ori!r} is not a 9-character ORI")
                if not re.fullmatch(r"[A-Z]{2}", state):
                    raise RosterError(f"{path.name}: row {n}: state_abbr {state!r} is not a state code")
                name = (row["pub_agency_name"] or "").strip()
                out.append(RosterAgency(
                    ori=ori, name=name, state=state, county=(row["county_name"] or "").strip(),
                    agency_type=(row["agency_type_name"] or "").strip(),
                    population=_int(row["population"], path, n, "population"),
                    officers=_int(row["officer_ct"], path, n, "officer_ct"),
                    civilians=_int(row["civilian_ct"], path, n, "civilian_ct"),
                    data_year=(row.get("data_year") or "").strip(), key=distinctive(name.rstrip(":"))))
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path.name}: not a UTF-8 text CSV ({exc.reason} at byte {exc.start})")
    except (OSError, csv.Error) as exc:
        raise RosterError(f"{path.name}: cannot read the roster ({exc})")
    if not out:
        raise RosterError(f"{path.name}: the roster has no rows")
    return out


def _county_key(text: str) -> str:
    return " ".join(w for w in normalize(text).split() if w not in ("county", "parish", "borough"))


@dataclass
class Match:
    roster: RosterAgency | None
    score: float | None
    reason: str  # why unmatched, or how it matched


def match_agency(name: str, state: str, ice_type: str, county: str,
                 by_state: dict[str, list[RosterAgency]]) -> Match:
    pool = by_state.get(state, [])
    if not pool:
        return Match(None, None, f"no candidate in state: the roster lists no agency in {state}")
    types = COMPATIBLE_TYPES.get(ice_type.strip().lower())
    if types:
        pool = [r for r in pool if r.agency_type in types]
        if not pool:
            return Match(None, None, f"no candidate in state: no roster agency of a type matching “{ice_type}”")
    key = distinctive(name)
    if ice_type.strip().lower() == "state agency":
        # The roster names state agencies without the state: "Department of Law Enforcement".
        state_words = set(normalize(STATE_NAMES.get(state, "")).split())
        key = " ".join(w for w in key.split() if w not in state_words)
    county_key = _county_key(county)
    kind = _kind(name)
    scored = []
    for r in pool:
        score = fuzz.token_sort_ratio(key, r.key)
        if county_key and _county_key(r.county) == county_key:
            score = min(100.0, score + COUNTY_BONUS)
        rkind = _kind(r.name)
        if kind and rkind and kind != rkind:
            score -= KIND_PENALTY
        scored.append((score, r))
    scored.sort(key=lambda t: (-t[0], -(t[1].officers or 0)))
    best_score, best = scored[0]
    if best_score < MATCH_THRESHOLD:
        return Match(None, best_score, f"best score below threshold: {best.describe()} scores {best_score:.0f} "
                                       f"< {MATCH_THRESHOLD:.0f}")
    rivals = [r for s, r in scored[1:] if s >= best_score - AMBIGUITY_MARGIN and r.ori != best.ori]
    if rivals and all(r.name == best.name for r in rivals):
        # One agency reporting under several ORIs (e.g. a state commission per region): the largest is its
        # headquarters.
        return Match(best, best_score, f"matched {best.describe()}, score {best_score:.0f}; the largest of "
                                       f"{len(rivals) + 1} roster entries of that name")
    if rivals:
        names = "; ".join(r.describe() for r in [best] + rivals[:3])
        return Match(None, best_score, f"ambiguous: {len(rivals) + 1} roster agencies score within "
                                       f"{AMBIGUITY_MARGIN:.0f} points: {names}")
    return Match(best, best_score, f"matched {best.describe()}, score {best_score:.0f}")


def _kind(name: str) -> str:
    words = set(normalize(name).split())
    if "sheriffs" in words:
        return "sheriff"
    if "police" in words:
        return "police"
    return ""


def index_by_state(roster: list[RosterAgency]) -> dict[str, list[RosterAgency]]:
    by_state: dict[str, list[RosterAgency]] = defaultdict(list)
    for r in roster:
        by_state[r.state].append(r)
    return by_state
