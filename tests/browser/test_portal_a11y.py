"""An automated accessibility check (axe-core, vendored) of every portal page in both languages: no serious
or critical violation."""

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.web.registry_data import build_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def exact_data_version(monkeypatch):
    monkeypatch.setattr("g287.pagecache.VERSION_TTL", 0)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = ["/portal/", "/portal/trends/", "/portal/measures/?as_of=2025-07-04"]


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["en", "es"])
def test_portal_pages_have_no_serious_accessibility_violations(page, language):
    cache.clear()
    build_registry()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.goto_path("/").url}])
    found = {}
    for path in PAGES:
        page.goto_path(path)
        assert page.locator("html").get_attribute("lang") == language
        problems = serious_violations(page)
        if problems:
            found[path] = problems
    assert found == {}


def test_the_check_can_fail(page):
    """The same check on a page with a known serious violation (an image without a text alternative)."""
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    assert any(v.startswith("image-alt") for v in serious_violations(page))
