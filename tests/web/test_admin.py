"""Django admin for the registry: staff (past the second factor) can list, filter and search every model."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Role, User
from tests.web.registry_data import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("po-admin", password="a-long-test-password-287", role=Role.PROGRAM_OFFICE)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/accounts/otp/verify/", {"token": code, "next": "/admin/"}).status_code == 302
    return client


@pytest.mark.parametrize("path", [
    "/admin/registry/agency/?state__exact=FL&q=orange",
    "/admin/registry/agreement/?model__exact=TFM&q=patrol",
    "/admin/registry/agreementevent/?kind__exact=renewal",
    "/admin/registry/publication/?kind__exact=pending",
    "/admin/registry/observation/?q=colbert",
    "/admin/registry/application/",
    "/admin/registry/lineagecandidate/",
    "/admin/registry/fieldoffice/",
])
def test_admin_changelists(staff_client, path):
    build_registry()
    assert staff_client.get(path).status_code == 200


def test_admin_filters_and_change_pages(staff_client):
    reg = build_registry()
    response = staff_client.get("/admin/registry/agency/?state__exact=FL")
    assert response.context["cl"].result_count == 2
    assert staff_client.get(f"/admin/registry/agency/{reg.colbert.pk}/change/").status_code == 200
    assert staff_client.get(f"/admin/registry/agreement/{reg.colbert_wso.pk}/change/").status_code == 200
    # observations are the evidence ICE published: viewable, not editable
    obs = reg.colbert_wso.observations.first()
    page = staff_client.get(f"/admin/registry/observation/{obs.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_admin_needs_staff(client):
    assert client.get("/admin/registry/agency/").status_code == 302
