"""The registry's public pages: status codes, filters that filter, timelines, status as of a day."""

from datetime import date

import pytest
from django.urls import reverse

from g287.registry.filters import AgencyFilter, AgreementFilter, Status, annotate_status
from g287.registry.models import Agreement
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg():
    return build_registry()


def names(response):
    return [a.name for a in response.context["page"].object_list]


def test_pages_are_public(client, reg):
    for url in [
        reverse("registry:agency-list"),
        reverse("registry:agency-detail", args=[reg.colbert.pk]),
        reverse("registry:agreement-list"),
        reverse("registry:agreement-detail", args=[reg.colbert_wso.pk]),
        reverse("registry:publication-list"),
        reverse("web:home"),
    ]:
        assert client.get(url).status_code == 200, url


def test_unknown_agency_and_agreement_are_404(client, reg):
    assert client.get(reverse("registry:agency-detail", args=[999999])).status_code == 404
    assert client.get(reverse("registry:agreement-detail", args=[999999])).status_code == 404


def test_status_as_of_a_day_follows_the_listings(reg):
    today = dict(annotate_status(Agreement.objects.all(), date(2026, 1, 1)).values_list("pk", "status_on"))
    assert today[reg.colbert_wso.pk] == Status.ACTIVE
    assert today[reg.colbert_jem_2019.pk] == Status.SUPERSEDED
    assert today[reg.colbert_jem_2025.pk] == Status.ACTIVE
    assert today[reg.orange_tfm.pk] == Status.REMOVED
    assert today[reg.quiet_wso.pk] is None  # never listed
    may = dict(annotate_status(Agreement.objects.all(), date(2025, 5, 20)).values_list("pk", "status_on"))
    assert may[reg.colbert_jem_2019.pk] == Status.ACTIVE
    assert may[reg.orange_tfm.pk] == Status.ACTIVE
    assert may[reg.colbert_jem_2025.pk] is None
    before_any = dict(annotate_status(Agreement.objects.all(), date(2025, 1, 1)).values_list("pk", "status_on"))
    assert set(before_any.values()) == {None}


@pytest.mark.parametrize("query, expected", [
    ({"q": "colbert"}, ["Colbert County Sheriff's Office"]),
    ({"q": "ORANGE COUNTY"}, ["Orange County Sheriff's Office"]),
    ({"q": "travis"}, ["Quietville Police Department"]),  # county
    ({"state": "FL"}, ["Florida Highway Patrol", "Orange County Sheriff's Office"]),
    ({"ice_type": "state"}, ["Florida Highway Patrol"]),
    ({"model": "TFM"}, ["Florida Highway Patrol", "Orange County Sheriff's Office"]),
    ({"status": "removed"}, ["Orange County Sheriff's Office"]),
    ({"status": "superseded"}, ["Colbert County Sheriff's Office"]),
    ({"status": "active", "state": "FL"}, ["Florida Highway Patrol"]),
    ({"status": "active", "model": "JEM"}, ["Colbert County Sheriff's Office"]),
    ({"status": "removed", "as_of": "2025-06-10"}, []),
    ({"status": "active", "as_of": "2025-05-20", "model": "TFM"},
     ["Florida Highway Patrol", "Orange County Sheriff's Office"]),
])
def test_agency_list_filters(client, reg, query, expected):
    response = client.get(reverse("registry:agency-list"), query)
    assert response.status_code == 200
    assert sorted(names(response)) == expected
    assert response.context["total"] == 4


