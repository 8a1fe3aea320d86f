"""ICE's whole published history, January 2021 to January 2026: every file imports, the figures ICE, CRS and DHS
published hold, the lineage's invariants hold, and the fold resumes from its checkpoint.

One import of everything serves the module (about a minute); it is made out of order on purpose — the July 2025
captures first, then the five years, then the newest lists — so keys staying put and the resumed fold are tested
on the way.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from g287.registry import lineage, services
from g287.registry.importers.ice_sheets import MODELS, clean, describe_name, parse_state
from g287.registry.models import (Agreement, AgreementEvent, Observation, Publication, QuarantinedObservation)

DATA = Path(settings.DATA_DIR)
NEWEST = ("participatingAgencies01092025pm.xlsx", "pendingAgencies01092025pm.xlsx")


def _history_files():
    files = services.collect_files([DATA / "ice-history"])
    return [f for f in files if f.name not in NEWEST], [f for f in files if f.name in NEWEST]


def _snapshot():
    return {
        "agreements": sorted(Agreement.objects.values_list("id", "key", "status", "superseded_by_id", "signed",
                                                           "first_listed_id", "last_listed_id")),
        "events": sorted(AgreementEvent.objects.values_list("agreement_id", "kind", "date", "publication_id", "note")),
        "links": sorted(Observation.objects.values_list("id", "agreement_id", "application_id")),
    }


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        services.import_ice_sheets([DATA / "ice-sheets"], progress=False)
        etowah = Agreement.objects.get(agency__state="AL", agency__name__startswith="Etowah", model="JEM",
                                       status="active")
        earlier, newest = _history_files()
        out = io.StringIO()
        call_command("import", "ice-sheets", *map(str, earlier), "--no-progress", stdout=out, stderr=io.StringIO())
        resumed = services.import_ice_sheets(newest, progress=False)
        yield {"etowah": (etowah.pk, etowah.key), "summary": out.getvalue(), "resumed": resumed,
               "snapshot": _snapshot()}
        call_command("flush", "--no-input", verbosity=0)


pytestmark = pytest.mark.django_db


def test_every_file_imports_and_each_repair_is_counted(history):
    assert "0 with errors" in history["summary"]
    files = services.collect_files([DATA / "ice-sheets", DATA / "ice-history"])
    assert len(files) == 1032
    assert Publication.objects.count() == 1031  # one capture is byte-for-byte another
    assert not Publication.all_objects.filter(placed=False).exists()
    assert Publication.objects.filter(source="web_table").count() > 600
    web = Publication.objects.filter(source="web_table").earliest("published")
    assert (web.file_name, web.published, web.captured.isoformat()) == (
        "ParticipatingEntities-20210113002027.xlsx", date(2021, 1, 13), "2021-01-13T00:20:27+00:00")
    assert QuarantinedObservation.objects.filter(reason="SUPPORT TYPE is empty").exists()
    assert Observation.objects.filter(note__contains="'Warrant Services Officer' read as Warrant Service Officer").exists()
    assert Observation.objects.filter(note__contains="'Jail Enforcment Model' read as Jail Enforcement Model").exists()
    assert Observation.objects.filter(note__contains="SIGNED '7/72025' (a slash missing) read as 2025-07-07").exists()
    assert "row(s) quarantined" in history["summary"]
    digit = Publication.objects.get(file_name="participatingAgencies090022025am.xlsx")
    assert digit.published == date(2025, 9, 2) and "digit too many" in digit.note
    pending_named_participating = Publication.objects.get(file_name="participatingAgencies09222025pm.xlsx")
    assert pending_named_participating.kind == "pending"


def test_web_table_moa_cells_keep_ice_url_and_capture_url(history):
    o = Observation.objects.filter(publication__file_name="ParticipatingEntities-20210113002027.xlsx",
                                   name__startswith="Etowah").get()
    assert o.moa_url == "https://www.ice.gov/doclib/287gMOA/287gJEM_EtowahCoAl2016-06-18.pdf"
    assert o.moa_capture_url == ("https://web.archive.org/web/20210113002027/"
                                 "https://www.ice.gov/doclib/287gMOA/287gJEM_EtowahCoAl2016-06-18.pdf")


def test_lists_named_with_the_wrong_date_are_dated_by_their_rows(history):
    jan = Publication.objects.get(file_name="participatingAgencies01092025pm.xlsx")
    assert jan.published == date(2026, 1, 9) and "one-digit correction" in jan.note
    twin = Publication.objects.get(file_name="pendingAgencies01092025pm.xlsx")
    assert twin.published == date(2026, 1, 9) and "like its twin" in twin.note
    sep = Publication.objects.get(file_name="participatingAgencies08022025pm.xlsx")
    assert sep.published == date(2025, 9, 2)


def test_published_figures(history):
    # CRS: 150 agencies by September 2020; ICE's web page of 13 January 2021 lists 150 rows.
    jan21 = services.registry_stats(date(2021, 1, 13))
    assert jan21["newest_participating"] == "ParticipatingEntities-20210113002027.xlsx"
    assert jan21["agreements"]["active"] == 150
    # ICE, 29 May 2025: 635 agreements — 100 JEM, 228 WSO, 307 TFM.
    statuses = services.agreement_statuses(date(2025, 5, 29))
    active = [pk for pk, st in statuses.items() if st == "active"]
    assert len(active) == 635
    models = dict.fromkeys(("JEM", "WSO", "TFM"), 0)
    for model in Agreement.objects.filter(pk__in=active).values_list("model", flat=True):
        models[model] += 1
    assert models == {"JEM": 100, "WSO": 228, "TFM": 307}
    # DHS, 2 September 2025: 958 agreements. ICE's own list of that afternoon has 957 distinct rows (its morning
    # list 956); the registry shows what the list shows.
    sep = services.registry_stats(date(2025, 9, 2))
    assert sep["newest_participating"] == "participatingAgencies08022025pm.xlsx"
    assert sep["agreements"]["active"] == _distinct_rows(DATA / "ice-history" / "participatingAgencies" /
                                                          "participatingAgencies08022025pm.xlsx")


def _distinct_rows(path) -> int:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return len({tuple(" ".join(str(c).split()).upper() for c in r) for r in rows[1:] if any(str(c).strip() for c in r)})


def test_active_count_is_the_newest_lists_distinct_rows(history):
    stats = services.registry_stats()
    assert stats["newest_participating"] == "participatingAgencies01092025pm.xlsx"
    newest = DATA / "ice-history" / "participatingAgencies" / "participatingAgencies01092025pm.xlsx"
    assert stats["agreements"]["active"] == _distinct_rows(newest) == 1317


def test_lineage_invariants(history):
    # Every observation belongs to exactly one agreement (participating) or application (pending).
    assert not Observation.objects.filter(agreement__isnull=True, application__isnull=True).exists()
    assert not Observation.objects.filter(agreement__isnull=False, application__isnull=False).exists()
    assert not Observation.objects.filter(publication__kind="participating", agreement__isnull=True).exists()
    # Every active agreement is on the newest list, and everything on it is active.
    newest = lineage.ordered_publications(Publication.objects.filter(kind="participating"))[-1]
    on_newest = set(Observation.objects.filter(publication=newest).values_list("agreement_id", flat=True))
    assert set(Agreement.objects.filter(status="active").values_list("id", flat=True)) == on_newest


def test_every_repair_has_a_note(history):
    """Read every file again: a cell that is not already in its one plain form must have a note on its row."""
    missing = []
    notes = {(p, r): n for p, r, n in Observation.objects.values_list("publication__sha256", "row", "note")}
    for pub in Publication.objects.all():
        path = Path(settings.PROJECT_DIR) / pub.path
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header = [clean(c).upper() for c in rows[0]]
        col = {h: i for i, h in enumerate(header)}
        for n, row in enumerate(rows[1:], start=2):
            note = notes.get((pub.sha256, n))
            if note is None:
                continue  # blank or quarantined
            model = clean(row[col["SUPPORT TYPE"]]).upper()
            if model not in MODELS and "SUPPORT TYPE" not in note:
                missing.append((pub.file_name, n, "SUPPORT TYPE"))
            state = clean(row[col["STATE"]])
            if parse_state(state)[1] and "STATE" not in note:
                missing.append((pub.file_name, n, "STATE"))
            signed = row[col["SIGNED"]] if "SIGNED" in col and pub.kind == "participating" else None
            if isinstance(signed, str) and signed.strip() and not _iso(signed) and "SIGNED" not in note:
                missing.append((pub.file_name, n, "SIGNED"))
    assert not missing


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text.strip()[:10])
        return True
    except ValueError:
        return False


def test_keys_and_rows_stay_put_when_older_history_arrives(history):
    pk, key = history["etowah"]
    etowah = Agreement.objects.get(pk=pk)  # the same row, imported first from July 2025's lists
    assert etowah.key == key and etowah.observations.filter(publication__source="web_table").exists()


def test_a_newer_list_resumes_the_fold_and_equals_a_full_recompute(history):
    assert history["resumed"].lineage["full"] is False
    assert history["snapshot"] == _snapshot()
    lineage.recompute()
    assert _snapshot() == history["snapshot"]


def test_file_name_forms():
    cases = {
        "participatingAgencies07032025pm.xlsx": ("participating", "spreadsheet", date(2025, 7, 3), "pm"),
        "participatingAgencies05122025amB.xlsx": ("participating", "spreadsheet", date(2025, 5, 12), "am-b"),
        "participatingAgencies07242025pm_b.xlsx": ("participating", "spreadsheet", date(2025, 7, 24), "pm-b"),
        "pendingAgencies12042025pm2.xlsx": ("pending", "spreadsheet", date(2025, 12, 4), "pm-2"),
        "participatingAgencies10172025mid.xlsx": ("participating", "spreadsheet", date(2025, 10, 17), "mid"),
        "participatingAgencies07032025am copy.xlsx": ("participating", "spreadsheet", date(2025, 7, 3), "am-copy"),
        "pendingAgencies07032025.xlsx": ("pending", "spreadsheet", date(2025, 7, 3), ""),
        "participatingAgencies090022025am.xlsx": ("participating", "spreadsheet", date(2025, 9, 2), "am"),
        "ParticipatingEntities-20210113002027.xlsx": ("participating", "web_table", date(2021, 1, 13), ""),
        "participatingAgencies-20250221214937.xlsx": ("participating", "spreadsheet", date(2025, 2, 21), ""),
        "pendingAgencies-20250313172004.xlsx": ("pending", "spreadsheet", date(2025, 3, 13), ""),
    }
    for name, want in cases.items():
        r = describe_name(Path(name))
        assert (r.kind, r.source, r.published, r.edition) == want, name
    assert describe_name(Path("agencies.xlsx")) is None
