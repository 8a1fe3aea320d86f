"""Federal fiscal years: FY N runs from October 1 of year N-1 through September 30 of year N."""

from __future__ import annotations

from datetime import date


def fiscal_year(day: date) -> int:
    """The fiscal year a day falls in: 2024-09-30 is FY2024, 2024-10-01 is FY2025."""
    return day.year + 1 if day.month >= 10 else day.year


def fy_bounds(fy: int) -> tuple[date, date]:
    """First and last day (both inclusive) of fiscal year ``fy``."""
    return date(fy - 1, 10, 1), date(fy, 9, 30)


def fy_label(fy: int) -> str:
    return f"FY{fy}"
