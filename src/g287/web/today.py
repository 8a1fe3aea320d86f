"""Each role's home page: what is theirs to do today, and what lapses when.

The page only gathers what the apps already derive (an officer's standing from the engine, deadlines, the review
queue, the inspection schedule, applications, sanctions) for the signed-in user's scope; it writes nothing.
An oversight reader gets the program's aggregate measures and the CSV exports, never a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from g287.accounts.models import Role
from g287.accounts.scoping import scope, visible_agencies
from g287.operations.deadlines import deadlines, may_see_deadlines
from g287.operations.services import officer_of
from g287.oversight import services as os_
from g287.oversight.models import CorrectiveAction, ReviewItem, Sanction
from g287.oversight.schedule import due_and_overdue
from g287.personnel.models import Authorization, BackgroundCheck, Officer
from g287.personnel.status import officer_status, standings
from g287.program.models import OPEN_STATUSES, ApplicationStatus, ProgramApplication
from g287.reports import services as rs
from g287.reports.choices import MEASURE_LABELS
from g287.reports.measures import MEASURES

SOON_DAYS = 60  # "lapses soon": within the next two months


@dataclass
class Task:
    title: str
    count: int
    url: str
    detail: str = ""
    urgent: bool = False


@dataclass
class Lapse:
    what: str
    day: date
    officer: object = None
    url: str = ""


def _officer_lapses(officer, today: date) -> tuple[list, list[Lapse]]:
    """(standings today, what lapses and when) for one officer, from the engine's own derivations."""

    st = officer_status(officer, today)
    rows = standings(officer, today)
    lapses = [Lapse(_("%(model)s training (a refresher is due before)") % {"model": m}, until, officer)
              for m, until in st.training_current_until.items()]
    lapses += [Lapse(_("Authorization under the %(model)s agreement") % {"model": r.agreement.model},
                     r.authorization_ends, officer) for r in rows if r.authorization_ends]
    return rows, sorted(lapses, key=lambda x: x.day)


def _deadline_tasks(user, now) -> list[Task]:

    if not may_see_deadlines(user):
        return []
    rows = deadlines(user, now, open_only=True)
    overdue = [d for d in rows if d.due < now]
    due_today = [d for d in rows if now <= d.due < now + timedelta(days=1)]
    url = reverse("operations:deadlines")
    return [Task(_("Deadlines overdue"), len(overdue), url, urgent=bool(overdue)),
            Task(_("Deadlines due in the next 24 hours"), len(due_today), url, urgent=bool(due_today))]


def _officers_needing_attention(officers, today: date) -> tuple[list, list[Lapse]]:
    """Officers who may not act today under some agreement (with the first reason), and lapses within SOON_DAYS."""
    blocked, lapses = [], []
    for o in officers:
        rows, own = _officer_lapses(o, today)
        stops = [r for r in rows if not r.may_act]
        if stops and not any(r.may_act for r in rows):
            first = stops[0].violations[0].message if stops[0].violations else ""
            blocked.append((o, first))
        lapses += [x for x in own if today <= x.day <= today + timedelta(days=SOON_DAYS)]
    for x in lapses:
        x.url = reverse("personnel:officer-detail", args=[x.officer.pk])
    return blocked, sorted(lapses, key=lambda x: x.day)