def test_agency_list_shows_counts_and_rejects_bad_filters(client, reg):
    response = client.get(reverse("registry:agency-list"), {"state": "FL"})
    assert "2 agencies of 4" in response.content.decode()
    bad = client.get(reverse("registry:agency-list"), {"state": "ZZ", "as_of": "yesterday"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Some filters were not understood" in body and "as_of" in body and "state" in body


def test_agency_list_paginates(client, reg):
    from g287.registry.models import Agency

    Agency.objects.bulk_create(
        Agency(key=f"ga-agency-{i}", name=f"Agency {i:03d}", state="GA", ice_type="County") for i in range(60)
    )
    first = client.get(reverse("registry:agency-list"), {"state": "GA"})
    second = client.get(reverse("registry:agency-list"), {"state": "GA", "page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert "state=GA&amp;page=2" in first.content.decode()
    assert set(names(first)).isdisjoint(names(second))


def test_agency_page_has_agreements_and_timeline(client, reg):
    response = client.get(reverse("registry:agency-detail", args=[reg.colbert.pk]))
    body = response.content.decode()
    assert [a.pk for a in response.context["agreements"]] == [
        reg.colbert_jem_2019.pk, reg.colbert_wso.pk, reg.colbert_jem_2025.pk]
    timeline = response.context["timeline"]
    kinds = [(t.agreement.pk, t.kind) for t in timeline]
    # first listings, the renewal event, and the old JEM agreement's disappearance from the list
    assert (reg.colbert_jem_2019.pk, "listed") in kinds
    assert (reg.colbert_jem_2025.pk, "renewal") in kinds
    assert (reg.colbert_jem_2019.pk, "removed") in kinds
    assert [t.date for t in timeline] == sorted(t.date for t in timeline)
    removed = next(t for t in timeline if t.kind == "removed")
    assert removed.date == reg.p2.published and removed.publication == reg.p2
    assert "Superseded" in body and 'data-testid="timeline"' in body
    assert reg.p1.file_name in body


def test_agency_page_shows_notices(client, reg):
    body = client.get(reverse("registry:agency-detail", args=[reg.patrol.pk])).content.decode()
    assert "Suspension notice" in body and "Exigent." in body and "Lifted" in body


def test_agreement_page(client, reg):
    body = client.get(reverse("registry:agreement-detail", args=[reg.colbert_wso.pk])).content.decode()
    assert "Warrant Service Officer" in body
    assert "https://www.ice.gov/doclib/287gMOA/colbert-wso.pdf" in body
    assert "inferred from the model and the signing date" in body
    assert 'data-status="active"' in body
    old = client.get(reverse("registry:agreement-detail", args=[reg.colbert_jem_2019.pk])).content.decode()
    assert 'data-status="superseded"' in old
    assert reverse("registry:agreement-detail", args=[reg.colbert_jem_2025.pk]) in old  # superseded by
    pending = client.get(reverse("registry:agreement-detail", args=[reg.colbert_jem_2025.pk])).content.decode()
    assert "gives no link" in pending


@pytest.mark.parametrize("query, expected", [
    ({}, 6),
    ({"model": "JEM"}, 2),
    ({"status": "active"}, 3),
    ({"status": "superseded"}, 1),
    ({"template_version": "2019"}, 1),
    ({"signed_from": "2025-05-01", "signed_to": "2025-05-31"}, 2),
    ({"state": "FL", "model": "TFM"}, 2),
    ({"q": "patrol"}, 1),
])
def test_agreement_list_filters(client, reg, query, expected):
    response = client.get(reverse("registry:agreement-list"), query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected


def test_publication_list(client, reg):
    response = client.get(reverse("registry:publication-list"))
    # newest first
    assert [p.pk for p in response.context["page"].object_list] == [reg.p3.pk, reg.pending.pk, reg.p2.pk, reg.p1.pk]
    assert reg.p1.file_name in response.content.decode()
    pending = client.get(reverse("registry:publication-list"), {"kind": "pending"})
    assert [p.pk for p in pending.context["page"].object_list] == [reg.pending.pk]
    june = client.get(reverse("registry:publication-list"), {"published_from": "2025-06-01",
                                                              "published_to": "2025-06-30"})
    assert [p.pk for p in june.context["page"].object_list] == [reg.p2.pk]


def test_filtersets_are_the_same_for_pages_and_api(reg):
    from g287.registry.api import AgencyViewSet, AgreementViewSet

    assert AgencyViewSet.filterset_class is AgencyFilter
    assert AgreementViewSet.filterset_class is AgreementFilter
