"""Performance measures: each measure's SQL against the facts as the services recorded them, and against
the per-officer derivation where one exists."""

from datetime import date, datetime, timezone as dt_timezone

import pytest

from g287.operations.models import Obligation
from g287.operations.services import fulfil_obligation, record_action
from g287.personnel import services as ps
from g287.personnel.status import officer_status
from g287.reports import measures as m
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 3, 1)


def _program(ms, key):
    return ms.table("program")[0]["measures"][key]


@pytest.fixture
def jem():
    ag = f.agency(key="in-jem-so", state="IN")
    return ag, f.agreement(ag, model="JEM", template="2020", signed=date(2023, 1, 2))


def test_training_compliance_counts_certified_and_current_officers(jem):
    ag, agreement = jem
    # Basic course two years and more before the day, no refresher: certified, not current.
    stale = f.officer(ag, "A-1", completed=date(2023, 1, 10), authorize=agreement, granted=date(2023, 2, 1))
    # The same, then a refresher: current.
    fresh = f.officer(ag, "A-2", completed=date(2023, 1, 10), authorize=agreement, granted=date(2023, 2, 1))
    ps.record_training(None, fresh, course="refresher", model="JEM", completed=date(2024, 12, 1), exams=[88])
    # Failed twice: not certified.
    failed = f.officer(ag, "A-3", completed=date(2023, 1, 10), exams=(50, 40), authorize=agreement,
                       granted=date(2023, 2, 1))
    # Remedial exam passed: certified; refresher exactly on the last current day counts.
    remedial = f.officer(ag, "A-4", completed=date(2023, 3, 1), exams=(60, 75), authorize=agreement,
                         granted=date(2023, 3, 5))
    # Revoked before the day: not authorized, not counted.
    gone = f.officer(ag, "A-5", completed=date(2023, 1, 10), authorize=agreement, granted=date(2023, 2, 1))
    ps.revoke_authorization(None, gone.authorizations.get(), date(2024, 6, 1), "moved to patrol")
    # Granted after the day: not counted yet.
    f.officer(ag, "A-6", completed=date(2025, 2, 1), authorize=agreement, granted=date(2025, 3, 5))

    ms = m.compute(AS_OF)
    row = ms.rollup("agency").row(0, named=True)
    assert (row["officers_authorized"], row["officers_certified"], row["officers_compliant"]) == (4, 3, 2)
    v = _program(ms, "training_compliance")
    assert v == {"available": True, "value": 0.5, "numerator": 2, "denominator": 4}

    # The same answer as the per-officer derivation the personnel pages use.
    for o in (stale, fresh, failed, remedial):
        st = officer_status(o, AS_OF)
        compliant = "JEM" in st.certified and st.training_current.get("JEM", False)
        assert compliant == (o in (fresh, remedial)), o.reference
    # One day later the remedial officer's basic course (1 March 2023) is no longer current.
    assert _program(m.compute(date(2025, 3, 2)), "training_compliance")["numerator"] == 1


def test_current_since_handles_the_leap_day():
    # add_years(29 Feb 2024, 2) is 28 Feb 2026: a course on 29 Feb 2024 is current through 28 Feb 2026.
    assert m._current_since(date(2026, 2, 28), 2) == date(2024, 2, 28)
    assert m._current_since(date(2026, 3, 1), 2) == date(2024, 3, 1)


def test_actions_obligations_and_the_auditor(jem):
    ag, agreement = jem
    o = f.officer(ag, "B-1", completed=date(2023, 1, 10), authorize=agreement, granted=date(2023, 2, 1))
    ps.record_training(None, o, course="refresher", model="JEM", completed=date(2024, 12, 1), exams=[90])
    levels = ["felony", "felony", "misdemeanor", "infraction", ""]
    for i, level in enumerate(levels):
        record_action(None, o, agreement, function="issue_detainer", at=datetime(2025, 2, 3 + i, 10, 0),
                      subject_ref=f"S-{i}", criminal_charge="pending", charge_level=level, usc_claim=(i == 0))
    # Against the rules: a detainer on someone with no criminal charge.
    record_action(None, o, agreement, function="issue_detainer", at=datetime(2025, 2, 10, 10, 0),
                  criminal_charge="none")
    # Outside the period (more than a year before): not counted.
    record_action(None, o, agreement, function="issue_detainer", at=datetime(2023, 6, 1, 10, 0),
                  criminal_charge="pending", charge_level="infraction")
    obligations = list(Obligation.objects.filter(action__local_date__gte=date(2025, 1, 1)).order_by("due"))
    assert len(obligations) == 6  # five detainer notices and the citizenship-claim report
    fulfil_obligation(None, obligations[0], obligations[0].due)  # on time, to the second
    fulfil_obligation(None, obligations[1], obligations[1].due.replace(year=2025, month=2, day=28))  # late

    ms = m.compute(AS_OF)
    assert _program(ms, "minor_charge_share") == {"available": True, "value": 0.5, "numerator": 2, "denominator": 4}
    assert _program(ms, "citizenship_claims")["value"] == 1
    assert _program(ms, "obligations_on_time") == {"available": True, "numerator": 1, "denominator": 6,
                                                   "value": 1 / 6}
    assert _program(ms, "obligations_overdue")["value"] == 4
    assert _program(ms, "auditor_violations")["value"] == 1
    assert ms.auditor_by_code.get("SUBJECT_NO_CRIMINAL_CHARGE") == 1
    by_model = {r["model"]: r for r in ms.table("model")}
    assert set(by_model) == {"JEM"} and by_model["JEM"]["counts"]["actions"] == 6
    assert by_model["JEM"]["measures"]["complaint_timeliness"]["available"] is False  # complaints have no model
    # A period that leaves out February: nothing of this activity.
    early = m.compute(AS_OF, start=date(2025, 3, 1))
    assert _program(early, "citizenship_claims")["value"] == 0


def test_levels_sum_to_the_program(jem):
    ag, agreement = jem
    other = f.agency(key="tx-wso-so", state="TX")
    wso = f.agreement(other, model="WSO", template="2025", signed=date(2025, 1, 21))
    f.officer(ag, "C-1", completed=date(2024, 5, 1), authorize=agreement, granted=date(2024, 5, 2))
    f.officer(other, "C-2", model="WSO", completed=date(2025, 1, 25), authorize=wso, granted=date(2025, 1, 26))
    ms = m.compute(AS_OF)
    total = ms.rollup("program").row(0, named=True)["officers_authorized"]
    for level in ("model", "state", "agency", "field_office"):
        assert ms.rollup(level)["officers_authorized"].sum() == total == 2, level
    assert sorted(ms.rollup("state")["state"].to_list()) == ["IN", "TX"]


def test_an_empty_database_measures_nothing_but_fails_nothing():
    ms = m.compute(AS_OF)
    program = ms.table("program")[0]["measures"]
    assert program["training_compliance"]["value"] is None and program["citizenship_claims"]["value"] == 0
    with pytest.raises(ValueError, match="starts"):
        m.compute(AS_OF, start=date(2025, 4, 1))
    with pytest.raises(ValueError, match="unknown level"):
        ms.rollup("planet")


def test_suppression_is_below_state_level_only():
    assert m.suppressed("agency", 9) and m.suppressed("field_office", 0) and m.suppressed("county", 1)
    assert not m.suppressed("agency", 10) and not m.suppressed("state", 3) and not m.suppressed("program", 0)
    assert not m.suppressed("agency", None)
