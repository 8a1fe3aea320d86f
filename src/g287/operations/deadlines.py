"""Deadlines: the obligations actions create (rules.md §6) and the ones complaints create, in one view.

Whether an obligation is overdue is derived for any moment: due before it and not fulfilled by then.
``check`` is the periodic check (``g287 deadlines check``, the rq job): it records an ``OverdueNotice``
for each obligation newly overdue as of the moment asked and one audit event for the run, and does
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from g287.accounts.models import Role
from g287.audit.services import record
from g287.operations.choices import AuditAction
from g287.operations.models import Obligation, OverdueNotice
from g287.operations.visibility import visible_actions, visible_complaints
from g287.oversight import roles
from g287.oversight.models import ComplaintObligation


def may_see_deadlines(user) -> bool:
    """Whether ``user`` may see deadlines at all (the page, ``/api/deadlines/``, ``/api/obligations/``):
    every signed-in role but oversight readers — deadlines are the agencies' and ICE's operational data.
    What each one sees is then scoped like the actions (``operations.visibility``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role != Role.OVERSIGHT


# The roles whose marking of an action's obligation the service accepts (``services.check_fulfiller``) on the
# deadlines they see; a complaint's are met by the complaint workflow, whose roles oversight decides.
_MARK_ACTION_ROLES = frozenset({Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.LEA_COORDINATOR,
                                Role.OFFICER})


def may_mark(user, kind: str) -> bool:
    """Whether the deadline page offers ``user`` to mark a visible deadline of ``kind`` fulfilled."""

    if not may_see_deadlines(user):
        return False
    if kind == "complaint":
        return roles.may(user, roles.COMPLAINT)
    return user.is_superuser or user.role in _MARK_ACTION_ROLES


@dataclass(frozen=True)
class Deadline:
    kind: str  # "action" or "complaint"
    id: int
    code: str
    message: str
    due: datetime
    due_local: str
    fulfilled_at: datetime | None
    agency_id: int
    agency_name: str
    field_office_id: int | None
    source_id: int  # the action's or the complaint's id
    source_label: str

    def overdue(self, as_of: datetime) -> bool:
        return self.due < as_of and (self.fulfilled_at is None or self.fulfilled_at > as_of)

    def fulfilled(self, as_of: datetime) -> bool:
        return self.fulfilled_at is not None and self.fulfilled_at <= as_of

    def status(self, as_of: datetime) -> str:
        if self.fulfilled(as_of):
            return "fulfilled"
        return "overdue" if self.overdue(as_of) else "open"


def aware(value: datetime | None) -> datetime:
    """A moment as an aware instant; a naive one is read in the server's zone (settings.TIME_ZONE)."""
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def action_obligations(user=None, as_of: datetime | None = None):
    """Obligations of actions that had happened by ``as_of``, scoped to what ``user`` may see
    (``None``: all, for the system's own check)."""

    qs = Obligation.objects.select_related("action__agreement__agency", "action__officer")
    if user is not None:
        qs = qs.filter(action__in=visible_actions(user).values("pk"))
    if as_of is not None:
        qs = qs.filter(action__at__lte=as_of)
    return qs


def complaint_obligations(user=None, as_of: datetime | None = None):

    qs = ComplaintObligation.objects.select_related("complaint__agency")
    if user is not None:
        qs = qs.filter(complaint__in=visible_complaints(user).values("pk"))
    if as_of is not None:
        qs = qs.filter(complaint__received__lte=as_of)
    return qs


def _overdue_q(as_of: datetime) -> Q:
    return Q(due__lt=as_of) & (Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=as_of))


def deadlines(user=None, as_of: datetime | None = None, *, overdue: bool = False, open_only: bool = False,
              agency_id: int | None = None, field_office_id: int | None = None) -> list[Deadline]:
    """Every deadline ``user`` may see as of ``as_of`` (now by default), soonest first."""

    as_of = aware(as_of)
    a_qs = action_obligations(user, as_of)
    c_qs = complaint_obligations(user, as_of)
    if overdue:
        a_qs, c_qs = a_qs.filter(_overdue_q(as_of)), c_qs.filter(_overdue_q(as_of))
    elif open_only:
        pending = Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gt=as_of)
        a_qs, c_qs = a_qs.filter(pending), c_qs.filter(pending)
    if agency_id is not None:
        a_qs = a_qs.filter(action__agreement__agency_id=agency_id)
        c_qs = c_qs.filter(complaint__agency_id=agency_id)
    if field_office_id is not None:
        a_qs = a_qs.filter(action__agreement__agency__field_office_id=field_office_id)
        c_qs = c_qs.filter(complaint__agency__field_office_id=field_office_id)
    rows = [
        Deadline("action", o.pk, o.code, o.message, o.due, o.due_local, o.fulfilled_at,
                 o.action.agreement.agency_id, o.action.agreement.agency.name,
                 o.action.agreement.agency.field_office_id, o.action_id,
                 f"{o.action.get_function_display()} by officer {o.action.officer.reference}")
        for o in a_qs
    ]
    labels = dict(ComplaintObligation.Code.choices)
    rows += [
        Deadline("complaint", o.pk, o.code, labels.get(o.code, o.code), o.due, o.due_local, o.fulfilled_at,
                 o.complaint.agency_id, o.complaint.agency.name, o.complaint.agency.field_office_id,
                 o.complaint_id, f"complaint {o.complaint.receipt or o.complaint_id}")
        for o in c_qs
    ]
    rows.sort(key=lambda d: (d.due, d.kind, d.id))
    return rows


def overdue_by(rows: list[Deadline], key: str) -> list[tuple]:
    """Counts of overdue rows grouped by ``agency`` or ``field_office``, largest first."""
    counts: dict = {}
    for d in rows:
        k = (d.agency_id, d.agency_name) if key == "agency" else d.field_office_id
        counts[k] = counts.get(k, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


@dataclass(frozen=True)
class CheckResult:
    as_of: datetime
    overdue: int  # overdue as of the moment
    newly_noticed: int  # noticed by this run


def check(as_of: datetime | None = None, actor=None) -> CheckResult:
    """Record a notice for every obligation overdue as of ``as_of`` (now) that no earlier run noticed.

    One audit event per run that noticed something; a run that finds nothing new writes nothing.
    """
    as_of = aware(as_of).astimezone(dt_timezone.utc)
    now = timezone.now()
    with transaction.atomic():
        overdue = deadlines(None, as_of, overdue=True)
        # Serialize concurrent checks (a cron run meeting a manual one) on PostgreSQL; SQLite writes one at a time.
        seen = set(OverdueNotice.objects.select_for_update().filter(
            obligation_id__in=[d.id for d in overdue]).values_list("kind", "obligation_id"))
        new = [OverdueNotice(kind=d.kind, obligation_id=d.id, agency_id=d.agency_id, code=d.code, due=d.due,
                             overdue_since=d.due, noticed_at=now, check_as_of=as_of)
               for d in overdue if (d.kind, d.id) not in seen]
        if new:
            OverdueNotice.objects.bulk_create(new, ignore_conflicts=True)
            record(actor, AuditAction.DEADLINES_CHECK, "operations.overdue_notice", "batch", None, {
                "as_of": as_of, "noticed": len(new), "overdue": len(overdue),
                "obligations": [[n.kind, n.obligation_id, n.code] for n in new[:200]],
            })
    return CheckResult(as_of, len(overdue), len(new))
