"""Calendar arithmetic of the rules: "+ N years", weekday-hour clocks, complaint deadlines.

All times are naive local times of the agency (rules.md section 5: dates are calendar dates in the
agency's local time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

COMPLAINT_NOTICE_HOURS = 48
COMPLAINT_RESOLUTION_REPORT_DAYS = 30

_DAY = timedelta(days=1)


def add_years(d: date, years: int) -> date:
    """The same month and day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb into a common year
        return d.replace(year=d.year + years, day=28)


def add_weekday_hours(start: datetime, hours: float) -> datetime:
    """``start`` plus ``hours`` counted only on Monday–Friday.

    Saturday and Sunday hours do not count. The answer is the earliest moment at which that many
    weekday hours have passed, so a count that ends exactly at Friday midnight is due Saturday 00:00
    (the end of Friday), and a count that starts on a weekend starts on Monday 00:00.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    if not remaining:
        return start
    t = start
    while True:
        weekday = t.weekday()
        if weekday >= 5:  # Saturday or Sunday: jump to Monday 00:00
            t = datetime.combine(t.date() + timedelta(days=7 - weekday), time())
            continue
        midnight = datetime.combine(t.date() + _DAY, time())
        step = min(remaining, midnight - t)
        t += step
        remaining -= step
        if not remaining:
            return t


def notify_ice_due(received: datetime) -> datetime:
    """When the LEA must have told ICE of a complaint: 48 hours, Saturday and Sunday hours not counted."""
    return add_weekday_hours(received, COMPLAINT_NOTICE_HOURS)


def resolution_report_due(resolved: date) -> date:
    """The last day to report a complaint's resolution: 30 days after the resolution date."""
    if isinstance(resolved, datetime):
        resolved = resolved.date()
    return resolved + timedelta(days=COMPLAINT_RESOLUTION_REPORT_DAYS)
