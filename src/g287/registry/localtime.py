"""An agency's local time.

The rules are written in the agency's local calendar and clock (rules.md §5), so actions keep the local
wall time the engine decides on, and the UTC instant it corresponds to. The zone is the one that covers
most of the agency's state; the few states split between zones use their most populous zone.
"""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

STATE_ZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
    "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
    "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
    "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
    "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
    "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
    "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
    "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
    "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
    "GU": "Pacific/Guam", "VI": "America/St_Thomas", "AS": "Pacific/Pago_Pago", "MP": "Pacific/Saipan",
}
DEFAULT_ZONE = "America/New_York"


def zone_for(state: str) -> ZoneInfo:
    return ZoneInfo(STATE_ZONES.get((state or "").upper(), DEFAULT_ZONE))


def split(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """(local naive wall time, UTC instant) for a moment given either as local wall time or as an instant."""
    if at.tzinfo is None:
        local = at
        instant = at.replace(tzinfo=zone).astimezone(dt_timezone.utc)
    else:
        instant = at.astimezone(dt_timezone.utc)
        local = at.astimezone(zone).replace(tzinfo=None)
    return local, instant


def missing(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a local wall time never happened in ``zone``: the hour skipped when clocks spring forward."""
    instant = local.replace(tzinfo=zone).astimezone(dt_timezone.utc)
    return instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None)


def iso_local(value: datetime) -> str:
    """Local wall time as sortable ISO text (seconds precision)."""
    return value.replace(microsecond=0).isoformat(timespec="seconds")
