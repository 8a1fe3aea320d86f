from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Role, User
from g287.registry.models import Agency, Agreement, Publication

pytestmark = pytest.mark.django_db


def _counts():
    return (Publication.objects.count(), Agency.objects.count(), Agreement.objects.count(), User.objects.count(),
            TOTPDevice.objects.count())


def test_setup_imports_real_data_once_and_demo_code_signs_in(client):
    out = StringIO()
    call_command("setup", stdout=out, stderr=StringIO())
    assert "demo / demo-287g-program" in out.getvalue()
    first = _counts()
    assert first[0] == 1031 and first[2] > 1400  # ICE's lists since January 2021
    call_command("setup", stdout=StringIO(), stderr=StringIO())
    assert _counts() == first  # running it again duplicates nothing

    code = StringIO()
    call_command("demo-code", stdout=code)
    assert client.post("/accounts/login/", {"username": "demo", "password": "demo-287g-program"}).status_code == 302
    response = client.post("/accounts/otp/verify/", {"token": code.getvalue().strip(), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_demo_code_refuses_real_logins():
    User.objects.create(username="real-staff", role=Role.PROGRAM_OFFICE)
    with pytest.raises(CommandError, match="not a demonstration login"):
        call_command("demo-code", "real-staff", stdout=StringIO())
    with pytest.raises(CommandError, match="no login named"):
        call_command("demo-code", "nobody", stdout=StringIO())
