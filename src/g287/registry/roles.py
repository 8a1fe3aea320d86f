"""Who may do what in the registry. Reading it needs no login (it mirrors ICE's own lists); writing is the
imports' (the system's) and, for the lineage's curation, the program office's alone:

- Curating the lineage — confirming or rejecting a declined rename or re-dating, splitting a wrong merge —
  changes which rows are one agreement for every reader of the registry; the program office owns the registry.

The registry names the permission (``registry.<what>``); which roles hold it is the accounts' to say
(``g287.accounts.backends.ROLE_PERMISSIONS``, read through Django's ``user.has_perm``), so the registry, below
the accounts, does not import them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

CURATE_LINEAGE = "curate_lineage"


def permission(what: str) -> str:
    """The Django permission name of ``what`` (``registry.curate_lineage``)."""
    return f"registry.{what}"


def may(user, what: str) -> bool:
    """Whether ``user`` may do ``what``. ``None`` is the system itself (a command run on the server)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm(permission(what))  # a superuser holds every permission


def require(user, what: str) -> None:
    if not may(user, what):
        who = getattr(user, "username", user)
        raise PermissionDenied(f"{who} may not {what.replace('_', ' ')}: it is for the program office")
