"""Hand-made ICE lists for the changes tests: three participating lists and two pending lists that between them
make every kind of change once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.registry.sheets import PART_HEADER, PEND_HEADER, part_row, write_sheet

MOA = "https://www.ice.gov/doclib/287gMOA/AlphaCountySO_JEM.pdf"


def name_of(kind: str, day: date, edition: str = "pm") -> str:
    return f"{kind}Agencies{day:%m%d%Y}{edition}.xlsx"


def base_rows() -> list[list]:
    return [
        part_row("ALABAMA", "Alpha County Sheriff's Office", "Jail Enforcement Model", date(2025, 1, 10), moa="link pending"),
        part_row("ALABAMA", "Beta Police Department", "Task Force Model", date(2025, 2, 1), "Municipality"),
        part_row("ALABAMA", "Gamma County Sheriff's Office", "Warrant Service Officer", date(2025, 3, 1), county="Gamma"),
        part_row("TEXAS", "Delta County Sheriff's Office", "Jail Enforcement Model", date(2024, 5, 5)),
        part_row("TEXAS", "Echo Police Department", "Warrant Service Officer", date(2025, 1, 20), "Municipality"),
        part_row("FLORIDA", "City of Zeta Police Department", "Task Force Model", date(2025, 4, 14), "Municipality"),
        part_row("GEORGIA", "Eta County Sheriff's Office", "Jail Enforcement Model", date(2025, 3, 10)),
        part_row("GEORGIA", "Theta County Sheriff's Office", "Warrant Service Officer", date(2025, 2, 2)),
    ]


def second_rows() -> list[list]:
    rows = base_rows()
    rows[2] = part_row("ALABAMA", "Gamma County Sheriff's Office", "Warrant Service Officer", date(2025, 3, 1),
                       county="Gamma", moa="link | addendum")
    rows[3] = part_row("TEXAS", "Delta County Sheriff's Office", "Jail Enforcement Model", date(2025, 6, 1))
    rows[4] = part_row("TEXAS", "Echo Police Department", "Task Force Model", date(2025, 6, 1), "Municipality")
    rows[5] = part_row("FLORIDA", "Zeta Police Department", "Task Force Model", date(2025, 4, 14), "Municipality")
    rows[6] = part_row("GEORGIA", "Eta County Sheriff's Office", "Jail Enforcement Model", date(2025, 3, 12))
    del rows[7]  # Theta leaves
    rows.append(part_row("ALABAMA", "Iota County Sheriff's Office", "Jail Enforcement Model", date(2025, 5, 30),
                         county="Iota"))
    return rows


def third_rows() -> list[list]:
    return second_rows() + [base_rows()[7]]  # Theta comes back


def write_lists(folder: Path, first: date) -> dict[str, Path]:
    """Participating lists on ``first`` and the two days after; pending lists on the first two days."""
    d1, d2, d3 = first, first + timedelta(days=1), first + timedelta(days=2)
    links = {(0, "MOA"): MOA}
    out = {
        "part1": write_sheet(folder / "a", name_of("participating", d1), PART_HEADER, base_rows()),
        "part2": write_sheet(folder / "b", name_of("participating", d2), PART_HEADER, second_rows(), links=links),
        "part3": write_sheet(folder / "c", name_of("participating", d3), PART_HEADER, third_rows(), links=links),
        "pend1": write_sheet(folder / "a", name_of("pending", d1), PEND_HEADER, [
            ["ALABAMA", "Kappa County Sheriff's Office", "County", "Kappa", "Jail Enforcement Model"],
            ["ALABAMA", "Iota County Sheriff's Office", "County", "Iota", "Jail Enforcement Model"],
            ["TEXAS", "Lambda Police Department", "Municipality", "", "Warrant Service Officer"],
        ]),
        "pend2": write_sheet(folder / "b", name_of("pending", d2), PEND_HEADER, [
            ["ALABAMA", "Kappa County Sheriff's Office", "County", "Kappa", "Jail Enforcement Model"],
            ["TEXAS", "Mu Police Department", "Municipality", "", "Task Force Model"],
        ]),
    }
    return out
