"""A reported action's moment is sanity-checked with a message that says what is wrong: before §287(g) existed,
still to come, or a local time that never happened (the spring-forward gap) — on every recording path."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError

from g287.accounts.models import Role, User
from g287.registry import localtime
from g287.operations.models import Action
from g287.operations.services import ActionInput, record_reported, when_problem
from g287.operations.uploads import UploadRejected, import_actions
from tests.conftest import sign_in
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db
ALABAMA = localtime.zone_for("AL")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=dt_timezone.utc)


def test_the_rules():
    assert when_problem(datetime(2025, 5, 1, 9, 30), ALABAMA, NOW) is None
    assert "before 30 September 1996" in when_problem(datetime(1, 1, 1), ALABAMA, NOW)
    assert "still to come" in when_problem(datetime(2090, 6, 1), ALABAMA, NOW)
    gap = when_problem(datetime(2026, 3, 8, 2, 30), ALABAMA, NOW)
    assert "did not happen in America/Chicago" in gap and "clocks moved forward" in gap
    # The same wall time with its offset is a real instant; the hour that repeats in autumn exists.
    assert when_problem(datetime(2026, 3, 8, 2, 30, tzinfo=dt_timezone(timedelta(hours=-6))), ALABAMA, NOW) is None
    assert when_problem(datetime(2025, 11, 2, 1, 30), ALABAMA, NOW) is None
    # A few minutes ahead of the server's clock is a clock's drift, not an error.
    assert when_problem(NOW.astimezone(ALABAMA).replace(tzinfo=None) + timedelta(minutes=5), ALABAMA, NOW) is None


@pytest.fixture
def alabama():
    ag = f.agency("when-so", state="AL")
    m = f.agreement(ag)
    o = f.officer(ag, "W-1", authorize=m)
    coord = User.objects.create_user("when-coord", password="not-used-1234-when", role=Role.LEA_COORDINATOR, agency=ag)
    return ag, m, o, coord


@pytest.mark.parametrize("at, words", [("0001-01-01T00:00", "before 30 September 1996"),
                                       ("2090-06-01T10:00", "still to come"),
                                       ("2026-03-08T02:30", "clocks moved forward")])
def test_api_form_and_upload_refuse_and_store_nothing(client, alabama, at, words):
    ag, m, o, coord = alabama
    with pytest.raises(ValidationError, match=words):
        record_reported(coord, o, m, ActionInput("interview", datetime.fromisoformat(at)))
    sign_in(client, coord)
    resp = client.post("/api/actions/", {"officer": o.pk, "agreement": m.pk, "function": "interview", "at": at},
                       content_type="application/json")
    # The API's reader refuses the year 1 before the service sees it (g287.inputs: years 1900–2199).
    assert resp.status_code == 400 and (words if at[0] != "0" else "outside the years") in resp.json()["at"][0]
    day, clock = at.split("T")
    resp = client.post("/actions/new/", {"officer": o.pk, "agreement": m.pk, "function": "interview", "date": day,
                                         "time": clock, "location": "lea_facility", "criminal_charge": "pending"})
    assert resp.status_code == 200 and words in resp.content.decode()
    csv = f"external_ref,officer,agreement,function,date,time\nr-1,W-1,JEM,interview,{day},{clock}\n"
    with pytest.raises(UploadRejected) as info:
        import_actions(coord, ag, csv, "when.csv")
    assert (words if at[0] != "0" else "outside the years") in str(info.value)
    assert Action.objects.count() == 0
