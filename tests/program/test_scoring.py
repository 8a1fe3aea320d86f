"""The three criteria scored for agencies with real FBI roster numbers, and the reasons they give."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from g287.program import scoring, services
from tests.program import data
from tests.program.data import receive_complaint, resolve_complaint

pytestmark = pytest.mark.django_db
DAY = date(2025, 6, 2)


def _app(agency, model="JEM", **declared):
    return services.create_application(None, agency, model, date(2025, 5, 15), **declared)


def test_resources_of_a_large_sheriff_office():
    s = services.score_application(_app(data.alachua()), DAY)["resources"]
    # 259 sworn (60) + 120 civilians = 0.46 per officer (12) + 2.13 officers per 1,000 residents (20)
    assert s.score == 92
    text = " ".join(s.reasons)
    assert "259 sworn officers" in text and "FBI roster: Alachua County Sheriff's Office" in text
    assert "120 civilian employees, 0.46 per sworn officer: 12 of 20" in text
    assert "population of 121,845, 2.13 officers per 1,000 residents: 20 of 20" in text


def test_resources_depend_on_the_model():
    baker = data.baker()
    jem = services.score_application(_app(baker, "JEM"), DAY)["resources"]
    wso = services.score_application(_app(baker, "WSO"), DAY)["resources"]
    # 48 sworn officers: 25 of 60 for the JEM, 50 of 60 for the WSO; 0.92 civilians per officer (20); 1.65 per 1,000 (12)
    assert (jem.score, wso.score) == (57, 82)
    assert "worth 25 of 60 points for the JEM model" in jem.reasons[0]
    assert "worth 50 of 60 points for the WSO model" in wso.reasons[0]


def test_resources_without_a_roster_match_say_so():
    s = services.score_application(_app(data.unmatched()), DAY)["resources"]
    assert s.score == 0
    assert "no match in the FBI law enforcement employee roster" in s.reasons[0]


def test_resources_without_population_served():
    s = scoring.score_resources("JEM", sworn=617, civilians=55, population=0)
    assert s.score == 60 + 6 + 0
    assert "no population served" in s.reasons[-1]


def test_civil_rights_from_complaints_on_file_and_declarations():
    agency = data.gaston()
    for day in (5, 12, 20):
        receive_complaint(None, agency, datetime(2025, 3, day, 10, 0), summary="stop without cause")
    resolved = receive_complaint(None, agency, datetime(2025, 4, 1, 9, 0))
    resolve_complaint(None, resolved, date(2025, 4, 20))
    receive_complaint(None, agency, datetime(2019, 1, 8, 9, 0))  # older than five years: not counted
    app = _app(agency, declared_lawsuits=2, declared_consent_decrees=0, declared_findings=0)
    s = services.score_application(app, DAY)["civil_rights"]
    assert s.score == 100 - 20 - 20  # four complaints (5 each), two lawsuits (10 each)
    text = " ".join(s.reasons)
    assert "4 complaints against the agency's officers are on file from the last 5 years, 3 of them not yet resolved" in text
    assert "declares 2 civil-rights lawsuits: minus 20" in text
    assert "Inspection findings are not yet recorded" in text or "No inspection findings" in text


def test_inspection_findings_on_file_count_against_the_record():
    inspections = pytest.importorskip("g287.oversight.services.inspections")
    agency = data.gaston()
    ins = inspections.record_inspection(None, agency, "inspection", date(2025, 2, 10))
    for severity in ("major", "minor", "observation"):
        inspections.add_finding(None, ins, severity=severity, clause="Article V", description="detainer unsigned")
    s = services.score_application(_app(agency), DAY)["civil_rights"]
    assert s.score == 100 - 20  # two findings at 10 each; an observation is not a finding against the agency
    assert "2 inspection findings against the agency are on file: minus 20" in " ".join(s.reasons)


def test_a_consent_decree_and_a_profiling_finding_make_a_serious_concern():
    s = scoring.score_civil_rights(complaints=0, unresolved=0, findings=0, lawsuits=1, consent_decrees=1,
                                   declared_findings=1)
    assert s.score == 100 - 10 - 40 - 25
    assert "serious civil-rights concern" in s.reasons[-1]
    assert scoring.score_civil_rights(0, 0, 0, 0, 2, 2).score == 0  # never below zero


def test_clean_record_scores_100_and_says_why():
    s = services.score_application(_app(data.baker()), DAY)["civil_rights"]
    assert s.score == 100
    assert any("No complaints" in r for r in s.reasons)
    assert any("declares no civil-rights lawsuits" in r for r in s.reasons)


def test_capacity_from_entered_indicators():
    s = scoring.score_capacity(annual_bookings=14_200, foreign_born_share=Decimal("18.5"), ice_encounters=310)
    assert s.score == 40 + 22 + 22
    assert "about 2,627 foreign-born people booked a year" in " ".join(s.reasons)
    missing = scoring.score_capacity(None, None, None)
    assert missing.score == 0 and len(missing.reasons) == 3 and all("not entered" in r for r in missing.reasons)


def test_total_is_weighted_and_stored_with_the_weights():
    app = _app(data.alachua(), annual_bookings=9_800, foreign_born_share=Decimal("11"), ice_encounters=120)
    services.start_evaluation(None, app, DAY)
    ev = app.evaluations.get()
    assert (ev.resources_score, ev.civil_rights_score, ev.capacity_score) == (92, 100, 32 + 22 + 22)
    assert ev.total == Decimal("0.30") * 92 + Decimal("0.40") * 100 + Decimal("0.30") * 76
    assert ev.weights == {"resources": "0.30", "civil_rights": "0.40", "capacity": "0.30"}
    assert sum(scoring.WEIGHTS.values()) == 1
