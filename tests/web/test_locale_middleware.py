"""Pages negotiate the reader's language; the API answers in the site's language whatever the request asks."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_speak_spanish_when_asked_and_the_api_does_not():
    c = Client(HTTP_ACCEPT_LANGUAGE="es")
    page = c.get("/complaints/")
    assert page.status_code == 200 and page["Content-Language"] == "es"
    r = c.post("/api/actions/", "{}", content_type="application/json")
    assert r.status_code == 403
    assert r.json() == {"detail": "Authentication credentials were not provided."}
    assert "Content-Language" not in r
    # and the next page on the same thread is Spanish again: nothing carried over
    assert c.get("/complaints/")["Content-Language"] == "es"
