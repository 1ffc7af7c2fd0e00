"""Issue 14 point 13: signing out lands on a "You have signed out" page; a session that has not
passed the second factor sees no navigation; the lock-out page leads back to sign-in; the idle
warning counts down and, when the time is up, signs out and clears the screen (Chromium)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from somerset_safety.core.navigation import sections_for

from .test_sign_in import _post_password


@pytest.mark.django_db
def test_signing_out_shows_the_signed_out_page(officer, as_user):
    client = as_user(officer)
    response = client.post("/sign-out/", follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/signed-out/"
    assert "You have signed out" in body and 'href="/sign-in/"' in body
    assert officer.full_name not in body  # nothing from the session is left on the page
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_signed_out_page_after_the_idle_time_says_why(client):
    body = client.get("/signed-out/?reason=idle").content.decode()
    assert "You were signed out because there was no activity for a while" in body


@pytest.mark.django_db
def test_no_navigation_until_the_second_factor_is_passed(officer):
    assert sections_for(officer)  # the officer has somewhere to go once verified
    client = Client()
    client.force_login(officer)  # password only
    body = client.get("/sign-in/code/").content.decode()
    assert "govuk-service-navigation" not in body


@pytest.mark.django_db
def test_the_lock_out_page_links_back_to_sign_in(officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attacker = Client()
    for _ in range(2):
        _post_password(attacker, officer.email, password="wrong password entirely", ip="10.9.9.8")
    locked = _post_password(Client(), officer.email, ip="10.9.9.8")
    assert locked.status_code == 429
    assert '<a class="govuk-link" href="/sign-in/">Go back to sign in</a>' in locked.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_idle_warning_counts_down_then_clears_the_screen(
    live_server, browser_page, sign_in, assert_accessible, officer, settings
):
    page = browser_page
    sign_in(page, live_server.url, officer)
    # Short limits for the test: signed out 5 seconds before the server would (at 7 s), warned
    # from the first second.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 12
    settings.SESSION_WARNING_SECONDS = 8
    page.goto(f"{live_server.url}/")
    warning = page.locator("#session-warning")
    expect(warning).to_be_visible(timeout=4000)
    expect(page.locator("#session-countdown")).to_contain_text("You will be signed out in")
    first = page.locator("#session-countdown").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("#session-countdown").inner_text() != first  # it counts down
    assert_accessible(page)
    page.wait_for_url(f"{live_server.url}/signed-out/?reason=idle", timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.locator("body")).not_to_contain_text(officer.full_name)
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")
