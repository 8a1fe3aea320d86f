import pytest

pytestmark = pytest.mark.django_db


def test_missing_page_has_the_site_look_in_both_languages(client):
    response = client.get("/agencies/999999/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"usa-header" in response.content
    response = client.get("/agencies/999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404 and "Página no encontrada".encode() in response.content


def test_refused_page_says_why(client):
    from g287.accounts.models import Role, User
    from tests.conftest import sign_in

    sign_in(client, User.objects.create(username="reader", role=Role.OVERSIGHT))
    response = client.get("/oversight/complaints/")
    assert response.status_code == 403
    assert b"Not allowed" in response.content and b"usa-header" in response.content
