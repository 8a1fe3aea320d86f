"""What changed and the Data page in a real browser, in English and Spanish."""

from datetime import date

import pytest
from playwright.sync_api import expect

from g287.changes import downloads
from g287.changes.originals import locate_missing
from g287.registry.services import import_ice_sheets
from tests.changes.sheets import write_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lists(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the hand-made lists play the shipped files (downloads of the originals)
    settings.VAR_DIR = tmp_path / "var"
    files = write_lists(tmp_path / "lists", date(2025, 6, 2))
    for key in ("part1", "pend1", "part2", "pend2", "part3"):
        assert not import_ice_sheets([files[key]], progress=False).errors  # the lineage signal runs on commit
    assert locate_missing() == 0  # already found when each import committed
    return files


def test_changes_by_week_filters_publication_and_download(page, lists, screenshot):
    page.goto_path("/changes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed")
    expect(page.get_by_test_id("week")).to_have_count(1)
    expect(page.get_by_test_id("result-count")).to_contain_text("12 changes")
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_count(1)
    form = page.get_by_test_id("change-filters")
    form.get_by_label("State").select_option("TX")
    form.get_by_label("What changed").select_option("renewal")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Delta County Sheriff's Office")
    expect(page.get_by_test_id("feeds")).to_contain_text("Feed of Texas (Atom)")
    screenshot("changes-filtered")
    with page.expect_download() as csv:
        page.get_by_test_id("csv-link").click()
    assert csv.value.suggested_filename == "changes.csv"
    assert "Delta County Sheriff" in open(csv.value.path()).read()

    page.locator("tbody tr").get_by_role("link", name="Participating agencies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lists["part2"].name)
    expect(page.get_by_test_id("group-renewal")).to_have_text("Renewed (1)")
    expect(page.get_by_test_id("previous")).to_have_text(lists["part1"].name)
    with page.expect_download() as original:
        page.get_by_test_id("download-original").click()
    assert original.value.suggested_filename == lists["part2"].name
    assert open(original.value.path(), "rb").read() == lists["part2"].read_bytes()
    page.get_by_test_id("previous").click()
    expect(page.get_by_text("there is nothing to compare it with")).to_be_visible()


def test_changes_in_spanish(page, lists, screenshot):
    page.goto_path("/changes/")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Qué cambió")
    form = page.get_by_test_id("change-filters")
    form.get_by_label("Estado").select_option("GA")
    page.get_by_role("button", name="Aplicar").click()
    expect(page.locator('tbody tr[data-kind="returned"] td').nth(1)).to_have_text("Listado de nuevo")
    expect(page.locator('tbody tr[data-kind="redated"] td').nth(1)).to_have_text("Cambio de fecha de firma")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Semana del")
    page.get_by_test_id("alert-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alertas por correo")
    expect(page.locator("#id_state")).to_have_value("GA")
    expect(page.get_by_role("radio", name="Un estado")).to_be_checked()
    screenshot("changes-es")


def test_data_page_in_english_and_spanish(page, lists, screenshot):
    downloads.build_bundle()
    page.goto_path("/")
    page.get_by_test_id("footer-open-data").click()
    assert page.url.endswith("/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    files = page.get_by_test_id("bundle-files")
    expect(files.get_by_role("link", name="open-data.xlsx")).to_be_visible()
    expect(files.get_by_role("link", name="agreements.parquet")).to_be_visible()
    with page.expect_download() as dictionary:
        files.get_by_role("link", name="DATA_DICTIONARY.md").click()
    assert "agreements" in open(dictionary.value.path()).read()
    with page.expect_download() as agencies:
        page.get_by_test_id("csv-lists").get_by_role("link", name="Agencies (CSV)").click()
    assert open(agencies.value.path()).read().startswith("agency_id,name,state")
    screenshot("data")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datos abiertos")
    expect(page.get_by_role("heading", name="Listas en CSV")).to_be_visible()
    expect(page.get_by_test_id("footer-open-data")).to_have_text("Datos abiertos")
    screenshot("data-es")