def context_for(user) -> dict:

    today, now = timezone.localdate(), timezone.now()
    role = Role.PROGRAM_OFFICE if user.is_superuser else user.role
    ctx: dict = {"today": today, "role": role, "role_label": Role(role).label, "tasks": [], "lapses": [],
                 "blocked": [], "standings": None, "soon_days": SOON_DAYS}
    tasks = ctx["tasks"]

    if role == Role.OFFICER:

        officer = officer_of(user)
        ctx["officer"] = officer
        if officer is not None:
            ctx["standings"], ctx["lapses"] = _officer_lapses(officer, today)
            returned = ReviewItem.objects.filter(action__officer=officer, decision=ReviewItem.Decision.RETURNED)
            tasks.append(Task(_("Your documents returned by a supervisor"), returned.count(),
                              reverse("operations:action-list")))
        tasks += _deadline_tasks(user, now)
        return ctx

    if role == Role.OVERSIGHT:


        data = rs.measure_tables(today, None, levels=("program",))
        values = data["levels"]["program"][0]["measures"] if data["levels"]["program"] else {}
        rows = []
        for m in MEASURES:
            v = values.get(m.key) or {}
            if not v.get("available"):
                shown = _("not available yet")
            elif v.get("suppressed") or v.get("value") is None:
                shown = _("withheld (small count)") if v.get("suppressed") else "—"
            elif m.kind == "share":
                shown = f"{v['value']:.0%}"
            else:
                shown = f"{v['value']:,}"
            rows.append((str(MEASURE_LABELS[m.key]), shown))
        ctx["measures"] = rows
        ctx["period_start"] = data.get("start")
        ctx["exports"] = [(reverse("reports:data-csv", args=[name]), label) for name, label in rs.CSV_EXPORTS]
        return ctx

    agencies = visible_agencies(user, today)
    reviews = os_.review_queue(user)
    if role == Role.SUPERVISOR:
        tasks.append(Task(_("Documents waiting for your signature"), reviews.count(),
                          reverse("oversight:review-queue"), urgent=reviews.exists()))
    if role == Role.LEA_COORDINATOR:
        returned = scope(ReviewItem.objects.filter(decision=ReviewItem.Decision.RETURNED), user)
        tasks.append(Task(_("Documents a supervisor returned for correction"), returned.count(),
                          reverse("oversight:review-queue") + "?show=all"))
    tasks += _deadline_tasks(user, now)

    if role in (Role.LEA_COORDINATOR, Role.SUPERVISOR):
        officers = scope(Officer.objects.select_related("agency"), user).order_by("reference")[:200]
        ctx["blocked"], ctx["lapses"] = _officers_needing_attention(officers, today)

    if role in (Role.INSPECTOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR):
        overdue, due = due_and_overdue(today, agencies.values("pk"))
        tasks.append(Task(_("Inspections and meetings overdue"), len(overdue), reverse("oversight:inspection-list"),
                          urgent=bool(overdue)))
        tasks.append(Task(_("Inspections and meetings due in the next 90 days"), len(due),
                          reverse("oversight:inspection-list")))
    if role in (Role.INSPECTOR, Role.LEA_COORDINATOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE):
        late = os_.overdue_corrective_actions(
            scope(CorrectiveAction.objects.all(), user, "finding__inspection__agency"), today)
        tasks.append(Task(_("Corrective actions past their due date"), late.count(),
                          reverse("oversight:inspection-list"), urgent=late.exists()))

    if role in (Role.PROGRAM_OFFICE, Role.FIELD_OFFICE):

        apps = scope(ProgramApplication.objects.filter(status__in=OPEN_STATUSES), user)
        tasks.append(Task(_("Applications to evaluate"), apps.filter(status=ApplicationStatus.RECEIVED).count(),
                          reverse("program:application-list")))
        tasks.append(Task(_("Applications under evaluation"),
                          apps.filter(status=ApplicationStatus.UNDER_EVALUATION).count(),
                          reverse("program:application-list")))
        officers = scope(Officer.objects.all(), user)
        tasks.append(Task(_("Officers waiting for their background check"),
                          officers.filter(background_check=BackgroundCheck.PENDING).count(),
                          reverse("personnel:officer-list")))
        in_force = Authorization.objects.filter(officer=OuterRef("pk"), granted__lte=today).filter(
            Q(revoked__isnull=True) | Q(revoked__gt=today))
        ready = (officers.filter(background_check=BackgroundCheck.APPROVED, trainings__course="basic")
                 .annotate(held=Exists(in_force)).filter(held=False).distinct())
        tasks.append(Task(_("Trained officers not yet authorized"), ready.count(), reverse("personnel:officer-list"),
                          _("Trained, background check approved, no authorization in force.")))
        proposed = scope(Sanction.objects.filter(status=Sanction.Status.PROPOSED), user)
        tasks.append(Task(_("Sanctions proposed, waiting for a decision"), proposed.count(),
                          reverse("oversight:sanction-list"), urgent=proposed.exists()))
    return ctx
