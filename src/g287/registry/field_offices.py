"""ICE ERO field offices and their areas of responsibility, by state and, where a state is divided, by county.

The shipped file (data/field-offices/ice-areas-of-responsibility.csv, CC0) has one row per office, state and
county; a blank county means the whole state. Texas, California and New York are divided between several offices
by county. ``FieldOffice.states`` holds every state an office works in (wholly or in part) and
``FieldOffice.counties`` the counties of the states it holds only in part, so the agencies' office is derived
from the database rows alone: ``office_resolver(FieldOffice.objects.all())`` builds the lookup once, and
``office_for(state, county)`` answers each agency from two dictionaries.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from django.conf import settings
from django.db.models import Count
from django.utils.text import slugify
from rapidfuzz.distance import Levenshtein

from g287.registry.filters import STATE_NAMES, US_STATES
from g287.registry.models import Agency, FieldOffice

# State names as the file spells them, where they differ from the registry's own (registry.filters.US_STATES).
STATE_ALIASES = {
    "Commonwealth of the Northern Mariana Islands": "MP",
    "United States Virgin Islands": "VI",
}
# How ICE's lists name a few counties otherwise: New York City's boroughs are counties of their own.
COUNTY_ALIASES = {
    "NY": {"newyorkcity": "newyork", "manhattan": "newyork", "brooklyn": "kings", "statenisland": "richmond",
           "thebronx": "bronx"},
}
# The file writes "St Paul"; ICE writes "St. Paul".
OFFICE_NAMES = {"St Paul": "St. Paul"}

_SUFFIX = re.compile(r"\b(county|conty|cnty|cty|co|parish|borough)\b\.?\s*$")  # with ICE's typos
# What ICE's lists put in the county cell when there is none.
_NO_COUNTY = {"", "na", "none", "unknown", "statewide"}
_MULTI = re.compile(r"\s*(?:,|/|;|&|\band\b)\s*")


def field_offices_file() -> Path:
    return Path(settings.DATA_DIR) / "field-offices" / "ice-areas-of-responsibility.csv"


def county_key(text: str) -> str:
    """The county's name reduced to a key: "Harris County", "HARRIS" and "Harris Co." all give ``harris``;
    "St. Lawrence" and "Saint Lawrence County" give ``stlawrence``, "De Witt" and "DeWitt" ``dewitt``."""
    s = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower().strip()
    s = _SUFFIX.sub("", s).strip()
    s = re.sub(r"\bsaint\b", "st", s)
    return re.sub(r"[^a-z0-9]", "", s)


def _usps_by_state_name() -> dict[str, str]:
    return {**{name.lower(): code for code, name in US_STATES}, **{k.lower(): v for k, v in STATE_ALIASES.items()}}


def read_field_offices(path: Path | None = None) -> list[dict]:
    """Every office in the file: ``{"code", "name", "states": [USPS…], "counties": {USPS: [county key…]}}``,
    ``counties`` naming only the states the office holds in part. A bad row raises ValueError naming it."""
    path = path or field_offices_file()
    usps = _usps_by_state_name()
    offices: dict[str, dict] = {}
    whole: dict[str, str] = {}  # USPS → the office that holds all of it
    county_of: dict[tuple[str, str], str] = {}  # (USPS, county key) → the office that holds it
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, skipinitialspace=True)
        missing = {"office_name", "state_name", "county_name"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: columns {', '.join(sorted(missing))} are missing")
        for n, row in enumerate(reader, start=2):
            office, state, county = (row["office_name"] or "").strip(), (row["state_name"] or "").strip(), \
                (row["county_name"] or "").strip()
            if not office or not state:
                raise ValueError(f"{path}: row {n}: office_name and state_name are required")
            st = usps.get(state.lower())
            if st is None:
                raise ValueError(f"{path}: row {n}: state_name {state!r} is not a U.S. state or territory")
            name = OFFICE_NAMES.get(office, office)
            o = offices.setdefault(slugify(office), {"code": slugify(office), "name": f"{name} Field Office",
                                                     "states": [], "counties": {}})
            if st not in o["states"]:
                o["states"].append(st)
            if county:
                key = county_key(county)
                if county_of.setdefault((st, key), o["code"]) != o["code"]:
                    raise ValueError(f"{path}: row {n}: {county}, {state} is already in {county_of[(st, key)]}'s area")
                keys = o["counties"].setdefault(st, [])
                if key not in keys:
                    keys.append(key)
            else:
                if st in whole and whole[st] != o["code"]:
                    raise ValueError(f"{path}: row {n}: {state} is already wholly in {whole[st]}'s area")
                whole[st] = o["code"]
    for st, code in whole.items():
        for o in offices.values():
            if st in o["counties"]:
                raise ValueError(f"{path}: {state_label(st)} is wholly {code}'s and in part {o['code']}'s")
    return list(offices.values())


def load_field_offices(model=None, path: Path | None = None) -> int:
    """Create or update every field office (idempotent). Returns how many the file lists.

    Also run by migrations with their historical model: the county mapping is written once the model has it."""
    if model is None:
        model = FieldOffice
    has_counties = any(f.name == "counties" for f in model._meta.get_fields())
    offices = read_field_offices(path)
    for office in offices:
        defaults = {"name": office["name"], "states": office["states"]}
        if has_counties:
            defaults["counties"] = office["counties"]
        model.objects.update_or_create(code=office["code"], defaults=defaults)
    return len(offices)


def state_label(usps: str) -> str:
    return STATE_NAMES.get(usps, usps)


OfficeFor = Callable[[str, str], "tuple[object | None, str]"]


def office_resolver(offices: Iterable) -> OfficeFor:
    """Build, once, ``office_for(state_usps, county) -> (office or None, reason)`` from FieldOffice rows.

    Whole-state offices answer by state; in a state divided by county the agency's county decides (a county cell
    naming several counties counts when they all lie in one office's area). ``reason`` says how the office was
    found, or why there is none: "county unknown", "county 'X' is not in Texas's areas of responsibility"."""
    by_state: dict[str, object] = {}
    by_county: dict[tuple[str, str], object] = {}
    divided: set[str] = set()
    for office in offices:
        counties = getattr(office, "counties", None) or {}
        for st in office.states or []:
            if st in counties:
                divided.add(st)
                for key in counties[st]:
                    by_county[(st, key)] = office
            else:
                by_state[st] = office

    memo: dict[tuple[str, str], tuple[object | None, str]] = {}  # agencies of one county ask the same question

    def office_for(state: str, county: str) -> tuple[object | None, str]:
        asked = (state or "", county or "")
        if asked not in memo:
            memo[asked] = resolve(*asked)
        return memo[asked]

    def resolve(state: str, county: str) -> tuple[object | None, str]:
        st = state.strip().upper()
        if st in by_state:
            return by_state[st], f"all of {state_label(st)} is in its area"
        if st not in divided:
            return None, f"no field office's area includes {state_label(st) if st else 'an unknown state'}"
        text = county.strip()
        if not text:
            return None, "county unknown"
        if county_key(text) in _NO_COUNTY:
            return None, "county unknown"
        found: dict[int, object] = {}  # by id(): rows need not be saved (or hashable) to be looked up
        read_as = []
        for part in (p for p in _MULTI.split(text) if p.strip()):
            key, typo = lookup(st, county_key(part))
            if key is None:
                return None, f"county {part.strip()!r} is not in {state_label(st)}'s areas of responsibility"
            if typo:
                read_as.append(f"{part.strip()!r} read as {key!r}")
            office = by_county[(st, key)]
            found[id(office)] = office
        if len(found) != 1:
            return None, f"the counties {text!r} lie in the areas of {len(found)} field offices"
        how = f" ({'; '.join(read_as)}: the only county of {state_label(st)} one letter away)" if read_as else ""
        return next(iter(found.values())), f"{text} is in its {state_label(st)} area{how}"

    def lookup(st: str, key: str) -> tuple[str | None, bool]:
        """The county key as the file has it, and whether a typo was read (one letter off, one county only)."""
        key = COUNTY_ALIASES.get(st, {}).get(key, key)
        if (st, key) in by_county:
            return key, False
        if (st, key) not in near:
            near_keys = [k for (s, k) in by_county if s == st and len(key) >= 4 and Levenshtein.distance(k, key) <= 1]
            near[(st, key)] = near_keys[0] if len(near_keys) == 1 else None
        return near[(st, key)], near[(st, key)] is not None

    near: dict[tuple[str, str], str | None] = {}  # misses, looked up once each

    return office_for


def agencies_by_office() -> dict:
    """Each field office with its number of agencies, and every agency without an office with the reason
    (from the resolver: the county unknown, a county outside the state's areas; or, when the resolver now finds
    an office the agency was not yet given, that the next lineage recompute writes it)."""
    rows = list(FieldOffice.objects.annotate(n=Count("agencies")).order_by("name"))
    office_for = office_resolver(rows)
    unassigned = []
    for a in Agency.objects.filter(field_office__isnull=True).order_by("state", "name").only(
            "id", "key", "name", "state", "county"):
        office, why = office_for(a.state, a.county)
        if office is not None:
            why = f"not yet assigned: {office.name} ({why}); the next lineage recompute writes it"
        unassigned.append({"id": a.pk, "key": a.key, "name": a.name, "state": a.state, "county": a.county,
                           "reason": why})
    return {"offices": [{"code": o.code, "name": o.name, "states": o.states, "divided": sorted(o.counties or {}),
                         "agencies": o.n} for o in rows],
            "unassigned": unassigned}
