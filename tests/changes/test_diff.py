"""Every kind of change, from hand-made lists through the real import, lineage and signal; incremental = full."""

from datetime import date

import pytest

from g287.changes import diff, services
from g287.changes.models import Change
from g287.registry.services import import_ice_sheets

from .sheets import MOA, write_lists

pytestmark = pytest.mark.django_db
D1 = date(2025, 6, 2)


def _import(paths, capture):
    with capture(execute=True):  # the registry sends lineage_updated once the import commits
        report = import_ice_sheets(paths, progress=False)
    assert not report.errors, [e.message for e in report.errors]
    return report


def _found(file_name=None):
    qs = Change.objects.all() if file_name is None else Change.objects.filter(publication__file_name=file_name)
    return sorted((c.kind, c.state, c.agency_name, c.before, c.after) for c in qs)


def test_every_kind_of_change(tmp_path, django_capture_on_commit_callbacks):
    files = write_lists(tmp_path, D1)
    for key in ("part1", "pend1", "part2", "pend2", "part3"):
        _import([files[key]], django_capture_on_commit_callbacks)

    assert _found(files["part1"].name) == []  # the first list of its kind: nothing to compare with
    assert _found(files["part2"].name) == [
        ("added", "AL", "Iota County Sheriff's Office", "", ""),
        ("addendum", "AL", "Gamma County Sheriff's Office", "", ""),
        ("moa_link", "AL", "Alpha County Sheriff's Office", "", MOA),
        ("model_switch", "TX", "Echo Police Department", "WSO", "TFM"),
        ("redated", "GA", "Eta County Sheriff's Office", "2025-03-10", "2025-03-12"),
        ("removed", "GA", "Theta County Sheriff's Office", "", ""),
        ("renamed", "FL", "Zeta Police Department", "City of Zeta Police Department", "Zeta Police Department"),
        ("renewal", "TX", "Delta County Sheriff's Office", "2024-05-05", "2025-06-01"),
    ]
    assert _found(files["part3"].name) == [("returned", "GA", "Theta County Sheriff's Office", "", "")]
    pending = _found(files["pend2"].name)
    assert [(k, n) for k, _s, n, _b, _a in pending] == [
        ("application", "Mu Police Department"),
        ("application_signed", "Iota County Sheriff's Office"),
        ("application_withdrawn", "Lambda Police Department"),
    ]
    # Links to the registry's records, and the previous publication named.
    renewal = Change.objects.get(kind="renewal")
    assert renewal.agreement.signed == date(2025, 6, 1) and renewal.agency.name == "Delta County Sheriff's Office"
    assert renewal.previous.file_name == files["part1"].name
    assert Change.objects.get(kind="application_signed").application.agreement is not None

    # Recomputing everything finds exactly what the imports found, one publication at a time.
    assert services.refresh(full=True) == {"publications": 5, "created": 0, "updated": 0, "deleted": 0}


def test_out_of_order_imports_give_the_same_changes(tmp_path, django_capture_on_commit_callbacks):
    files = write_lists(tmp_path, D1)
    for key in ("part3", "pend2", "part1", "pend1", "part2"):
        _import([files[key]], django_capture_on_commit_callbacks)
    incremental = _found()
    keys = set(Change.objects.values_list("key", flat=True))
    assert services.refresh(full=True)["created"] == 0
    assert _found() == incremental and set(Change.objects.values_list("key", flat=True)) == keys
    assert len(incremental) == 12


def test_the_same_file_twice_changes_nothing(tmp_path, django_capture_on_commit_callbacks):
    files = write_lists(tmp_path, D1)
    _import([files["part1"], files["part2"]], django_capture_on_commit_callbacks)
    before = list(Change.objects.order_by("id").values_list("id", "key", "first_seen"))
    _import([files["part2"]], django_capture_on_commit_callbacks)
    assert list(Change.objects.order_by("id").values_list("id", "key", "first_seen")) == before


def test_moa_links_compare_as_ice_addresses():
    wrapped = ("https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA"
               "%2FColbert.pdf&data=05%7C02")
    archived = "https://web.archive.org/web/20250101000000/http://www.ice.gov/doclib/287gMOA/Colbert.pdf"
    assert diff.moa_url_key(wrapped) == diff.moa_url_key(archived) == "www.ice.gov/doclib/287gmoa/colbert.pdf"
    old = diff.Row(1, "AL", "", "Colbert County SO", "TFM", date(2025, 7, 2), moa_url=wrapped)
    assert diff.row_changes(old, diff.Row(1, "AL", "", "Colbert Co. SO", "TFM", date(2025, 7, 2),
                                          moa_url=archived)) == []  # same agency spelled out, same document
