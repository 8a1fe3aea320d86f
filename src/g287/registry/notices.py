"""Suspension and termination notices in effect on a day, for an agreement's status as the public reads it.

ICE's lists say whether an agreement is listed (active, removed, superseded). A notice recorded in the registry
says more: from the day it takes effect the engine refuses every action under the agreement. When that day is
is the template's rule (``policy.rules`` — ``RuleSet.effective``), the same one the engine decides actions with:
ICE may suspend a JEM agreement at once but terminates it 90 days after its notice, a WSO notice takes 90 days
unless exigent, legacy templates end on the notice date. An agreement whose template has no rules (a WSO before
2019) takes a notice on its notice date.

The status of a day is then, most serious first: terminated (a termination in effect), suspended (a suspension
in effect and not lifted), termination pending (a termination notice given, not yet in effect), suspension
pending; otherwise ICE's listing. ``registry.filters.annotate_status`` applies it to every list, filter, page,
API answer and open-data table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from g287.registry.choices import NoticeStatus
from g287.registry.models import AgreementEvent





# Most serious first: the first that holds on a day is the agreement's notice status.
_PRECEDENCE = [NoticeStatus.TERMINATED, NoticeStatus.SUSPENDED, NoticeStatus.TERMINATION_PENDING,
               NoticeStatus.SUSPENSION_PENDING]


@dataclass(frozen=True)
class NoticeState:
    status: str
    kind: str
    notice: date
    effective: date
    lifted: date | None = None


def effective_on(model: str, template: str, kind: str, by: str, notice: date, exigent: bool = False) -> date:
    """The day a notice takes effect under the agreement's template (the engine's rule); the notice date when
    the template has no rules."""
    # Load time: the rules files (read, validated and compiled on import) are needed by the pages that show a
    # notice, not by every process that loads the registry — an import of ICE's lists among them.
    from g287.policy.rules import UnknownRuleSet, ruleset

    try:
        rs = ruleset(model, template)
    except UnknownRuleSet:
        return notice
    return rs.effective(kind, by or "ICE", notice, exigent)


def _state(kind: str, notice: date, effective: date, lifted: date | None, day: date) -> str | None:
    if kind == AgreementEvent.Kind.SUSPENSION:
        if lifted is not None and (lifted <= effective or lifted <= day):
            return None  # lifted before it took effect, or lifted by this day
        return NoticeStatus.SUSPENDED if effective <= day else NoticeStatus.SUSPENSION_PENDING
    return NoticeStatus.TERMINATED if effective <= day else NoticeStatus.TERMINATION_PENDING


def notice_states(day: date, agreement_ids=None) -> dict[int, NoticeState]:
    """{agreement id: the notice that sets its status on ``day``}, only for agreements with a notice given by then."""
    events = AgreementEvent.objects.filter(kind__in=(AgreementEvent.Kind.SUSPENSION, AgreementEvent.Kind.TERMINATION),
                                           date__lte=day)
    if agreement_ids is not None:
        events = events.filter(agreement_id__in=list(agreement_ids))
    rows = events.values_list("agreement_id", "agreement__model", "agreement__template_version", "kind", "by",
                              "date", "exigent", "lifted").order_by("agreement_id", "date", "id")
    out: dict[int, NoticeState] = {}
    for pk, model, template, kind, by, notice, exigent, lifted in rows:
        effective = effective_on(model, template, kind, by, notice, exigent)
        status = _state(kind, notice, effective, lifted, day)
        if status is None:
            continue
        held = out.get(pk)
        if held is None or _PRECEDENCE.index(status) < _PRECEDENCE.index(held.status):
            out[pk] = NoticeState(status, kind, notice, effective, lifted)
    return out


def notice_statuses(day: date, agreement_ids=None) -> dict[int, str]:
    """{agreement id: notice status on ``day``} (terminated, suspended, termination or suspension pending)."""
    return {pk: st.status for pk, st in notice_states(day, agreement_ids).items()}
