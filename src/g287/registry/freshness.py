"""Which ICE list the registry reflects on a day, and whether that list is too old to stand for the day.

Every page and export that shows the registry names the list it reflects and its date (``reflects``), and warns
when that list is more than ``STALE_AFTER_DAYS`` older than the day shown — a reader looking at "today" must not
take a list of weeks ago for today's. Only placed publications count (``Publication.placed``): a list imported
but not yet folded into the lineage is not what the registry shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from g287.registry.models import Publication

STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Reflects:
    """The registry as of ``day``: the newest placed participating list on or before it (None: no list yet)."""

    day: date
    publication: Publication | None

    @property
    def published(self) -> date | None:
        return self.publication.published if self.publication else None

    @property
    def file_name(self) -> str:
        return self.publication.file_name if self.publication else ""

    @property
    def days_behind(self) -> int | None:
        return (self.day - self.published).days if self.publication else None

    @property
    def missing(self) -> bool:
        return self.publication is None

    @property
    def stale(self) -> bool:
        """The list is more than STALE_AFTER_DAYS older than the day shown."""
        return self.publication is not None and self.days_behind > STALE_AFTER_DAYS

    def as_dict(self) -> dict:
        """For exports (JSON metadata): the list, its date, and the warning."""
        return {"day": self.day.isoformat(), "list": self.file_name or None,
                "list_date": self.published.isoformat() if self.published else None,
                "source": self.publication.get_source_display() if self.publication else None,
                "days_behind": self.days_behind, "stale": self.stale, "stale_after_days": STALE_AFTER_DAYS,
                "statement": self.statement()}

    def statement(self) -> str:
        """One plain English sentence (exports; the pages use their translated template)."""
        day = self.day.isoformat()
        if self.publication is None:
            return (f"No ICE participating agencies list in the registry is dated on or before {day}: "
                    f"no agreement is shown as in force on that day.")
        text = (f"As of {day}, the registry reflects ICE's participating agencies list {self.file_name} "
                f"of {self.published.isoformat()}.")
        if self.stale:
            text += (f" Warning: that list is {self.days_behind} days older than {day}; agreements ICE added or "
                     f"ended since {self.published.isoformat()} are not in it.")
        return text


def newest_placed(day: date) -> Publication | None:
    return (Publication.objects.filter(kind=Publication.Kind.PARTICIPATING, placed=True, published__lte=day)
            .order_by("-published", "-edition", "-captured", "-id").first())


def reflects(as_of_day: date) -> Reflects:
    """The newest placed participating list on or before ``as_of_day``, its date, and whether it is stale."""
    return Reflects(day=as_of_day, publication=newest_placed(as_of_day))
