"""The model backend's plain-query user is the ORM's user, field by field, on either database."""

from datetime import datetime, timezone as dt_timezone

import pytest
from django.forms.models import model_to_dict

from g287.accounts.backends import ModelBackend
from g287.accounts.models import Role, User
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db


def test_user_is_the_orms_user():
    agency = f.agency("backend-so", state="IN")
    u = User.objects.create_user("coord-backend", password="x-unused-12345", role=Role.LEA_COORDINATOR,
                                 agency=agency, last_login=datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt_timezone.utc))
    got = ModelBackend().get_user(u.pk)
    orm = User.objects.get(pk=u.pk)
    assert type(got) is User and got.pk == u.pk and got._state.adding is False
    assert {k: getattr(got, k) for k in vars(orm) if not k.startswith("_")} == {
        k: getattr(orm, k) for k in vars(orm) if not k.startswith("_")}
    assert got.last_login.tzinfo is not None and got.date_joined.tzinfo is not None
    assert model_to_dict(got) == model_to_dict(orm)


def test_no_user_for_inactive_unknown_or_malformed_ids():
    u = User.objects.create_user("gone", password="x-unused-12345", role=Role.OVERSIGHT, is_active=False)
    backend = ModelBackend()
    assert backend.get_user(u.pk) is None
    assert backend.get_user(u.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
