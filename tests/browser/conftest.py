"""A real browser for page tests: Playwright driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: Chromium comes from the system (`make browser-deps`). Tests that use these fixtures
are skipped with a clear reason when it is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("G287_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety guard would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (own cookies, English) with ``page.goto_path("/agencies/")`` for the live server.

    The site's Content-Security-Policy is bypassed here so that tests may inject axe-core as an inline script;
    ``test_content_security_policy.py`` holds the pages to the policy in a context that keeps it."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto_path = lambda path: page.goto(f"{live_server.url}{path}")
    yield page
    context.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page()``: another person's browser (own context and cookies, English) on the live server;
    ``open_page(width=390)`` a phone's."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        # axe-core is injected as an inline script; the CSP itself has its own test (test_content_security_policy)
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(10_000)
        p.goto_path = lambda path: p.goto(f"{live_server.url}{path}")
        return p

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request, tmp_path):
    """``shot(page, name)``: a full-page PNG (to G287_SCREENSHOT_DIR when set, else a temporary folder)."""
    folder = Path(os.environ.get("G287_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def screenshot(page, request, tmp_path):
    """Save a full-page PNG named after the test (to G287_SCREENSHOT_DIR when set, else a temporary folder)."""
    folder = Path(os.environ.get("G287_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = folder / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
