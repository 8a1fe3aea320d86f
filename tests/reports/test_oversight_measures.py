"""Inspection coverage and overdue inspections by model, and complaint timeliness, from the oversight records."""

from datetime import date, datetime

import pytest

from g287.oversight.services.complaints import notify_ice, receive_complaint
from g287.oversight.services.inspections import record_inspection, set_inspection_cycle
from g287.reports import measures as m
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 3, 1)


@pytest.fixture
def agencies():
    a, b, c = f.agency(key="a-so", state="IN"), f.agency(key="b-so", state="IN"), f.agency(key="c-so", state="OH")
    f.agreement(a, model="JEM", template="2020", signed=date(2022, 1, 10))
    f.agreement(b, model="WSO", template="2020", signed=date(2024, 6, 1))
    f.agreement(c, model="JEM", template="2020", signed=date(2020, 1, 6))
    record_inspection(None, a, "inspection", date(2023, 6, 1))  # due again 1 June 2025: covered
    record_inspection(None, c, "inspection", date(2022, 1, 1))  # due 1 January 2024: overdue
    record_inspection(None, c, "annual_meeting", date(2025, 1, 1))  # a meeting is not an inspection
    return a, b, c


def test_inspection_coverage_and_overdue_by_model(agencies):
    ms = m.compute(AS_OF)
    program = ms.table("program")[0]["measures"]
    assert program["inspection_coverage"] == {"available": True, "value": 1 / 3, "numerator": 1, "denominator": 3}
    assert program["inspections_overdue"]["value"] == 1
    by_model = {r["model"]: r["counts"] for r in ms.table("model")}
    assert (by_model["JEM"]["agencies_in_force"], by_model["JEM"]["inspected_in_cycle"],
            by_model["JEM"]["inspections_overdue"]) == (2, 1, 1)
    assert (by_model["WSO"]["agencies_in_force"], by_model["WSO"]["inspections_overdue"]) == (1, 0)
    # WSO agencies inspected every six months: the WSO agency, signed in June 2024 and never inspected, is late.
    set_inspection_cycle(None, "WSO", 6)
    ms = m.compute(AS_OF)
    assert {r["model"]: r["counts"]["inspections_overdue"] for r in ms.table("model")}["WSO"] == 1
    assert ms.table("program")[0]["measures"]["inspections_overdue"]["value"] == 2
    # Before the inspection of June 2023 only C (inspected January 2022) was covered; B was not signed yet.
    early = m.compute(date(2023, 5, 1)).table("program")[0]["measures"]["inspection_coverage"]
    assert (early["numerator"], early["denominator"]) == (1, 2)


def test_complaint_timeliness_within_48_weekday_hours(agencies):
    a, b, c = agencies
    # Friday 16:00 + 48 weekday hours (8 on Friday, 24 on Monday, 16 on Tuesday): due Tuesday 11 February 16:00.
    friday = receive_complaint(None, a, datetime(2025, 2, 7, 16, 0))
    notify_ice(None, friday, datetime(2025, 2, 11, 15, 59))
    monday = receive_complaint(None, b, datetime(2025, 2, 10, 9, 0))  # due Wednesday 12 February 09:00
    notify_ice(None, monday, datetime(2025, 2, 13, 9, 0))
    receive_complaint(None, c, datetime(2025, 2, 27, 10, 0))  # due 3 March, after the day: not yet counted
    ms = m.compute(AS_OF)
    program = ms.table("program")[0]
    assert program["counts"]["complaints_received"] == 3
    assert program["measures"]["complaint_timeliness"] == {"available": True, "value": 0.5, "numerator": 1,
                                                           "denominator": 2}
    by_state = {r["state"]: r["measures"]["complaint_timeliness"] for r in ms.table("state")}
    assert by_state["IN"]["denominator"] == 2 and by_state["OH"]["denominator"] == 0
