"""Production settings come from the environment: ``check --deploy`` is clean with the environment the README
documents; every answer carries a Content-Security-Policy; staff sessions are short; dropped connections are
checked before use."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from g287.accounts.models import Role, User

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_environment() -> dict:
    """The variables of the README's production block (``export NAME=value`` lines)."""
    block = README.read_text(encoding="utf-8").split("<!-- production-environment -->")[1]
    return dict(re.findall(r"^export (G287_\w+)=(\S+)", block, flags=re.M))


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    # (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no part of a deployment)
    env = {k: v for k, v in os.environ.items() if not k.startswith("G287_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    documented = documented_environment()
    assert {"G287_HTTPS", "G287_PROXY_SSL_HEADER", "G287_SECRET_KEY", "G287_ALLOWED_HOSTS"} <= set(documented)
    env.update(documented, G287_SECRET_KEY="a-test-key-" + "x9" * 30, G287_VAR_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env | {"DJANGO_SETTINGS_MODULE": "g287.settings"}, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout
    # Without them the same check names what is missing: the settings really come from the environment.
    bare = {k: v for k, v in env.items() if k not in ("G287_HTTPS", "G287_HSTS_PRELOAD")}
    run = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                         env=bare | {"DJANGO_SETTINGS_MODULE": "g287.settings"}, capture_output=True, text=True)
    assert run.returncode != 0 and all(w in run.stderr + run.stdout for w in ("W004", "W008", "W012", "W016"))


@pytest.mark.django_db
def test_every_answer_has_a_content_security_policy(client):
    for url in ("/", "/portal/", "/api/docs/", "/accounts/login/"):
        csp = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp or (url == "/api/docs/" and "style-src 'self' 'unsafe-inline'" in csp)


@pytest.mark.django_db
def test_staff_sessions_are_short_and_others_keep_the_default(client):
    staff = User.objects.create_user("s-staff", password="a-long-test-password-287", role=Role.SUPERVISOR)
    coord = User.objects.create_user("s-coord", password="a-long-test-password-287", role=Role.LEA_COORDINATOR)
    client.post("/accounts/login/", {"username": "s-staff", "password": "a-long-test-password-287"})
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_SECONDS <= 8 * 3600
    client.logout()
    client.post("/accounts/login/", {"username": "s-coord", "password": "a-long-test-password-287"})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert staff.needs_second_factor and not coord.needs_second_factor


def test_connections_are_checked_before_use():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
