import pytest
from playwright.sync_api import expect

from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_user_enrols_authenticator_then_signs_in_with_a_code(
    live_server, browser_page, sign_in, assert_accessible
):
    from somerset_safety.accounts.models import Agency

    user = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
    page = browser_page

    page.goto(f"{live_server.url}/sign-in/")
    assert_accessible(page)
    sign_in(page, live_server.url, user)  # first time: enrolment with QR code and key
    expect(page.get_by_role("heading", name="What you can work on")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/signed-out/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)
    sign_in(page, live_server.url, user)  # second time: a code from the app
    expect(page.get_by_role("heading", name="What you can work on")).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_error_summary(live_server, browser_page, assert_accessible):
    page = browser_page
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("nobody@example.invalid")
    page.get_by_label("Password").fill("not the right password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == "nobody@example.invalid"
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_idle_warning_offers_one_click_to_stay_signed_in(
    live_server, browser_page, sign_in, assert_accessible, settings
):
    from somerset_safety.accounts.models import Agency

    settings.SESSION_IDLE_TIMEOUT_SECONDS = 124
    settings.SESSION_WARNING_SECONDS = 121  # the warning appears after 3 seconds
    user = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
    page = browser_page
    sign_in(page, live_server.url, user)
    warning = page.get_by_role("alertdialog")
    warning.wait_for(state="visible", timeout=10000)
    assert_accessible(page)
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden", timeout=5000)
    assert page.url == f"{live_server.url}/"
