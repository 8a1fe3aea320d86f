"""Demonstration program facts for `g287 demo`: field supervisors, training classes, annual targets, SCAAP awards
and local costs, each labelled synthetic in its note or place, so the program pages have something true to show
about the demo itself and nothing that could pass for a real figure.

Idempotent: a fact already entered (by the demo or by staff) is left alone. Every write goes through
``program.services`` and is audited.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from g287.program import services as ps
from g287.program.models import (
    AgencyCost, AnnualTarget, CostCategory, ScaapReimbursement, SupervisorStaffing, TrainingClass,
)

LABEL = "Demonstration data (synthetic)"


def fill(agreements, today: date, rng: random.Random) -> dict:
    """Program facts around the demo's agreements; returns how many of each were added."""
    made = {"staffing": 0, "classes": 0, "targets": 0, "costs": 0, "scaap": 0}
    offices = {a.agency.field_office for a in agreements if a.agency.field_office_id}
    for office in sorted(offices, key=lambda o: o.pk):
        if not SupervisorStaffing.objects.filter(field_office=office).exists():
            ps.save_entry(None, SupervisorStaffing(field_office=office, supervisors=rng.randint(2, 6),
                                                   start=today - timedelta(days=400), note=LABEL))
            made["staffing"] += 1
    if not TrainingClass.objects.filter(location__contains="synthetic").exists():
        for i in range(6):  # a four-week JEM class in Charleston every month, a one-day WSO class online
            start = today + timedelta(days=14 + 30 * i)
            ps.save_entry(None, TrainingClass(model="JEM", start=start, end=start + timedelta(days=25),
                                              location=f"Charleston, SC — {LABEL}", seats=24,
                                              seats_taken=rng.randint(4, 20)))
            ps.save_entry(None, TrainingClass(model="WSO", start=start + timedelta(days=7),
                                              end=start + timedelta(days=7), location=f"Online — {LABEL}",
                                              seats=40, seats_taken=rng.randint(5, 30)))
            made["classes"] += 2
    fy = ps.current_fy(today)
    for year, target in ((fy - 1, 120), (fy, 150)):
        if not AnnualTarget.objects.filter(fiscal_year=year).exists():
            ps.set_target(None, year, target, today, note=LABEL)
            made["targets"] += 1
    local = [CostCategory.SALARIES, CostCategory.OVERTIME, CostCategory.SUPPLIES, CostCategory.TRAINING_EXPENSES]
    for a in agreements:
        for category in local + [CostCategory.TRAINING]:
            if not AgencyCost.objects.filter(agency=a.agency, fiscal_year=fy, category=category).exists():
                amount = Decimal(rng.randrange(2_000, 180_000, 500))
                ps.save_entry(None, AgencyCost(agency=a.agency, fiscal_year=fy, category=category, amount=amount,
                                               note=LABEL))
                made["costs"] += 1
        if not ScaapReimbursement.objects.filter(agency=a.agency, fiscal_year=fy - 1).exists():
            ps.save_entry(None, ScaapReimbursement(agency=a.agency, fiscal_year=fy - 1,
                                                   amount=Decimal(rng.randrange(5_000, 400_000, 1_000)), note=LABEL))
            made["scaap"] += 1
    return made


def present() -> bool:
    """Whether any program fact on the program pages is the demo's (the pages then say so)."""
    return (SupervisorStaffing.objects.filter(note=LABEL).exists()
            or TrainingClass.objects.filter(location__endswith=LABEL).exists()
            or AnnualTarget.objects.filter(note=LABEL).exists()
            or AgencyCost.objects.filter(note=LABEL).exists()
            or ScaapReimbursement.objects.filter(note=LABEL).exists())
