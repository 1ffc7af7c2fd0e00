import pytest


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] is True
    assert body["broker"].startswith("eager")


@pytest.mark.django_db
def test_health_reports_an_unreachable_broker_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get("/health/").json()
    assert body["broker"] is False
    assert body["workers"] == 0


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached_and_carry_security_headers(officer, as_user):
    response = as_user(officer).get("/")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_demo_mode_shows_the_banner(officer, as_user, settings):
    settings.DEMO_MODE = True
    assert b"Demo \xe2\x80\x94 not for real data" in as_user(officer).get("/").content
    settings.DEMO_MODE = False
    assert b"not for real data" not in as_user(officer).get("/").content


@pytest.mark.django_db
def test_home_lists_only_sections_for_the_users_roles(auditor, officer, as_user):
    assert b"/audit/" in as_user(auditor).get("/").content
    assert b'href="/audit/"' not in as_user(officer).get("/").content


@pytest.mark.django_db
def test_second_factor_can_be_off_only_in_demo_mode(client, officer, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    response = client.post(
        "/sign-in/", {"username": officer.email, "password": "correct horse battery staple 42"}
    )
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_navigation_marks_only_the_most_specific_section(admin_user, as_user):
    response = as_user(admin_user).get("/deadlines/team/")
    nav = {item["label"]: item["active"] for item in response.context["nav_sections"]}
    assert nav["Team deadlines"] is True
    assert nav["My deadlines"] is False
