"""Who may see which agency's data. Every view and API endpoint filters through here.

The rule, by role (rules.md section 1):
- program office: every agency;
- field office: agencies in the states of its field office's area of responsibility;
- supervisor, inspector: agencies they are assigned to on the day asked;
- LEA coordinator: their own agency;
- officer: no agency's records as a whole (program applications, costs, inspections); their own actions only,
  which ``operations.visibility`` gives them by officer, not by agency;
- oversight reader and the public: no agency's operational data (aggregates only).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from g287.accounts.models import Role
from g287.registry.models import Agency

STAFF_ROLES = {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR}


def visible_agencies(user, as_of: date | None = None) -> QuerySet:
    """The agencies whose operational data this user may see on ``as_of`` (today by default)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser or user.role == Role.PROGRAM_OFFICE:
        return Agency.objects.all()
    if user.role == Role.FIELD_OFFICE:
        if user.field_office_id is None:
            return Agency.objects.none()
        return Agency.objects.filter(state__in=user.field_office.states)
    if user.role in (Role.SUPERVISOR, Role.INSPECTOR):
        day = as_of or timezone.localdate()
        kind = "supervision" if user.role == Role.SUPERVISOR else "inspection"
        return Agency.objects.filter(
            Q(assignments__user=user, assignments__kind=kind, assignments__start__lte=day)
            & (Q(assignments__end__isnull=True) | Q(assignments__end__gt=day))
        ).distinct()
    if user.role == Role.LEA_COORDINATOR and user.agency_id:
        return Agency.objects.filter(pk=user.agency_id)
    return Agency.objects.none()


def scope(queryset: QuerySet, user, agency_field: str = "agency", as_of: date | None = None) -> QuerySet:
    """Limit ``queryset`` to rows whose ``agency_field`` is an agency the user may see."""
    if user is not None and user.is_authenticated and (user.is_superuser or user.role == Role.PROGRAM_OFFICE):
        return queryset
    return queryset.filter(**{f"{agency_field}__in": visible_agencies(user, as_of).values("pk")})


def can_see_agency(user, agency, as_of: date | None = None) -> bool:
    return visible_agencies(user, as_of).filter(pk=agency.pk).exists()


def is_staff_role(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in STAFF_ROLES))
