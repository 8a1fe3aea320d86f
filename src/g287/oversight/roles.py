"""Who may do what in oversight. Seeing an agency's data is ``accounts.scoping``; acting needs a role too.

- Supervisors sign or return documents of the agencies they are assigned to supervise on the day; no one
  else signs — not the program office, not a superuser (being a superuser opens the Django admin; it grants
  no oversight act beyond the user's role).
- Inspectors and the program office record inspections and findings; field offices and the program
  office (and supervisors and inspectors of the agency) record FOD–LEA meetings and first reviews.
- LEA coordinators record complaints they received and corrective actions, for their own agency; they
  neither sign documents nor record findings.
- Complaints: LEA coordinators and ICE staff of the agency record them and move them along; inspectors
  read them. Officers see nothing of complaints (not even about themselves: a complaint names its
  complainant's account of events, and the investigation must not be steered by its subject).
- Sanctions are ICE's decisions: program office and field office.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from g287.accounts.models import Assignment, Role
from g287.accounts.scoping import can_see_agency

SIGN = "sign"
RECORD_INSPECTION = "record_inspection"
RECORD_MEETING = "record_meeting"
RECORD_FINDING = "record_finding"
CORRECTIVE_ACTION = "corrective_action"
COMPLAINT = "complaint"
SANCTION = "sanction"
VIEW = "view"

SEES = "sees"  # the agency is in the user's scope (accounts.scoping)
ASSIGNED = "assigned"  # the user holds a supervision assignment for the agency on the day


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    scope: str = SEES


# The one table of who may do what. Nothing else grants an oversight act (no superuser bypass).
RULES = {
    SIGN: Rule(frozenset({Role.SUPERVISOR}), ASSIGNED),
    RECORD_INSPECTION: Rule(frozenset({Role.INSPECTOR, Role.PROGRAM_OFFICE})),
    RECORD_MEETING: Rule(frozenset({Role.FIELD_OFFICE, Role.PROGRAM_OFFICE, Role.SUPERVISOR, Role.INSPECTOR})),
    RECORD_FINDING: Rule(frozenset({Role.INSPECTOR, Role.PROGRAM_OFFICE})),
    CORRECTIVE_ACTION: Rule(frozenset({Role.LEA_COORDINATOR, Role.INSPECTOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE})),
    COMPLAINT: Rule(frozenset({Role.LEA_COORDINATOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR})),
    SANCTION: Rule(frozenset({Role.PROGRAM_OFFICE, Role.FIELD_OFFICE})),
    VIEW: Rule(frozenset({Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR,
                          Role.LEA_COORDINATOR})),
}

VIEW_ROLES = RULES[VIEW].roles


def _assigned(user, agency, day) -> bool:
    return Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gt=day), user=user, agency=agency, kind=Assignment.Kind.SUPERVISION,
        start__lte=day).exists()


def may(user, what: str, agency=None) -> bool:
    """Whether ``user`` may do ``what`` (for ``agency``, when given). ``None`` is the system itself.

    Without an agency the answer is whether the role may do it anywhere (to show a button or a form)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES[what]
    if user.role not in rule.roles:
        return False
    if agency is None:
        return True
    day = timezone.localdate()
    if rule.scope == ASSIGNED:
        return _assigned(user, agency, day)
    return can_see_agency(user, agency, day)


def require(user, what: str, agency=None) -> None:
    if not may(user, what, agency):
        who = getattr(user, "username", user)
        where = f" for {agency.name}" if agency is not None else ""
        raise PermissionDenied(f"{who} may not {what.replace('_', ' ')}{where}")


def views_oversight(user) -> bool:
    return may(user, VIEW)
