"""Matching agencies to the FBI employee roster (the real shipped CSV)."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from g287.audit.models import AuditEvent
from g287.registry import services
from g287.registry.importers.roster import index_by_state, match_agency, read_roster
from g287.registry.models import Agency

from .sheets import PART_HEADER, part_row, write_sheet

ROSTER = Path(settings.DATA_DIR) / "rosters" / "fbi-law-enforcement-employees-2025.csv"
JEM, WSO, TFM = "Jail Enforcement Model", "Warrant Service Officer", "Task Force Model"


@pytest.fixture(scope="module")
def by_state():
    return index_by_state(read_roster(ROSTER))


def test_matching_rules(by_state):
    colbert = match_agency("Colbert County Sheriff's Office", "AL", "County", "Colbert County", by_state)
    assert colbert.roster.ori == "AL0200000" and colbert.score == 100
    # "Melbourne" is not "Melbourne Village" nor "West Melbourne".
    assert match_agency("Melbourne Police Department", "FL", "Municipality", "", by_state).roster.name == "Melbourne"
    # A sheriff's office is not the county police department of the same county.
    floyd = match_agency("Floyd County Sheriff's Office", "GA", "County", "Floyd County", by_state)
    assert floyd.roster.name == "Floyd"
    # State agencies are named without the state in the roster.
    fdle = match_agency("Florida Department of Law Enforcement", "FL", "State Agency", "", by_state)
    assert fdle.roster is not None and "Law Enforcement" in fdle.roster.name
    assert match_agency("Brown County Sheriff's Office", "NE", "County", "", by_state).reason.startswith(
        "no candidate in state")
    low = match_agency("Albemarle District Jail", "NC", "County", "", by_state)
    assert low.roster is None and low.reason.startswith("best score below threshold")
    # Without "Sheriff" or "Police" in ICE's name, Polk County's sheriff and county police tie.
    amb = match_agency("Polk County", "GA", "County", "Polk County", by_state)
    assert amb.roster is None and amb.reason.startswith("ambiguous")


@pytest.mark.django_db
def test_import_roster_links_agencies_and_is_idempotent(tmp_path):
    sheet = write_sheet(tmp_path / "sheets_20250601_150000", "participatingAgencies06012025am.xlsx", PART_HEADER, [
        part_row("ALABAMA", "Colbert County Sheriff's Office", JEM, date(2025, 5, 8), county="Colbert County"),
        part_row("FLORIDA", "Key West Police Department", TFM, date(2025, 4, 1), type_="Municipality"),
        part_row("NEBRASKA", "Brown County Sheriff's Office", WSO, date(2025, 4, 1)),
    ])
    services.import_ice_sheets([sheet], progress=False)
    result = services.import_roster(ROSTER)
    assert (result.agencies, result.matched) == (3, 2) and round(result.match_rate, 3) == 0.667
    colbert = Agency.objects.get(name="Colbert County Sheriff's Office")
    assert colbert.ori == "AL0200000" and colbert.sworn_officers and colbert.population and colbert.roster_score == 100
    brown = Agency.objects.get(name__startswith="Brown")
    assert brown.ori == "" and brown.roster_note.startswith("no candidate in state")
    assert [a.name for a, _ in result.unmatched] == ["Brown County Sheriff's Office"]

    audits = AuditEvent.objects.filter(action="registry.import_roster")
    assert audits.count() == 1 and audits.get().after["matched"] == 2
    snapshot = list(Agency.objects.order_by("id").values())
    call_command("import", "roster", str(ROSTER))
    assert list(Agency.objects.order_by("id").values()) == snapshot
    assert audits.count() == 1
