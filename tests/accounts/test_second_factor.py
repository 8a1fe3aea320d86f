import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-287"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def staff(db):
    user = User.objects.create(username="fo-staff", role=Role.FIELD_OFFICE)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_staff_must_enrol_then_verify(client, staff):
    client.force_login(staff)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    bad = client.post("/accounts/otp/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert bad.status_code == 200 and not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    # django-otp throttles the attempt right after a failure; stand in for the person waiting a moment.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post("/accounts/otp/setup/", {"token": _code(device), "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_api_answers_403_before_the_second_factor(client, staff):
    client.force_login(staff)
    for path in ("/api/schema/", "/program/api/"):
        response = client.get(path)
        assert response.status_code == 403 and "Second factor" in response.json()["detail"]


def test_enrolled_staff_verify_with_current_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    assert client.post("/accounts/otp/verify/", {"token": "12ab56"}).status_code == 200  # not digits
    response = client.post("/accounts/otp/verify/", {"token": _code(device), "next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response["Location"] == "/"  # never redirect off-site


def test_lea_coordinator_needs_no_second_factor(client):
    user = User.objects.create(username="coord", role=Role.LEA_COORDINATOR)
    client.force_login(user)
    assert client.get("/").status_code == 200


def test_lockout_after_repeated_failures(client, staff):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": staff.username, "password": "wrong"})
        assert response.status_code == 200 and b"do not match" in response.content
    response = client.post("/accounts/login/", {"username": staff.username, "password": "wrong"})
    assert response.status_code == 429
    # Locked: even the right password is refused until the cool-off ends.
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429 and b"Too many failed sign-in attempts" in response.content
