"""What oversight is due, per agency and agreement, as of a day — derived, never stored.

- OPR inspection: every cycle (two years by default; configurable per model, ``InspectionCycle``) after
  the last inspection held, or after the earliest signing date of the agency's agreements in force.
  An agency with agreements of several models keeps the shortest cycle among them.
- FOD–LEA meeting: at least annually — twelve months after the last meeting (a first review is a
  meeting too), or after the agency's operational date.
- First review: within about twelve months of an agreement's operational date, once per agreement.
  The operational date is the first authorization granted under the agreement (the day an officer could
  first act under it), or its signing date when no officer has been authorized.

An agreement is in force on a day when it was signed by then, ICE's lists do not show it removed or
superseded by then (an agreement never listed — entered by hand — counts as in force), and no
termination notice has taken effect by then.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min, Q

from g287.oversight.models import DEFAULT_CYCLE_MONTHS, Inspection, InspectionCycle
from g287.personnel.models import Authorization
from g287.policy.rules import UnknownRuleSet, ruleset
from g287.registry.filters import annotate_status
from g287.registry.models import Agreement, AgreementEvent

MEETING_MONTHS = 12
FIRST_REVIEW_MONTHS = 12
DEFAULT_HORIZON_DAYS = 90


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def cycle_months(model: str) -> int:
    row = InspectionCycle.objects.filter(model=model).values_list("months", flat=True).first()
    return row or DEFAULT_CYCLE_MONTHS


def effective_date(agreement: Agreement, event: AgreementEvent) -> date:
    """When a suspension or termination notice takes effect under the agreement's template; an agreement
    without a known template (a WSO before 2019) takes it on the notice date."""
    try:
        rs = ruleset(agreement.model, agreement.template_version)
    except UnknownRuleSet:
        return event.date
    return rs.effective(event.kind, event.by or "ICE", event.date, event.exigent)


def agreements_in_force(as_of: date, agencies=None) -> list[Agreement]:
    qs = annotate_status(Agreement.objects.filter(signed__isnull=False, signed__lte=as_of), as_of)
    qs = qs.filter(Q(listing_on="active") | Q(listing_on__isnull=True))
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    qs = qs.select_related("agency").prefetch_related("events")
    out = []
    for ag in qs.order_by("agency__state", "agency__name", "signed", "id"):
        ended = any(e.kind == AgreementEvent.Kind.TERMINATION and effective_date(ag, e) <= as_of
                    for e in ag.events.all())
        if not ended:
            out.append(ag)
    return out


@dataclass(frozen=True)
class DueItem:
    kind: str  # Inspection.Kind
    agency: object
    agreement: Agreement | None
    due: date
    basis: str  # what the due date counts from, in plain words
    last: date | None

    def overdue(self, as_of: date) -> bool:
        return self.due < as_of

    @property
    def kind_label(self) -> str:
        return str(Inspection.Kind(self.kind).label)


def schedule(as_of: date, agencies=None) -> list[DueItem]:
    """Every inspection, meeting and first review the agencies in force need, with its due date."""
    agreements = agreements_in_force(as_of, agencies)
    by_agency: dict[int, list[Agreement]] = {}
    for ag in agreements:
        by_agency.setdefault(ag.agency_id, []).append(ag)
    first_grant = dict(Authorization.objects.filter(agreement__in=[a.pk for a in agreements], granted__lte=as_of)
                       .values("agreement").annotate(first=Min("granted")).values_list("agreement", "first"))
    held = Inspection.objects.filter(agency__in=list(by_agency), held__lte=as_of).values_list(
        "agency_id", "agreement_id", "kind", "held")
    last: dict[tuple[int, str], date] = {}
    reviewed: set[int] = set()
    for agency_id, agreement_id, kind, day in held:
        kinds = [kind] + ([Inspection.Kind.ANNUAL_MEETING] if kind == Inspection.Kind.FIRST_REVIEW else [])
        for k in kinds:
            if day > last.get((agency_id, k), date.min):
                last[(agency_id, k)] = day
        if kind == Inspection.Kind.FIRST_REVIEW and agreement_id:
            reviewed.add(agreement_id)
    cycles = {m: cycle_months(m) for m in {a.model for a in agreements}}
    items: list[DueItem] = []
    for agency_id, ags in by_agency.items():
        agency = ags[0].agency
        months = min(cycles[a.model] for a in ags)
        signed = min(a.signed for a in ags)
        li = last.get((agency_id, Inspection.Kind.INSPECTION))
        items.append(DueItem(Inspection.Kind.INSPECTION, agency, None, add_months(li or signed, months),
                             f"last inspection {li}" if li else f"signed {signed}", li))
        operational = min(first_grant.get(a.pk, a.signed) for a in ags)
        lm = last.get((agency_id, Inspection.Kind.ANNUAL_MEETING))
        items.append(DueItem(Inspection.Kind.ANNUAL_MEETING, agency, None,
                             add_months(lm or operational, MEETING_MONTHS),
                             f"last meeting {lm}" if lm else f"operational {operational}", lm))
        for a in ags:
            if a.pk in reviewed:
                continue
            op = first_grant.get(a.pk, a.signed)
            basis = f"first authorization {op}" if a.pk in first_grant else f"signed {op} (no officer authorized)"
            items.append(DueItem(Inspection.Kind.FIRST_REVIEW, agency, a, add_months(op, FIRST_REVIEW_MONTHS),
                                 basis, None))
    items.sort(key=lambda i: (i.due, i.agency.state, i.agency.name, i.kind))
    return items


def due_and_overdue(as_of: date, agencies=None, horizon_days: int = DEFAULT_HORIZON_DAYS):
    """(overdue: due before ``as_of``; due: due from ``as_of`` to ``as_of`` + horizon, inclusive)."""
    items = schedule(as_of, agencies)
    overdue = [i for i in items if i.due < as_of]
    due = [i for i in items if as_of <= i.due <= as_of + timedelta(days=horizon_days)]
    return overdue, due
