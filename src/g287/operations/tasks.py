"""Background jobs on the task queue (rq on Redis, queue ``deadlines``).

``check_deadlines`` is the job the scheduler runs (``cron.py``); it is the same check as
``g287 deadlines check``. Arguments are plain strings so the job is serialized without Django objects.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from g287.operations import deadlines


def check_deadlines(as_of: str | None = None) -> dict:
    """Run the deadline check as of ``as_of`` (ISO date-time; now when None) and return what it found."""
    moment = None
    if as_of:
        moment = parse_datetime(as_of)
        if moment is None:
            raise ValueError(f"as_of must be an ISO date-time; got {as_of!r}")
    result = deadlines.check(moment)
    return {"as_of": result.as_of.isoformat(), "overdue": result.overdue, "newly_noticed": result.newly_noticed}
