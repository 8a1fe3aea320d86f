"""The look: base template, home page, language switch, login, and vendored assets without any CDN."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from g287.accounts.models import Role, User
from tests.web.registry_data import build_registry

STATIC = Path(__file__).resolve().parents[2] / "src" / "g287" / "web" / "static"


@pytest.mark.django_db
def test_base_template_has_the_uswds_parts(client):
    body = client.get(reverse("web:home")).content.decode()
    for part in ['class="usa-skipnav" href="#main-content"', 'class="usa-banner"', 'class="usa-header',
                 'class="usa-footer', 'id="main-content"', 'data-testid="language-switcher"',
                 "/static/uswds/css/uswds.min.css", "/static/uswds/js/uswds.min.js",
                 reverse("registry:agency-list"), reverse("registry:agreement-list"),
                 reverse("registry:publication-list"), reverse("api-docs"), reverse("login")]:
        assert part in body, part
    assert '<html lang="en">' in body


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_site(client):
    reg = build_registry()
    for url in [reverse("web:home"), reverse("registry:agency-detail", args=[reg.colbert.pk]), reverse("login")]:
        body = client.get(url).content.decode()
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', body):
            assert src.startswith("/"), (url, src)


@pytest.mark.django_db
def test_home_counts_and_charts(client):
    build_registry()
    response = client.get(reverse("web:home"))
    assert response.context["counts"] == {"agencies": 4, "agencies_active": 2, "agreements": 6, "publications": 4}
    assert dict((label, n) for label, n, _ in response.context["by_status"]) == {
        "Active": 3, "Removed": 1, "Superseded": 1}
    assert dict((label, n) for label, n, _ in response.context["model_rows"])["Jail Enforcement Model"] == 1
    body = response.content.decode()
    assert body.count('<svg class="g287-chart"') == 3
    assert 'data-count="agreements">6<' in body


@pytest.mark.django_db
def test_home_with_an_empty_registry(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert response.context["rows_chart"] is None


@pytest.mark.django_db
def test_switching_to_spanish(client):
    build_registry()
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("registry:agency-list")},
                           follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("registry:agency-list")
    assert '<html lang="es">' in body
    assert "Agencias" in body and "Ir al contenido principal" in body
    assert "4 agencias de 4" in body
    assert 'value="en"' in body  # the switch back to English
    assert "1 agencia de 4" in client.get(reverse("registry:agency-list"), {"q": "patrol"}).content.decode()


@pytest.mark.django_db
def test_browser_language_is_honoured(client):
    body = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert "El programa 287(g), acuerdo por acuerdo" in body


def _po_entries(text: str) -> dict[str, str]:
    """msgid → msgstr of the singular entries of a .po file (continuation lines joined)."""
    entries = {}
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                key, _, rest = line.partition(" ")
                fields[key] = [rest]
            elif line.startswith('"') and key:
                fields[key].append(line)
            else:
                key = None
        if "msgid" in fields and "msgstr" in fields:
            unquote = lambda parts: "".join(ast.literal_eval(x) for x in parts)  # noqa: E731
            entries[unquote(fields["msgid"])] = unquote(fields["msgstr"])
    return entries


def test_spanish_catalog_is_complete_and_compiled():
    locale = STATIC.parent.parent / "locale" / "es" / "LC_MESSAGES"
    po = (locale / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    entries = {k: v for k, v in _po_entries(po).items() if k}
    assert len(entries) > 100
    assert [k for k, v in entries.items() if not v] == [], "untranslated strings"
    with open(locale / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [k for k, v in entries.items() if compiled.gettext(k) != v]
    assert stale == [], "django.mo is older than django.po: run `g287 compilemessages`"


@pytest.mark.django_db
def test_login_page_and_sign_in(client):
    User.objects.create_user("reader", password="a-long-enough-password", role=Role.OVERSIGHT)
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="username"' in page.content.decode()
    bad = client.post(reverse("login"), {"username": "reader", "password": "wrong"})
    assert "do not match" in bad.content.decode()
    ok = client.post(reverse("login"), {"username": "reader", "password": "a-long-enough-password",
                                        "next": reverse("registry:agency-list")})
    assert ok.status_code == 302 and ok["Location"] == reverse("registry:agency-list")
    body = client.get(reverse("web:home")).content.decode()
    assert "Sign out (reader)" in body


def test_vendored_uswds_is_complete_and_small():
    root = STATIC / "uswds"
    css = (root / "css" / "uswds.min.css").read_text(encoding="utf-8")
    for ref in sorted(set(re.findall(r"url\(\.\./([^)]+)\)", css))):
        assert (root / ref).is_file(), f"the stylesheet references {ref}, which is not vendored"
    for name in ["js/uswds.min.js", "js/uswds-init.min.js", "img/sprite.svg", "img/us_flag_small.png",
                 "img/icon-dot-gov.svg", "img/icon-https.svg", "LICENSE.md"]:
        assert (root / name).is_file(), name
    total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    assert total < 2_000_000, f"vendored USWDS is {total} bytes"
    assert finders.find("uswds/css/uswds.min.css")
