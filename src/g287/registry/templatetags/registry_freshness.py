"""``{% reflects_notice day %}``: the one notice every registry, portal, program and home page shows — which ICE
list the page reflects, its date, and a plain warning when that list is more than a week older than the day."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

from g287.registry.freshness import STALE_AFTER_DAYS, reflects

register = template.Library()


@register.inclusion_tag("registry/_reflects.html")
def reflects_notice(day: date | None = None):
    if not isinstance(day, date):
        day = timezone.localdate()  # the day the page shows, when it names none: today
    return {"reflects": reflects(day), "stale_after": STALE_AFTER_DAYS}
