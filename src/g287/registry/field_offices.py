"""ICE ERO field offices: loaded from the shipped data file, and the state → field office link for agencies."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings


def field_offices_file() -> Path:
    return Path(settings.DATA_DIR) / "field-offices" / "ice-ero-field-offices.csv"


def read_field_offices(path: Path | None = None) -> list[dict]:
    path = path or field_offices_file()
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    offices = []
    for n, row in enumerate(rows, start=2):
        code, name, states = (row.get("code") or "").strip(), (row.get("name") or "").strip(), (row.get("states") or "").split()
        if not code or not name or not states:
            raise ValueError(f"{path}: row {n}: code, name and states are required")
        offices.append({"code": code, "name": name, "states": states})
    return offices


def load_field_offices(model=None, path: Path | None = None) -> int:
    """Create or update every field office (idempotent). Returns how many the file lists."""
    if model is None:
        from g287.registry.models import FieldOffice as model
    offices = read_field_offices(path)
    for office in offices:
        model.objects.update_or_create(code=office["code"], defaults={"name": office["name"], "states": office["states"]})
    return len(offices)


def office_by_state(offices) -> dict[str, object]:
    """USPS state → the one field office whose area covers it. States split between several field offices
    (Texas, California, New York: by county) are left out, so those agencies get no field office by state."""
    seen: dict[str, list] = {}
    for office in offices:
        for st in office.states:
            seen.setdefault(st, []).append(office)
    return {st: lst[0] for st, lst in seen.items() if len(lst) == 1}
