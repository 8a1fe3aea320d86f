"""Honest dates: every page and export that shows the registry names the ICE list it reflects and its date, and
warns plainly when that list is more than seven days older than the day shown — and only then."""

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from g287.accounts.models import Role, User
from g287.registry.freshness import STALE_AFTER_DAYS, reflects
from g287.registry.models import Publication
from g287.reports.opendata import export_open_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def publication(day: date, *, kind="participating", placed=True, edition="am", name=None) -> Publication:
    name = name or f"{'participating' if kind == 'participating' else 'pending'}Agencies{day:%m%d%Y}{edition}.xlsx"
    return Publication.objects.create(kind=kind, file_name=name, sha256=f"{name}{day}".ljust(64, "0")[:64],
                                      published=day, edition=edition, rows=1, placed=placed)


def test_the_newest_placed_participating_list_on_or_before_the_day():
    publication(date(2025, 12, 12), edition="pm")
    newest = publication(date(2025, 12, 30))
    publication(date(2025, 12, 31), kind="pending")  # pending lists do not say what is in force
    publication(date(2026, 1, 2), placed=False)  # imported, not yet placed by the lineage: not shown
    r = reflects(date(2026, 1, 6))
    assert r.publication == newest and r.published == date(2025, 12, 30) and r.days_behind == 7
    assert not r.stale  # seven days behind is still this week's list
    r = reflects(date(2026, 1, 7))
    assert r.days_behind == 8 and r.stale and r.file_name == "participatingAgencies12302025am.xlsx"
    assert "Warning: that list is 8 days older than 2026-01-07" in r.statement()
    r = reflects(date(2025, 12, 20))  # an earlier day: the list of that day or before
    assert r.published == date(2025, 12, 12) and r.days_behind == 8 and r.stale
    r = reflects(date(2025, 12, 1))
    assert r.missing and not r.stale and r.as_dict()["list"] is None
    assert "No ICE participating agencies list" in r.statement()
    assert STALE_AFTER_DAYS == 7


def test_am_and_pm_lists_of_one_day_the_later_edition_wins():
    publication(date(2025, 7, 18), edition="am")
    pm = publication(date(2025, 7, 18), edition="pm")
    assert reflects(date(2025, 7, 18)).publication == pm


def notice(html: str) -> dict:
    m = re.search(r'data-testid="reflects" data-stale="(\w+)"(?: data-list-date="([\d-]+)")?', html)
    assert m, "the page does not say which ICE list it reflects"
    return {"stale": m.group(1), "list_date": m.group(2)}


PUBLIC_PAGES = ["/", "/agencies/", "/agreements/", "/publications/", "/portal/", "/portal/trends/",
                "/portal/measures/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_name_the_list_and_warn_only_when_it_is_old(client, url):
    today = timezone.localdate()
    publication(today - timedelta(days=3))
    html = client.get(url).content.decode()
    assert notice(html) == {"stale": "no", "list_date": (today - timedelta(days=3)).isoformat()}
    assert "Out of date" not in html

    publication(today - timedelta(days=30), name="participatingAgencies-old.xlsx")  # older: changes nothing
    Publication.objects.filter(published=today - timedelta(days=3)).delete()
    html = client.get(url).content.decode()
    assert notice(html) == {"stale": "yes", "list_date": (today - timedelta(days=30)).isoformat()}
    assert "Out of date:" in html and "30 days earlier" in html
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Desactualizado:" in spanish and "30 días antes" in spanish


def test_a_day_asked_for_is_the_day_the_notice_speaks_of(client):
    publication(date(2025, 12, 30))
    html = client.get("/agreements/?as_of=2025-12-31").content.decode()
    assert notice(html)["stale"] == "no" and "Out of date" not in html
    html = client.get("/portal/?as_of=2026-01-20").content.decode()
    assert notice(html)["stale"] == "yes" and "21 days earlier" in html
    html = client.get("/portal/?as_of=2025-06-01").content.decode()
    assert notice(html)["stale"] == "missing" and "No ICE list in the registry is dated on or before" in html
    spanish = client.get("/portal/?as_of=2025-12-31", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "esto refleja la lista de agencias participantes de ICE" in spanish


def test_detail_and_program_pages_carry_the_notice(client):
    from tests.personnel import factories as f

    publication(timezone.localdate() - timedelta(days=10))
    agency = f.agency("tx-fresh-so", state="TX")
    agreement = f.agreement(agency)
    for url in (f"/agencies/{agency.pk}/", f"/agreements/{agreement.pk}/"):
        assert notice(client.get(url).content.decode())["stale"] == "yes", url
    sign_in(client, User.objects.create_user("fresh-po", password="not-used-1234-fresh", role=Role.PROGRAM_OFFICE))
    for url in ("/program/", "/program/capacity/", "/program/applications/"):
        assert notice(client.get(url).content.decode())["stale"] == "yes", url


def test_the_open_data_names_the_list_and_warns_when_it_is_old(tmp_path):
    publication(date(2025, 12, 30))
    d = export_open_data(tmp_path / "fresh", as_of=date(2026, 1, 2), progress=False)
    assert d["reflects"]["list"] == "participatingAgencies12302025am.xlsx"
    assert d["reflects"]["list_date"] == "2025-12-30" and d["reflects"]["stale"] is False
    text = (tmp_path / "fresh" / "DATA_DICTIONARY.md").read_text()
    assert "ICE list reflected: **participatingAgencies12302025am.xlsx** of **2025-12-30**." in text
    assert "Out of date" not in text
    assert json.loads((tmp_path / "fresh" / "datapackage.json").read_text())["reflects"]["list_date"] == "2025-12-30"

    d = export_open_data(tmp_path / "old", as_of=date(2026, 3, 1), progress=False)
    assert d["reflects"]["stale"] is True and d["reflects"]["days_behind"] == 61
    text = (tmp_path / "old" / "DATA_DICTIONARY.md").read_text()
    assert "**Out of date:**" in text and "61 days older than 2026-03-01" in text
    from openpyxl import load_workbook

    about = [list(r) for r in load_workbook(tmp_path / "old" / "open-data.xlsx").worksheets[0].values]
    assert ["ICE list reflected", "participatingAgencies12302025am.xlsx", "2025-12-30"] in about


def test_the_annual_report_names_the_list_and_warns_when_it_is_old(tmp_path):
    from g287.reports.annual import build

    publication(date(2025, 7, 3))
    html = build(2025, tmp_path, pdf=False).html.read_text()
    assert "participatingAgencies07032025am.xlsx of 2025-07-03" in html
    assert "<strong>Out of date:</strong>" in html and "181 days older than 2025-12-31" in html


def test_the_stats_command_says_which_list_its_figures_reflect():
    from io import StringIO

    from django.core.management import call_command

    publication(date(2025, 12, 30))
    out = StringIO()
    call_command("registry", "stats", "--as-of", "2026-01-20", stdout=out)
    assert "OUT OF DATE: As of 2026-01-20, the registry reflects ICE's participating agencies list " \
           "participatingAgencies12302025am.xlsx of 2025-12-30. Warning: that list is 21 days older" in out.getvalue()
    out = StringIO()
    call_command("registry", "stats", "--json", "--as-of", "2026-01-02", stdout=out)
    assert json.loads(out.getvalue())["reflects"]["stale"] is False
