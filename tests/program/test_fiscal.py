from datetime import date

import pytest

from g287.program.fiscal import fiscal_year, fy_bounds


@pytest.mark.parametrize("day, fy", [
    (date(2024, 9, 30), 2024),
    (date(2024, 10, 1), 2025),
    (date(2025, 1, 1), 2025),
    (date(2025, 9, 30), 2025),
    (date(2025, 10, 1), 2026),
    (date(2005, 10, 1), 2006),
])
def test_fiscal_year_turns_on_october_first(day, fy):
    assert fiscal_year(day) == fy


def test_bounds_are_inclusive_and_round_trip():
    assert fy_bounds(2025) == (date(2024, 10, 1), date(2025, 9, 30))
    for fy in range(2006, 2030):
        start, end = fy_bounds(fy)
        assert fiscal_year(start) == fiscal_year(end) == fy
        assert fiscal_year(date.fromordinal(start.toordinal() - 1)) == fy - 1
        assert fiscal_year(date.fromordinal(end.toordinal() + 1)) == fy + 1
