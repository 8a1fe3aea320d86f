"""Full-text search of the signed MOAs in a real browser, in English and Spanish."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from g287.moa.services import import_documents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARCHIVE = settings.DATA_DIR / "moa" / "archive"


def _import():
    import_documents([ARCHIVE / "ALASKA", ARCHIVE / "FLORIDA" / "287gWSO_LevyCoFl2019-05-06.pdf",
                      ARCHIVE / "FLORIDA" / "daviePoliceDeptFL_TFM_MOA_03.05.25.pdf"], ocr="skip", progress=False)


def test_search_the_moas_and_open_one(page, browser, live_server, screenshot):
    _import()
    page.goto_path("/moa/")
    expect(page.get_by_test_id("moa-documents-table").locator("tbody tr")).to_have_count(3)
    page.get_by_label("Words to search for").fill("complaint process posters")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("moa-result-count")).to_have_text("1 document contains “complaint process posters”")
    results = page.get_by_test_id("moa-results")
    expect(results.locator("mark").first).to_be_visible()
    screenshot("results")
    results.get_by_role("link", name="Alaska Department of Corrections").click()
    expect(page.get_by_test_id("moa-facts")).to_contain_text("WSO 2019")
    expect(page.get_by_role("link", name="Download the PDF")).to_have_attribute("href", re.compile(r"^/moa/\d+/pdf/$"))
    # A word every MOA has: all three, best first.
    page.goto_path("/moa/?q=termination")
    expect(page.get_by_test_id("moa-results").locator("li")).to_have_count(3)

    # The same search in Spanish.
    context = browser.new_context(locale="es-ES")
    es = context.new_page()
    es.goto(f"{live_server.url}/moa/")
    expect(es.get_by_role("heading", level=1)).to_have_text("Documentos MOA firmados")
    es.get_by_label("Palabras que buscar").fill("posters")
    es.get_by_role("button", name="Buscar").click()
    expect(es.get_by_test_id("moa-result-count")).to_have_text("1 documento contiene «posters»")
    context.close()
