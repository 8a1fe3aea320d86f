"""Who may do what in oversight. Seeing an agency's data is ``accounts.scoping``; acting needs a role too.

- Supervisors sign or return documents (their assignments); no one else signs.
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

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from g287.accounts.models import Role
from g287.accounts.scoping import can_see_agency

SIGN = "sign"
RECORD_INSPECTION = "record_inspection"
RECORD_MEETING = "record_meeting"
RECORD_FINDING = "record_finding"
CORRECTIVE_ACTION = "corrective_action"
COMPLAINT = "complaint"
SANCTION = "sanction"
VIEW = "view"

_ROLES = {
    SIGN: {Role.SUPERVISOR},
    RECORD_INSPECTION: {Role.INSPECTOR, Role.PROGRAM_OFFICE},
    RECORD_MEETING: {Role.FIELD_OFFICE, Role.PROGRAM_OFFICE, Role.SUPERVISOR, Role.INSPECTOR},
    RECORD_FINDING: {Role.INSPECTOR, Role.PROGRAM_OFFICE},
    CORRECTIVE_ACTION: {Role.LEA_COORDINATOR, Role.INSPECTOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE},
    COMPLAINT: {Role.LEA_COORDINATOR, Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR},
    SANCTION: {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE},
    VIEW: {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR, Role.LEA_COORDINATOR},
}

VIEW_ROLES = _ROLES[VIEW]


def may(user, what: str, agency=None) -> bool:
    """Whether ``user`` may do ``what`` (for ``agency``, when given). ``None`` is the system itself."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not (user.is_superuser or user.role in _ROLES[what]):
        return False
    return agency is None or can_see_agency(user, agency, timezone.localdate())


def require(user, what: str, agency=None) -> None:
    if not may(user, what, agency):
        who = getattr(user, "username", user)
        where = f" for {agency.name}" if agency is not None else ""
        raise PermissionDenied(f"{who} may not {what.replace('_', ' ')}{where}")


def views_oversight(user) -> bool:
    return may(user, VIEW)
