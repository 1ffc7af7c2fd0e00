"""Emergency access in Chromium (S9, issue 19.11): an officer who follows a link to a restricted
MARAC case finds "Request emergency access" on the page-not-found page, opens the case with a
reason and reads it; the information governance auditor then sees the use, the reason and the
page read. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from tests.partnerships.factories import MaracAreaFactory, ReferralFactory

REASON = "Police called to the address tonight; need to know if the victim is known to MARAC."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_opens_a_restricted_case_through_emergency_access_and_the_auditor_sees_it(
    live_server, _browser, browser_page, sign_in, assert_accessible, officer, coordinator, auditor
):
    area = MaracAreaFactory()
    area.coordinators.set([coordinator])
    case = ReferralFactory(area=area, restricted=True, reference="MARAC-2026-0042")
    case_url = f"{live_server.url}{case.get_absolute_url()}"

    page = browser_page
    sign_in(page, live_server.url, officer)
    response = page.goto(case_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert case.victim.full_name not in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="request emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a restricted record")
    expect(page.get_by_label("A restricted MARAC case")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Its reference").fill("MARAC-2026-0042")
    page.get_by_label("Why do you need it now?").fill(REASON)
    page.get_by_role("button", name="Open emergency access").click()

    page.wait_for_url(case_url)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Emergency access to MARAC-2026-0042 is open until"
    )
    expect(page.locator("main")).to_contain_text(case.victim.full_name)
    assert_accessible(page)

    context = _browser.new_context(bypass_csp=True, locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        review = context.new_page()
        review.set_default_timeout(15000)
        sign_in(review, live_server.url, auditor)
        review.goto(f"{live_server.url}/audit/emergency-access/")
        row = review.locator("tr", has_text="MARAC-2026-0042")
        expect(row).to_contain_text("Olive Officer")
        expect(row).to_contain_text("Open now")
        assert_accessible(review)
        row.get_by_role("link").click()
        expect(review.get_by_role("heading", level=1)).to_have_text("MARAC-2026-0042")
        expect(review.locator("main")).to_contain_text(REASON)
        pages_read = review.locator("table", has_text="Pages read during it")
        expect(pages_read).not_to_contain_text("No page was read")
        assert_accessible(review)
    finally:
        context.close()
