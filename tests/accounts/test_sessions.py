"""The session store reads sessions with a plain query: it must accept exactly what Django's database store
accepts — a live session — and nothing after logout or expiry."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from g287.accounts.models import Role, User
from g287.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_store_reads_what_djangos_store_reads():
    s = SessionStore()
    s["who"] = "coordinator"
    s.create()
    s.save()
    assert SessionStore(s.session_key).load() == DjangoStore(s.session_key).load() == {"who": "coordinator"}
    Session.objects.filter(session_key=s.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(s.session_key)
    assert expired.load() == DjangoStore(s.session_key).load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key-at-all").load() == {}


def test_a_signed_out_session_is_refused_by_the_server(client):
    u = User.objects.create_user("coord-s", password="x-unused-12345-long", role=Role.LEA_COORDINATOR)
    client.get("/accounts/login/")
    r = client.post("/accounts/login/", {"username": "coord-s", "password": "x-unused-12345-long"})
    assert r.status_code == 302
    assert client.get("/api/actions/").status_code == 200
    key = client.cookies["sessionid"].value
    client.logout()
    client.cookies["sessionid"] = key  # a copy of the cookie kept from before the sign-out
    assert client.get("/api/actions/").status_code in (401, 403)
    assert u.pk
