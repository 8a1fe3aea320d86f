"""Each role's home page says what is theirs to do today; the oversight reader gets aggregates and exports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from g287.accounts.models import Role, User
from g287.operations.models import OfficerAccount
from tests.conftest import sign_in
from tests.security import world as wb

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return wb.build()


@pytest.mark.parametrize("role", [r for r in Role.values])
def test_every_role_has_a_home_without_refusal(client, w, role):
    sign_in(client, w.users[role])
    resp = client.get("/today/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "To do" in body or role == Role.OVERSIGHT
    if role == Role.OVERSIGHT:
        assert "ALPHA" not in body and "ZETA" not in body
        assert "/portal/data/measures_program.csv" in body
        # Their old address for oversight leads home instead of a refusal.
        assert client.get("/oversight/")["Location"] == "/today/"
    elif role != Role.PROGRAM_OFFICE:
        assert "ZETA" not in body


def test_the_officer_sees_own_standing_and_what_lapses_when(client, w):
    sign_in(client, w.users[Role.OFFICER])
    body = client.get("/today/").content.decode()
    assert 'data-testid="own-standing"' in body and "What lapses when" in body
    # The officer's JEM training (completed 2025-03-20) lapses two years later.
    assert "2027-03-20" in body


def test_the_coordinator_sees_deadlines_and_officers_lapsing(client, w):
    sign_in(client, w.users[Role.LEA_COORDINATOR])
    body = client.get("/today/").content.decode()
    assert "Deadlines overdue" in body and "Nominate an officer" in body


def test_the_csv_export_is_aggregate_and_public(client, w):
    resp = client.get("/portal/data/measures_state.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode()
    assert text.splitlines()[0].startswith("state,") and "ALPHA" not in text
    assert client.get("/portal/data/agencies.csv").status_code == 404
