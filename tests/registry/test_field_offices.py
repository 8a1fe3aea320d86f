"""Field offices by county: the shipped areas of responsibility, the resolver, and `g287 registry offices`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from g287.registry.field_offices import (agencies_by_office, county_key, load_field_offices, office_resolver,
                                         read_field_offices)
from g287.registry.models import Agency, FieldOffice

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_for():
    load_field_offices()
    return office_resolver(FieldOffice.objects.all())


def code(result):
    office, _why = result
    return office.code if office else None


def test_county_names_reduce_to_one_key():
    assert {county_key(c) for c in ("Harris County", "HARRIS", "Harris Co.", " harris county ")} == {"harris"}
    assert county_key("St. Lawrence") == county_key("Saint Lawrence County") == "stlawrence"
    assert county_key("DeWitt County") == county_key("De Witt") == "dewitt"
    assert county_key("Doña Ana") == "donaana"


def test_the_shipped_file_gives_25_offices_and_divides_three_states():
    offices = read_field_offices()
    assert len(offices) == 25
    divided = {st for o in offices for st in o["counties"]}
    assert divided == {"TX", "CA", "NY"}
    texas = sum(len(o["counties"].get("TX", [])) for o in offices)
    assert texas == 254  # every Texas county, each in exactly one office
    # Loading twice changes nothing (a migration loads it; the tests' reference data may load it again).
    load_field_offices()
    load_field_offices()
    assert FieldOffice.objects.count() == 25
    assert FieldOffice.objects.get(code="houston").counties["TX"].count("harris") == 1


def test_whole_states_and_county_splits(office_for):
    assert code(office_for("GA", "")) == "atlanta"  # a whole-state office needs no county
    assert code(office_for("FL", "Some County")) == "miami"
    assert code(office_for("TX", "Harris County")) == "houston"
    assert code(office_for("TX", "HARRIS")) == "houston"
    assert code(office_for("TX", "Dallas County")) == "dallas"
    assert code(office_for("TX", "El Paso County")) == "el-paso"
    assert code(office_for("TX", "Hidalgo County")) == "harlingen"
    assert code(office_for("TX", "Bexar County")) == "san-antonio"
    assert code(office_for("CA", "Los Angeles County")) == "los-angeles"
    assert code(office_for("CA", "San Diego")) == "san-diego"
    assert code(office_for("CA", "Sacramento Co.")) == "san-francisco"
    assert code(office_for("NY", "Erie County")) == "buffalo"  # Buffalo itself
    assert code(office_for("NY", "Kings County")) == "new-york-city"
    assert code(office_for("NY", "New York City")) == "new-york-city"  # as ICE may write it: five counties, one office
    assert code(office_for("NY", "Nassau County ")) == "new-york-city"
    # Orange County is in New York City's area in New York and in Los Angeles's in California.
    assert code(office_for("NY", "Orange County")) == "new-york-city"
    assert code(office_for("CA", "Orange County")) == "los-angeles"
    # A cell naming two counties counts when both lie in one office's area, and says why not otherwise.
    assert code(office_for("TX", "Harris, Fort Bend")) == "houston"
    office, why = office_for("TX", "Harris / Dallas")
    assert office is None and "2 field offices" in why


def test_typos_in_ices_county_cells_are_read_when_one_reading_is_the_only_one(office_for):
    # As ICE's lists have them (2021–2025).
    assert code(office_for("TX", "Guadalupe Conty")) == "san-antonio"
    office, why = office_for("TX", "Lampass County")
    assert office.code == "san-antonio" and "'Lampass County' read as 'lampasas'" in why
    assert code(office_for("TX", "Somervill")) == "houston"  # Somervell County
    # "Fall County" is one letter from both Falls and Hall County: no single reading, so no office.
    assert office_for("TX", "Fall County") == (None, "county 'Fall County' is not in Texas's areas of "
                                                     "responsibility")
    assert office_for("TX", "#NA") == (None, "county unknown")


def test_why_there_is_no_office(office_for):
    assert office_for("TX", "") == (None, "county unknown")
    assert office_for("TX", "   ") == (None, "county unknown")
    assert office_for("TX", "Atlantis County") == (None, "county 'Atlantis County' is not in Texas's areas of "
                                                         "responsibility")
    office, why = office_for("AS", "")
    assert office is None and why == "no field office's area includes American Samoa"


def test_the_resolver_answers_from_the_rows_it_was_built_with(office_for, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(1000):
            office_for("TX", "Harris County")


def _agency(key, name, state, county, office=None):
    return Agency.objects.create(key=key, name=name, state=state, county=county, field_office=office)


def test_offices_command_lists_agencies_without_an_office_and_why(office_for):
    houston = FieldOffice.objects.get(code="houston")
    _agency("tx-harris-so", "Harris County Sheriff's Office", "TX", "Harris County", houston)
    _agency("tx-camden-pd", "Somewhere Police Department", "TX", "")  # no county: Texas needs one
    _agency("tx-fort-bend-so", "Fort Bend County Sheriff's Office", "TX", "Fort Bend County")  # not yet written
    _agency("ny-nowhere", "Nowhere Police Department", "NY", "Atlantis County")

    report = agencies_by_office()
    by_key = {a["key"]: a["reason"] for a in report["unassigned"]}
    assert set(by_key) == {"tx-camden-pd", "tx-fort-bend-so", "ny-nowhere"}
    assert by_key["tx-camden-pd"] == "county unknown"
    assert by_key["ny-nowhere"] == "county 'Atlantis County' is not in New York's areas of responsibility"
    assert by_key["tx-fort-bend-so"].startswith("not yet assigned: Houston Field Office")
    assert next(o for o in report["offices"] if o["code"] == "houston")["agencies"] == 1

    out = StringIO()
    call_command("registry", "offices", "--unassigned", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["offices"] == [] and len(data["unassigned"]) == 3
    out = StringIO()
    call_command("registry", "offices", stdout=out)
    text = out.getvalue()
    assert "Houston Field Office" in text and "agencies without a field office (3):" in text
    assert "TX Somewhere Police Department (county: —): county unknown" in text


def test_a_bad_file_is_refused_naming_the_row(tmp_path):
    bad = tmp_path / "aor.csv"
    bad.write_text('"office_name", "state_name", "county_name", "notes"\n"Houston", "Texass", "", ""\n')
    with pytest.raises(ValueError, match=r"row 2: state_name 'Texass'"):
        read_field_offices(bad)
    bad.write_text('"office_name", "state_name"\n"Houston", "Texas"\n')
    with pytest.raises(ValueError, match="county_name"):
        read_field_offices(bad)
    bad.write_text('"office_name", "state_name", "county_name", "notes"\n"Houston", "Texas", "Harris", ""\n'
                   '"Dallas", "Texas", "Harris County", ""\n')
    with pytest.raises(ValueError, match="row 3: Harris County, Texas is already in houston's area"):
        read_field_offices(bad)


def test_an_import_gives_agencies_their_office_by_county(tmp_path):
    from datetime import date

    from g287.registry import services

    from .sheets import PART_HEADER, part_row, write_sheet

    sheet = write_sheet(tmp_path, "participatingAgencies06012025am.xlsx", PART_HEADER, [
        part_row("TEXAS", "Harris County Sheriff's Office", "Jail Enforcement Model", date(2025, 3, 1),
                 county="Harris County"),
        part_row("NEW YORK", "Erie County Sheriff's Office", "Task Force Model", date(2025, 3, 1), county="Erie County"),
        part_row("NEW YORK", "Nassau County Police Department", "Task Force Model", date(2025, 3, 1),
                 county="Nassau County "),
        part_row("TEXAS", "Texas National Guard", "Task Force Model", date(2025, 3, 1), type_="State"),
        part_row("GEORGIA", "Cobb County Sheriff's Office", "Jail Enforcement Model", date(2025, 3, 1)),
    ])
    assert not services.import_ice_sheets([sheet], progress=False).errors
    office = dict(Agency.objects.values_list("name", "field_office__code"))
    assert office == {"Harris County Sheriff's Office": "houston", "Erie County Sheriff's Office": "buffalo",
                      "Nassau County Police Department": "new-york-city", "Texas National Guard": None,
                      "Cobb County Sheriff's Office": "atlanta"}
    unassigned = agencies_by_office()["unassigned"]
    assert [(a["name"], a["reason"]) for a in unassigned] == [("Texas National Guard", "county unknown")]
