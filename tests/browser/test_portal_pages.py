"""The public portal in a real browser, in English and Spanish, including the map."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.web.registry_data import build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def exact_data_version(monkeypatch):
    monkeypatch.setattr("g287.pagecache.VERSION_TTL", 0)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_map_and_its_table_in_english(page, screenshot):
    build_registry()
    page.goto_path("/portal/?as_of=2025-07-04")
    expect(page.get_by_role("heading", level=1)).to_have_text("The §287(g) program in public figures")
    expect(page.locator('[data-count="agreements"]')).to_have_text("3")
    svg = page.get_by_test_id("map").locator("svg")
    expect(svg).to_be_visible()
    assert svg.get_attribute("role") == "img"
    box = svg.bounding_box()
    assert box["width"] > 600 and box["height"] > 350  # drawn at a readable size
    # Alabama is shaded (two agreements), Texas is not; Colbert County is outlined.
    alabama = page.locator('path[data-state="AL"]')
    expect(alabama).to_have_class("map-bin-1")
    assert alabama.evaluate("e => getComputedStyle(e).fill") == "rgb(198, 219, 239)"
    expect(page.locator('path[data-state="TX"]')).to_have_class("map-bin-0")
    expect(page.locator('path[data-county="01033"]')).to_have_count(1)
    expect(page.get_by_role("img", name="Agreements by state and county")).to_be_visible()
    table = page.get_by_test_id("map-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator('tr[data-state="AL"] td').last).to_have_text("2")
    screenshot("map")
    # The state links lead to the registry's agency list, and from there to each agency's public page.
    table.get_by_role("link", name="Alabama").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies")
    page.get_by_role("link", name="Colbert County Sheriff's Office").click()
    expect(page.get_by_test_id("agreements").locator("tbody tr")).to_have_count(3)


def test_portal_in_spanish_across_its_sections(page, screenshot):
    build_registry()
    page.goto_path("/portal/")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("El programa §287(g) en cifras públicas")
    expect(page.get_by_role("heading", name="Acuerdos por estado y condado")).to_be_visible()
    expect(page.locator("#map-desc")).to_contain_text("Un mapa de los Estados Unidos")
    screenshot("map-es")
    page.get_by_role("link", name="A lo largo del tiempo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("El programa a lo largo del tiempo")
    expect(page.locator("svg.g287-lines")).to_have_count(2)
    expect(page.get_by_test_id("history-table")).to_contain_text("72")
    screenshot("trends-es")
    page.get_by_role("link", name="Medidas de desempeño").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medidas de desempeño")
    page.get_by_label("A la fecha").fill("2025-07-01")
    page.get_by_role("button", name="Mostrar").click()
    expect(page.get_by_test_id("measures-program")).to_be_visible()
    assert "as_of=2025-07-01" in page.url
    screenshot("measures-es")
    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance measures")
