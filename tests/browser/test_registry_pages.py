"""The registry as a person uses it, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from g287.accounts.models import Role, User
from tests.web.registry_data import build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_search_and_filter(page, screenshot):
    build_registry()
    page.goto_path("/agencies/")
    expect(page.get_by_test_id("result-count")).to_have_text("4 agencies of 4")
    # USWDS styles loaded from the vendored files: the banner is laid out, not a bare list
    assert page.locator(".usa-banner__header-text").evaluate("e => getComputedStyle(e).fontSize") != ""
    form = page.get_by_test_id("agency-filters")
    form.get_by_label("Name or county").fill("county")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 agencies of 4")
    form.get_by_label("State").select_option("FL")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 agency of 4")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Orange County Sheriff's Office")
    assert "state=FL" in page.url and "q=county" in page.url
    form.get_by_label("Status", exact=True).select_option("active")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("No agency matches these filters.")).to_be_visible()
    screenshot("no-match")
    page.get_by_role("link", name="Clear").click()
    expect(page.get_by_test_id("result-count")).to_have_text("4 agencies of 4")
    screenshot("list")


def test_agency_page_timeline(page, screenshot):
    reg = build_registry()
    page.goto_path("/agencies/")
    page.get_by_role("link", name="Colbert County Sheriff's Office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Colbert County Sheriff's Office")
    expect(page.get_by_test_id("agreements").locator("tbody tr")).to_have_count(3)
    timeline = page.get_by_test_id("timeline")
    items = timeline.locator("li")
    expect(items.first).to_contain_text("First listed by ICE")
    kinds = [items.nth(i).get_attribute("data-kind") for i in range(items.count())]
    assert kinds.count("listed") == 3 and "renewal" in kinds and "removed" in kinds
    expect(timeline).to_contain_text(reg.p1.file_name)
    expect(page.locator('[data-status="superseded"]')).to_have_count(1)
    screenshot("agency")
    page.get_by_test_id("agreements").get_by_role("link", name="Warrant Service Officer").click()
    expect(page.get_by_test_id("moa-link").get_by_role("link")).to_have_attribute(
        "href", "https://www.ice.gov/doclib/287gMOA/colbert-wso.pdf")
    screenshot("agreement")


def test_switching_to_spanish_and_back(page, screenshot):
    build_registry()
    page.goto_path("/agencies/?state=FL")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencias")
    expect(page.get_by_test_id("result-count")).to_have_text("2 agencias de 4")
    assert page.url.endswith("/agencies/?state=FL")  # same page, same filters
    expect(page.get_by_role("link", name="Ir al contenido principal")).to_be_attached()
    screenshot("es")
    page.goto_path("/")  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_have_text("El programa 287(g), acuerdo por acuerdo")
    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_login_and_logout(page, screenshot):
    User.objects.create_user("reader", password="a-long-enough-password", role=Role.OVERSIGHT)
    page.goto_path("/publications/")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("User name").fill("reader")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    screenshot("login-error")
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/publications/$"))  # back where the reader was
    expect(page.get_by_test_id("sign-out")).to_contain_text("Sign out (reader)")
    page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("sign-in")).to_be_visible()


def test_home_page(page, screenshot):
    build_registry()
    page.goto_path("/")
    expect(page.locator('[data-count="agencies"]')).to_have_text("4")
    expect(page.locator("svg.g287-chart")).to_have_count(3)
    screenshot("home")
