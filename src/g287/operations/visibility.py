"""Which actions and complaints a user may see: ``accounts.scoping`` by agency, narrowed by role.

An officer sees only their own actions and no complaints (``oversight.roles``); an oversight reader sees
no agency's operational data.
"""

from __future__ import annotations

from g287.accounts.models import Role
from g287.accounts.scoping import scope
from g287.operations.models import Action
from g287.operations.services import officer_of
from g287.oversight.models import Complaint


def visible_actions(user, qs=None):
    qs = Action.objects.all() if qs is None else qs
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "role", None) == Role.OFFICER and not user.is_superuser:
        own = officer_of(user)
        return qs.filter(officer=own) if own is not None else qs.none()
    return scope(qs, user, "agreement__agency")


def visible_complaints(user, qs=None):
    qs = Complaint.objects.all() if qs is None else qs
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "role", None) == Role.OFFICER and not user.is_superuser:
        return qs.none()
    return scope(qs, user, "agency")
