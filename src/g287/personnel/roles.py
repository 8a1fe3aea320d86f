"""Who may do what with officers. Seeing an agency's officers is ``accounts.scoping``; acting needs a role too.

- LEA coordinators nominate their agency's officers and record the trainings and exam scores they completed.
- ICE staff who sign for the program (program office, and the field office of the agency's area) certify an
  officer's eligibility (the ICE background check), authorize an officer under an agreement and revoke it.
- Supervisors and inspectors assigned to an agency read its officers (they track training and inspect).
- Officers see their own standing on their home page; oversight readers and the public see no officer.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from g287.accounts.models import Role
from g287.accounts.scoping import can_see_agency

VIEW = "view"
NOMINATE = "nominate"
TRAINING = "training"
CERTIFY = "certify"
AUTHORIZE = "authorize"

_ROLES = {
    VIEW: {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR, Role.LEA_COORDINATOR},
    NOMINATE: {Role.LEA_COORDINATOR},
    TRAINING: {Role.LEA_COORDINATOR},
    CERTIFY: {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE},
    AUTHORIZE: {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE},
}


def may(user, what: str, agency=None) -> bool:
    """Whether ``user`` may do ``what`` (for ``agency``, when given)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not (user.is_superuser or user.role in _ROLES[what]):
        return False
    return agency is None or can_see_agency(user, agency, timezone.localdate())


def require(user, what: str, agency=None) -> None:
    if not may(user, what, agency):
        raise PermissionDenied(f"{getattr(user, 'username', user)} may not {what} officers"
                               + (f" of {agency.name}" if agency is not None else ""))
