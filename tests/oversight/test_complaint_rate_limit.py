"""The public complaint limit: accepted complaints only, per client address, shared by every worker process and
kept across restarts (Redis when configured, the database otherwise), behind a trusted proxy the client's own
address, and ``G287_COMPLAINT_RATE`` honoured."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from g287.accounts import ratelimit
from g287.accounts.models import RateMark
from g287.oversight.models import Complaint
from tests.personnel import factories as f

pytestmark = pytest.mark.django_db
TEST_REDIS = os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def form():
    ag = f.agency()
    f.agreement(ag)
    return {"agency": ag.pk, "allegation": "other", "what_happened": "x", "occurred_on": "2025-06-01",
            "occurred_place": "y"}


@override_settings(G287_COMPLAINT_RATE="2/h")
def test_only_accepted_complaints_count_and_the_count_survives_the_process(form, monkeypatch):
    monkeypatch.delenv("G287_REDIS_URL", raising=False)  # the database store
    bad = {k: v for k, v in form.items() if k != "what_happened"}
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [client.post("/complaints/", bad).status_code for _ in range(6)] == [200] * 6  # errors cost nothing
    assert client.post("/complaints/", form).status_code == 302
    cache.clear()  # what a restart or another worker would not have: nothing is kept in the process
    assert Client(REMOTE_ADDR="203.0.113.9").post("/complaints/", form).status_code == 302
    assert Client(REMOTE_ADDR="203.0.113.9").post("/complaints/", form).status_code == 429
    assert Complaint.objects.count() == 2 and RateMark.objects.count() == 2
    assert "203.0.113.9" not in str(list(RateMark.objects.values_list("key", flat=True)))  # a keyed hash


@override_settings(G287_COMPLAINT_RATE="1/h", TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_each_client_is_its_own_address(form, monkeypatch):
    monkeypatch.delenv("G287_REDIS_URL", raising=False)
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    assert proxy.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert proxy.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    assert proxy.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # A client cannot choose its address by sending the header itself past the proxy (the proxy appends).
    assert proxy.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.77, 198.51.100.1").status_code == 429
    # From an address that is not a trusted proxy the header is ignored.
    direct = Client(REMOTE_ADDR="192.0.2.3")
    assert direct.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 302
    assert direct.post("/complaints/", form, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 429


def test_the_rate_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.G287_COMPLAINT_RATE)"
    env = os.environ | {"G287_COMPLAINT_RATE": "7/15m", "DJANGO_SETTINGS_MODULE": "g287.settings"}
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "7/15m" and ratelimit.parse_rate(out) == (7, 900)
    assert ratelimit.parse_rate("5/h") == (5, 3600)
    with pytest.raises(ValueError, match="a number per period"):
        ratelimit.parse_rate("five an hour")


@override_settings(G287_COMPLAINT_RATE="1/h")
def test_with_redis_the_marks_live_in_redis(form, monkeypatch):
    import redis

    monkeypatch.setenv("G287_REDIS_URL", TEST_REDIS)
    r = redis.Redis.from_url(TEST_REDIS)
    for name in r.scan_iter("g287:rate:*"):
        r.delete(name)
    client = Client(REMOTE_ADDR="203.0.113.44")
    assert [client.post("/complaints/", form).status_code for _ in range(2)] == [302, 429]
    assert not RateMark.objects.exists() and list(r.scan_iter("g287:rate:public-complaint:*"))
