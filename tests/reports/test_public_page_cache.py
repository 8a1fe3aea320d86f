"""Each agency's and agreement's public page (part of the portal) kept whole per data version, day and
language for readers who are not signed in; a bounded number of queries when it is rendered."""

import re
from datetime import date

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse

from g287 import pagecache as page_cache
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


def test_agency_page_is_rendered_once_then_read_from_the_cache(client, django_assert_max_num_queries):
    reg = build_registry()
    url = reverse("registry:agency-detail", args=[reg.colbert.pk])
    with django_assert_max_num_queries(8):  # version, agency, newest list, notices, agreements, events, lists, the list it reflects
        first = client.get(url)
    assert first.status_code == 200 and "Colbert County" in first.content.decode()
    with django_assert_max_num_queries(1):  # the data version only
        again = client.get(url)
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(again.content.decode()) == strip(first.content.decode())
    assert page_cache.TOKEN_MARK not in again.content.decode()


def test_agreement_page_queries_do_not_grow_with_the_agencys_agreements(client, django_assert_max_num_queries):
    reg = build_registry()
    for agreement in (reg.colbert_wso, reg.colbert_jem_2019, reg.quiet_wso):
        with django_assert_max_num_queries(8):  # version, newest list, notices, the agency's agreements, events, lists, the list it reflects, its MOA documents
            r = client.get(reverse("registry:agreement-detail", args=[agreement.pk]))
        assert r.status_code == 200
    html = client.get(reverse("registry:agreement-detail", args=[reg.colbert_wso.pk])).content.decode()
    # The agency's other agreements are listed, and not the agreement itself.
    others = html.split("other agreements", 1)[1]
    assert f"/agreements/{reg.colbert_jem_2025.pk}/" in others and f"/agreements/{reg.colbert_wso.pk}/" not in others
    assert client.get(reverse("registry:agreement-detail", args=[10**9])).status_code == 404


def test_an_audited_write_shows_at_once(client):
    from g287.personnel.services import record_agreement_notice

    reg = build_registry()
    url = reverse("registry:agency-detail", args=[reg.colbert.pk])
    assert "Termination notice" not in client.get(url).content.decode()
    record_agreement_notice(None, reg.colbert_wso, kind="termination", by="LEA", notice=date(2025, 8, 1))
    assert "Termination notice" in client.get(url).content.decode()


def test_each_page_outlives_writes_of_data_it_does_not_show(client, django_assert_max_num_queries):
    """An action recorded leaves the registry's pages, the map and the trends kept, and retires the measures
    (which count actions); a registry write retires them all; a program write none of them."""
    from g287.audit.services import record

    reg = build_registry()
    registry_pages = [reverse("registry:agency-detail", args=[reg.colbert.pk]), "/portal/", "/portal/trends/"]
    measures = "/portal/measures/?as_of=2025-07-04"

    def kept(url) -> bool:
        with django_assert_max_num_queries(50) as q:
            assert client.get(url).status_code == 200
        return len(q) <= 1  # the version only

    for url in [*registry_pages, measures]:
        client.get(url)
    with transaction_for_writes():
        record(None, "operations.record_action", "operations.action", 1, None, {"synthetic": True})
    assert all(kept(url) for url in registry_pages) and not kept(measures)
    with transaction_for_writes():
        record(None, "program.set_target", "program.annualtarget", 1, None, {"synthetic": True})
    assert all(kept(url) for url in [*registry_pages, measures])
    with transaction_for_writes():
        record(None, "registry.record_notice", "registry.agreement", 1, None, {"synthetic": True})
    assert not any(kept(url) for url in registry_pages) and not kept(measures)


def test_the_measures_follow_recorded_actions_at_most_once_a_minute(client, monkeypatch,
                                                                     django_assert_max_num_queries):
    from g287.audit.services import record
    from g287.reports import services

    build_registry()
    monkeypatch.setattr(services, "ACTIVITY_SECONDS", 60)
    monkeypatch.setattr(services, "_activity_memo", (0.0, ""))
    url = "/portal/measures/?as_of=2025-07-04"
    client.get(url)
    with transaction_for_writes():
        record(None, "operations.record_action", "operations.action", 1, None, {"synthetic": True})
    with django_assert_max_num_queries(1):  # still the page kept: the activity's version waits a minute
        client.get(url)
    with transaction_for_writes():
        record(None, "registry.record_notice", "registry.agreement", 1, None, {"synthetic": True})
    with django_assert_max_num_queries(50) as q:  # a registry change shows at once
        client.get(url)
    assert len(q) > 1


def transaction_for_writes():
    from django.db import transaction

    return transaction.atomic()


def test_an_admin_change_changes_the_data_version(client, signed_in, django_user_model):
    from g287.reports.services import data_version, registry_version

    reg = build_registry()
    before_registry = registry_version()
    signed_in(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-enough-password-1"))
    admin_client = client
    before = data_version()
    url = reverse("admin:registry_agency_change", args=[reg.quiet.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"key": reg.quiet.key, "name": "Quietville Police Dept.", "state": "TX",
                 "agreements-TOTAL_FORMS": "1", "agreements-INITIAL_FORMS": "1",
                 "agreements-MIN_NUM_FORMS": "0", "agreements-MAX_NUM_FORMS": "1000",
                 "agreements-0-id": str(reg.quiet_wso.pk), "agreements-0-agency": str(reg.quiet.pk)})
    data = {k: v for k, v in data.items() if v is not False}
    r = admin_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert data_version() != before and registry_version() != before_registry
    html = Client().get(reverse("registry:agency-detail", args=[reg.quiet.pk])).content.decode()
    assert "Quietville Police Dept." in html


def test_pages_are_kept_per_language_and_per_day(client, monkeypatch):
    reg = build_registry()
    url = reverse("registry:agency-detail", args=[reg.colbert.pk])
    english = client.get(url).content.decode()
    client.cookies["django_language"] = "es"
    spanish = client.get(url).content.decode()
    assert "History" in english and "Historial" in spanish
    today = page_cache.page_key(client.get(url).wsgi_request)
    monkeypatch.setattr("g287.pagecache.timezone.localdate", lambda: date(2099, 1, 1))
    assert page_cache.page_key(client.get(url).wsgi_request) != today


def test_signed_in_readers_and_readers_with_a_message_get_their_own_page(client):
    from g287.accounts.models import Role, User

    reg = build_registry()
    url = reverse("registry:agency-detail", args=[reg.colbert.pk])
    client.get(url)  # kept for anonymous readers
    user = User.objects.create_user("reader", password="a-long-enough-password-1", role=Role.OVERSIGHT)
    reader = Client()
    reader.force_login(user)
    assert "Sign out (reader)" in reader.get(url).content.decode()
    # A message waiting for an anonymous reader is shown on their page, and not kept for others.
    storage = CookieStorage(client.get(url).wsgi_request)
    storage.add(constants.INFO, "A message for this reader only")
    response = client.get(url)
    storage.update(response)
    client.cookies.update(response.cookies)
    assert "A message for this reader only" in client.get(url).content.decode()
    assert "A message for this reader only" not in Client().get(url).content.decode()


def test_each_reader_of_a_cached_agency_page_gets_their_own_token():
    reg = build_registry()
    url = reverse("registry:agreement-detail", args=[reg.colbert_wso.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    html = second.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    r = second.post("/i18n/setlang/", {"language": "es", "next": url, "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert "Historial" in second.get(url).content.decode()
