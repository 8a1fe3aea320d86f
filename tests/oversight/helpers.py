"""Builders for oversight tests: users with roles and assignments, actions recorded the real way."""

from datetime import date, datetime

from g287.accounts.models import Assignment, Role, User
from g287.operations.services import record_action


def user(username, role, agency=None, field_office=None, **kw):
    return User.objects.create_user(username=username, password="not-used-here-1234", role=role, agency=agency,
                                    field_office=field_office, **kw)


def assigned(username, role, *agencies, start=date(2020, 1, 1)):
    u = user(username, role)
    kind = Assignment.Kind.SUPERVISION if role == Role.SUPERVISOR else Assignment.Kind.INSPECTION
    for ag in agencies:
        Assignment.objects.create(user=u, agency=ag, kind=kind, start=start)
    return u


def act(officer, agreement, function="issue_detainer", at=datetime(2025, 5, 1, 9, 30), **kw):
    kw.setdefault("criminal_charge", "pending")
    action, _ = record_action(None, officer, agreement, function=function, at=at, **kw)
    return action
