import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")

import pytest


def sign_in(client, user):
    """Sign ``user`` in on the test client as a real sign-in would leave them.

    Staff roles pass the one-time-password second factor, so their session is marked verified with a
    confirmed authenticator, exactly as the verify page does it.
    """
    client.force_login(user)
    if getattr(user, "needs_second_factor", False):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test authenticator", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user


@pytest.fixture
def signed_in(client):
    """``signed_in(user)`` signs the user in on ``client`` (second factor passed for staff roles)."""
    return lambda user: sign_in(client, user)


@pytest.fixture(autouse=True)
def fresh_page_cache(monkeypatch):
    """Public pages are kept per data version (g287.pagecache); test data written straight to the database
    leaves no trace in that version, so every test starts with an empty cache and reads the version afresh."""
    from django.core.cache import cache

    monkeypatch.setattr("g287.pagecache.VERSION_TTL", 0)
    monkeypatch.setattr("g287.reports.services.ACTIVITY_SECONDS", 0)
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put back the reference rows the migrations ship (field offices, the brief's appropriation years and the
    starting capacity limits) when a transactional test elsewhere in the same worker flushed them, so no test
    depends on the order the tests ran in."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from importlib import import_module

    from django.apps import apps

    from g287.program.models import Appropriation, CapacityLimits
    from g287.registry.field_offices import load_field_offices
    from g287.registry.models import FieldOffice

    if not FieldOffice.objects.exists():
        load_field_offices()
    if not (Appropriation.objects.exists() and CapacityLimits.objects.exists()):
        import_module("g287.program.migrations.0002_seed_brief_facts").seed(apps, None)  # get_or_create: idempotent
