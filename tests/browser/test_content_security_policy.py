"""The pages work under their own Content-Security-Policy: Chromium reports no refused script, style, font or
image on the public pages, the API docs (Swagger UI) and the sign-in page."""

import pytest

from tests.web.registry_data import build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = ["/", "/agencies/", "/portal/", "/portal/trends/", "/portal/measures/", "/complaints/", "/api/docs/",
         "/accounts/login/"]


def test_no_page_breaks_its_content_security_policy(browser, live_server):
    build_registry()
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []
    page.on("console", lambda msg: refused.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    for path in PAGES:
        resp = page.goto(f"{live_server.url}{path}")
        assert resp.status == 200, path
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # Swagger UI started from its own script file
    context.close()
    assert refused == []
