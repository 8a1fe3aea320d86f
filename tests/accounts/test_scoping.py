from datetime import date

import pytest

from g287.accounts.models import Assignment, Role, User
from g287.accounts.scoping import can_see_agency, scope, visible_agencies
from g287.registry.models import Agency, FieldOffice

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    fo = FieldOffice.objects.create(code="mia", name="Miami", states=["FL", "PR"])
    a = Agency.objects.create(key="fl-hardee-so", name="Hardee County Sheriff's Office", state="FL", ice_type="County")
    b = Agency.objects.create(key="in-hamilton-so", name="Hamilton County Sheriff's Office", state="IN", ice_type="County")
    return fo, a, b


def _user(name, role, **kw):
    return User.objects.create(username=name, role=role, **kw)


def test_program_office_sees_everything(agencies):
    assert visible_agencies(_user("p", Role.PROGRAM_OFFICE)).count() == 2


def test_field_office_sees_its_states(agencies):
    fo, a, b = agencies
    u = _user("f", Role.FIELD_OFFICE, field_office=fo)
    assert list(visible_agencies(u)) == [a]
    assert list(visible_agencies(_user("f2", Role.FIELD_OFFICE))) == []


def test_coordinator_sees_own_agency_only(agencies):
    fo, a, b = agencies
    u = _user("c", Role.LEA_COORDINATOR, agency=a)
    assert can_see_agency(u, a) and not can_see_agency(u, b)
    assert list(scope(Agency.objects.all(), u, agency_field="pk")) == [a]


def test_assignment_is_bounded_in_time(agencies):
    fo, a, b = agencies
    u = _user("s", Role.SUPERVISOR)
    Assignment.objects.create(user=u, agency=b, kind="supervision", start=date(2025, 1, 1), end=date(2025, 7, 1))
    Assignment.objects.create(user=u, agency=a, kind="inspection", start=date(2025, 1, 1))
    assert list(visible_agencies(u, date(2024, 12, 31))) == []
    assert list(visible_agencies(u, date(2025, 1, 1))) == [b]
    assert list(visible_agencies(u, date(2025, 6, 30))) == [b]
    assert list(visible_agencies(u, date(2025, 7, 1))) == []  # an inspection assignment is not supervision


def test_oversight_reader_and_anonymous_see_no_operational_data(agencies):
    from django.contrib.auth.models import AnonymousUser

    assert visible_agencies(_user("o", Role.OVERSIGHT)).count() == 0
    assert visible_agencies(AnonymousUser()).count() == 0
    inactive = _user("x", Role.PROGRAM_OFFICE, is_active=False)
    assert visible_agencies(inactive).count() == 0
