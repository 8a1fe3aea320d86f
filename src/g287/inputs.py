"""One reading of days, moments and whole numbers typed by people or sent by clients, for every parser.

Pages, the API, the CSV upload and the commands all read ``?as_of=``, ``at``, ``horizon``, ``limit`` and the
like through here (a query's ``?as_of=`` by ``day_param``/``moment_param``, a filter's or form's day by
``DayField``), so the same text gives the same answer everywhere and nothing out of range reaches the
database or date arithmetic (a year 9999 plus a day, a number past 64 bits): each is refused with a message
that names the field, the value and the expected form. ``InputError`` is a ``ValueError``; the API answers it
with 400, pages with a message or 400.

Days and moments are accepted from 1 January 1900 to 31 December 2199: far wider than any fact the system
holds, narrow enough that adding a term of years or a horizon never leaves the calendar.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
# Larger than any count or offset the system can hold, smaller than a 32-bit integer.
LARGEST_NUMBER = 2_000_000_000
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """A value that cannot be read; ``field`` names where it came from and ``message`` says why."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def _shown(value) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _in_range(d: date, field: str, value) -> None:
    if not EARLIEST_DAY <= d <= LATEST_DAY:
        raise InputError(field, f"{_shown(value)} is outside the years {EARLIEST_DAY.year}–{LATEST_DAY.year}")


def day(value, field: str = "date") -> date:
    """A calendar day written YYYY-MM-DD (a ``date`` passes through, range-checked)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        _in_range(value, field, value)
        return value
    text = str(value).strip()
    if not _DAY.fullmatch(text):
        raise InputError(field, f"{_shown(value)} is not a date; write YYYY-MM-DD, e.g. 2025-05-01")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise InputError(field, f"{_shown(value)} is not a day of the calendar") from None
    _in_range(d, field, value)
    return d


def moment(value, field: str = "at", *, date_alone: bool = False) -> datetime:
    """An ISO date-time (``2025-05-01T09:30``, with or without seconds and offset); naive when written without
    an offset. With ``date_alone``, a bare YYYY-MM-DD is 00:00 that day."""
    if isinstance(value, datetime):
        _in_range(value.date(), field, value)
        return value
    text = str(value).strip()
    if date_alone and _DAY.fullmatch(text):
        return datetime.combine(day(text, field), time())
    try:
        parsed = parse_datetime(text) if "\x00" not in text else None
    except ValueError:  # well formed, but no such day or hour (February 30, 25:00)
        raise InputError(field, f"{_shown(value)} is not a moment of the calendar") from None
    if parsed is None:
        raise InputError(field, f"{_shown(value)} is not a date and time; write YYYY-MM-DDTHH:MM, "
                                "e.g. 2025-05-01T09:30")
    _in_range(parsed.date(), field, value)
    if parsed.tzinfo is not None:  # an offset that carries it past the range, e.g. 2199-12-31T23:59-12:00
        _in_range(parsed.astimezone(ZoneInfo("UTC")).date(), field, value)
    return parsed


def aware(value: datetime) -> datetime:
    """A moment read by ``moment`` made aware (naive: the server's zone)."""
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def whole(value, field: str, *, minimum: int = 0, maximum: int = LARGEST_NUMBER) -> int:
    """A whole number within [minimum, maximum]."""
    if isinstance(value, bool):
        raise InputError(field, f"{_shown(value)} is not a whole number")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?\d{1,30}", text):
            raise InputError(field, f"{_shown(value)} is not a whole number")
        number = int(text)
    if not minimum <= number <= maximum:
        raise InputError(field, f"{_shown(value)} must be from {minimum} to {maximum}")
    return number


def _raw(params, field: str) -> str:
    return (params.get(field) or "").strip()


def day_param(params, field: str = "as_of", default: date | None = None) -> date:
    """A day from a query (``?as_of=``, any mapping with ``get``): ``default`` (today) when absent or blank."""
    raw = _raw(params, field)
    return day(raw, field) if raw else (default or timezone.localdate())


def moment_param(params, field: str = "as_of", default: datetime | None = None) -> datetime:
    """An aware moment from a query (a day alone is its midnight, server time): ``default`` (now) when absent
    or blank."""
    raw = _raw(params, field)
    return aware(moment(raw, field, date_alone=True)) if raw else (default or timezone.now())


def whole_param(params, field: str, default: int, **limits) -> int:
    """A whole number from a query (``?horizon=``): ``default`` when absent or blank; ``limits`` as ``whole``."""
    raw = _raw(params, field)
    return whole(raw, field, **limits) if raw else default


class DayField(forms.DateField):
    """A form's or a filter's day, read by ``day``: YYYY-MM-DD within the years the system accepts."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return day(value, self.label or "date")
        except InputError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
