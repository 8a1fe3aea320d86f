"""The three criteria of an application (the brief): available resources, record on civil rights and
liberties, and capacity as a force multiplier. Each scores 0–100 and explains itself in plain sentences.

Pure functions of the facts handed in, so the bands below are the whole rule; docs/decisions.md
(## Program management) gives the weights and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Criterion weights of the total score (sum 1). The civil-rights record weighs most: past DOJ findings of
# racial profiling ended agreements, and ICE's policy rescinds them on proof of it (the brief).
WEIGHTS = {"resources": Decimal("0.30"), "civil_rights": Decimal("0.40"), "capacity": Decimal("0.30")}

# Sworn-officer bands: (at least, points of 60). The JEM takes officers away for a four-week course and
# needs them in the jail; the WSO needs one day of training and few officers (the brief), so its bands are lower.
SWORN_BANDS = {
    "JEM": [(200, 60), (100, 50), (50, 40), (20, 25), (5, 10)],
    "WSO": [(50, 60), (20, 50), (10, 40), (5, 25), (1, 10)],
}
SWORN_BANDS["TFM"] = SWORN_BANDS["JEM"]
SWORN_BANDS["HYBRID"] = SWORN_BANDS["JEM"]
CIVILIAN_RATIO_BANDS = [(Decimal("0.5"), 20), (Decimal("0.25"), 12), (Decimal("0.000001"), 6)]  # of 20
PER_1000_BANDS = [(Decimal("2.0"), 20), (Decimal("1.0"), 12), (Decimal("0.000001"), 5)]  # of 20

# Civil-rights deductions from 100: (points per item, most points in all).
COMPLAINT_POINTS, COMPLAINT_CAP = 5, 30
FINDING_POINTS, FINDING_CAP = 10, 30
LAWSUIT_POINTS, LAWSUIT_CAP = 10, 30
CONSENT_DECREE_POINTS = 40
DECLARED_FINDING_POINTS = 25

BOOKINGS_BANDS = [(10_000, 40), (5_000, 32), (1_000, 22), (250, 12), (1, 5)]  # of 40
FOREIGN_BORN_BANDS = [(Decimal("20"), 30), (Decimal("10"), 22), (Decimal("5"), 14), (Decimal("0.01"), 6)]  # of 30
ENCOUNTER_BANDS = [(500, 30), (100, 22), (25, 14), (1, 6)]  # of 30


@dataclass
class Criterion:
    score: int
    reasons: list[str] = field(default_factory=list)


def _band(value, bands) -> int:
    for least, points in bands:
        if value >= least:
            return points
    return 0


def _n(value: int) -> str:
    return f"{value:,}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{_n(n)} {one if n == 1 else many}"


def score_resources(model: str, sworn: int | None, civilians: int | None, population: int | None,
                    roster_name: str = "") -> Criterion:
    """Available resources, from the FBI employee roster numbers on the agency."""
    if sworn is None:
        return Criterion(0, [
            "The agency has no match in the FBI law enforcement employee roster, so its officers, civilian staff "
            "and population served are unknown.",
            "Resources score 0 until the agency is matched to the roster (g287 import roster).",
        ])
    bands = SWORN_BANDS.get(model, SWORN_BANDS["JEM"])
    source = f" (FBI roster: {roster_name})" if roster_name else " (FBI roster)"
    points = _band(sworn, bands)
    reasons = [f"The agency has {_plural(sworn, 'sworn officer', 'sworn officers')}{source}, worth {points} of 60 "
               f"points for the {model} model, which gives 60 points from {_n(bands[0][0])} officers."]
    civ = civilians or 0
    if sworn > 0:
        ratio = Decimal(civ) / Decimal(sworn)
        cp = _band(ratio, CIVILIAN_RATIO_BANDS)
        reasons.append(f"It has {_plural(civ, 'civilian employee', 'civilian employees')}, "
                       f"{ratio:.2f} per sworn officer: {cp} of 20 points (20 from 0.50 per officer).")
    else:
        cp = 0
        reasons.append(f"It has {_plural(civ, 'civilian employee', 'civilian employees')} and no sworn officers: "
                       "0 of 20 points for support staff.")
    points += cp
    if population:
        per_1000 = Decimal(sworn) * 1000 / Decimal(population)
        pp = _band(per_1000, PER_1000_BANDS)
        reasons.append(f"It serves a population of {_n(population)}, {per_1000:.2f} officers per 1,000 residents: "
                       f"{pp} of 20 points (20 from 2.00).")
        points += pp
    else:
        reasons.append("The roster gives no population served (usual for state and special agencies), so the "
                       "officers-per-resident part scores 0 of 20.")
    return Criterion(min(points, 100), reasons)


def score_civil_rights(complaints: int, unresolved: int, findings: int | None, lawsuits: int,
                       consent_decrees: int, declared_findings: int, years: int = 5) -> Criterion:
    """Record on civil rights and liberties: 100 for a clean record, less for each matter on file or declared."""
    score = 100
    reasons = []
    if complaints:
        d = min(complaints * COMPLAINT_POINTS, COMPLAINT_CAP)
        score -= d
        extra = f", {_n(unresolved)} of them not yet resolved" if unresolved else ""
        reasons.append(f"{_plural(complaints, 'complaint', 'complaints')} against the agency's officers "
                       f"{'is' if complaints == 1 else 'are'} on file from the last {years} years{extra}: "
                       f"minus {d} ({COMPLAINT_POINTS} each, at most {COMPLAINT_CAP}).")
    else:
        reasons.append(f"No complaints against the agency's officers are on file from the last {years} years "
                       "(the system holds complaints only for agencies that have had an agreement).")
    if findings is None:
        reasons.append("Inspection findings are not yet recorded in the system, so none could be counted.")
    elif findings:
        d = min(findings * FINDING_POINTS, FINDING_CAP)
        score -= d
        reasons.append(f"{_plural(findings, 'inspection finding', 'inspection findings')} against the agency "
                       f"{'is' if findings == 1 else 'are'} on file: minus {d} ({FINDING_POINTS} each, at most "
                       f"{FINDING_CAP}).")
    else:
        reasons.append("No inspection findings against the agency are on file.")
    if lawsuits:
        d = min(lawsuits * LAWSUIT_POINTS, LAWSUIT_CAP)
        score -= d
        reasons.append(f"The agency declares {_plural(lawsuits, 'civil-rights lawsuit', 'civil-rights lawsuits')}: "
                       f"minus {d} ({LAWSUIT_POINTS} each, at most {LAWSUIT_CAP}).")
    if consent_decrees:
        d = consent_decrees * CONSENT_DECREE_POINTS
        score -= d
        reasons.append(f"The agency declares {_plural(consent_decrees, 'consent decree', 'consent decrees')} or "
                       f"settlement with the Department of Justice: minus {d} ({CONSENT_DECREE_POINTS} each).")
    if declared_findings:
        d = declared_findings * DECLARED_FINDING_POINTS
        score -= d
        reasons.append(f"The agency declares {_plural(declared_findings, 'finding', 'findings')} of discrimination "
                       f"or racial profiling: minus {d} ({DECLARED_FINDING_POINTS} each).")
    if not (lawsuits or consent_decrees or declared_findings):
        reasons.append("The agency declares no civil-rights lawsuits, consent decrees or findings.")
    score = max(score, 0)
    if score < 50:
        reasons.append("A score under 50 is a serious civil-rights concern: an approval must say how it is addressed.")
    return Criterion(score, reasons)


def score_capacity(annual_bookings: int | None, foreign_born_share: Decimal | None,
                   ice_encounters: int | None) -> Criterion:
    """Capacity as a force multiplier: how likely the agency is to encounter potentially removable people."""
    points, reasons = 0, []
    if annual_bookings is None:
        reasons.append("Annual bookings were not entered: 0 of 40 points.")
    else:
        p = _band(annual_bookings, BOOKINGS_BANDS)
        points += p
        reasons.append(f"The jail books {_n(annual_bookings)} people a year: {p} of 40 points "
                       f"(40 from {_n(BOOKINGS_BANDS[0][0])}).")
    if foreign_born_share is None:
        reasons.append("The foreign-born share of bookings was not entered: 0 of 30 points.")
    else:
        share = Decimal(foreign_born_share)
        p = _band(share, FOREIGN_BORN_BANDS)
        points += p
        reasons.append(f"{share:.1f}% of bookings are of people born outside the United States: {p} of 30 points "
                       f"(30 from {FOREIGN_BORN_BANDS[0][0]}%).")
        if annual_bookings:
            est = int(annual_bookings * share / 100)
            reasons.append(f"That is about {_n(est)} foreign-born people booked a year.")
    if ice_encounters is None:
        reasons.append("ICE encounter data was not entered: 0 of 30 points.")
    else:
        p = _band(ice_encounters, ENCOUNTER_BANDS)
        points += p
        reasons.append(f"ICE's data shows {_n(ice_encounters)} encounters a year with potentially removable people "
                       f"at the agency: {p} of 30 points (30 from {_n(ENCOUNTER_BANDS[0][0])}).")
    return Criterion(min(points, 100), reasons)


def total(resources: int, civil_rights: int, capacity: int) -> Decimal:
    value = (WEIGHTS["resources"] * resources + WEIGHTS["civil_rights"] * civil_rights
             + WEIGHTS["capacity"] * capacity)
    return value.quantize(Decimal("0.1"))
