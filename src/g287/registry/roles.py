"""Who may do what in the registry. Reading it needs no login (it mirrors ICE's own lists); writing is the
imports' (the system's) and, for the lineage's curation, the program office's alone:

- Curating the lineage — confirming or rejecting a declined rename or re-dating, splitting a wrong merge —
  changes which rows are one agreement for every reader of the registry; the program office owns the registry.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from g287.accounts.models import Role

CURATE_LINEAGE = "curate_lineage"

_ROLES = {
    CURATE_LINEAGE: {Role.PROGRAM_OFFICE},
}


def may(user, what: str) -> bool:
    """Whether ``user`` may do ``what``. ``None`` is the system itself (a command run on the server)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in _ROLES[what]


def require(user, what: str) -> None:
    if not may(user, what):
        who = getattr(user, "username", user)
        raise PermissionDenied(f"{who} may not {what.replace('_', ' ')}: it is for the program office")
