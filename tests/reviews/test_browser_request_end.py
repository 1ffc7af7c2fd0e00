"""An officer withdraws an agency report request in the browser: refused without a reason,
then closed, and its deadline reads closed; every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from .factories import advance_to, make_review


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_withdraws_a_request_no_longer_wanted(
    live_server, browser_page, sign_in, assert_accessible, officer
):
    review = advance_to(make_review(officer), "reports_requested", officer)
    request = review.report_requests.get()
    page = browser_page
    sign_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/reviews/{review.notification_id}/requests/{request.pk}/")
    expect(page.locator("main")).to_contain_text("overdue (due 26 March 2026)")
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw, or mark not needed").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the request")
    assert_accessible(page)

    page.get_by_label("Withdrawn").check()
    page.locator("main form").get_by_role("button", name="Close the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason the report is no longer wanted"
    )
    expect(page.get_by_label("Withdrawn")).to_be_checked()  # what was chosen is kept
    assert_accessible(page)

    page.get_by_label("Reason").fill("The agency had no contact with either person (synthetic).")
    page.locator("main form").get_by_role("button", name="Close the request").click()
    expect(page.locator("main")).to_contain_text("Request closed")
    expect(page.locator("main")).to_contain_text("Request withdrawn")
    expect(page.locator("main")).to_contain_text("The agency had no contact with either person (synthetic).")
    expect(page.get_by_role("link", name="Record a chase")).to_have_count(0)
    assert_accessible(page)
