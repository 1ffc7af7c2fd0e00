import pytest


@pytest.mark.django_db
def test_officer_home_page(officer, as_user):
    response = as_user(officer).get("/")
    assert response.status_code == 200
    assert b"What you can work on" in response.content
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
