"""The officer who recorded a modern slavery record restricts its processing from the record, in a
real browser with axe-core on every page: another officer's list no longer shows it; the records
manager lifts it from the Restrictions page and it is listed again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from somerset_safety.accounts.roles import Role
from tests.duties.factories import make_notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Contests the accuracy of the record; being checked (synthetic)."
LIFTED = "Record checked and corrected (synthetic)."


def test_an_officer_restricts_a_slavery_record_and_a_records_manager_lifts_it(
    browser_page, live_server, sign_in, assert_accessible, council_team, _browser
):
    recorder = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Rae Recorder")
    colleague = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Cal Colleague")
    manager = UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")
    record = make_notification(recorder, person_name="Sam Slavery (synthetic)")
    other = make_notification(recorder, person_name="Olu Other (synthetic)")
    list_url = f"{live_server.url}{reverse('duties:slavery_list')}"

    page = browser_page
    sign_in(page, live_server.url, recorder)
    page.goto(f"{live_server.url}{record.get_absolute_url()}")
    page.get_by_role("link", name=f"Restrict the processing of {record.reference}").click()
    expect(page.locator("h1")).to_have_text("Restrict the processing of this person's record")
    expect(page.locator("main")).to_contain_text(
        "except for the officer who recorded it and records managers"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Restrict processing").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for restricting processing"
    )
    assert_accessible(page)
    page.get_by_label("Why is the processing of this person's record being restricted?").fill(REASON)
    page.get_by_role("button", name="Restrict processing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The processing of {record.reference} is restricted."
    )
    expect(page.locator("h1")).to_have_text("Lift the restriction of processing")
    page.get_by_role("link", name=f"Back to {record.reference}").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"— {REASON}")
    assert_accessible(page)

    # Another officer's list shows the other record only.
    context = _browser.new_context(bypass_csp=True, locale="en-GB")
    other_page = context.new_page()
    sign_in(other_page, live_server.url, colleague)
    other_page.goto(list_url)
    expect(other_page.locator("main")).to_contain_text(other.reference)
    expect(other_page.locator("main")).not_to_contain_text(record.reference)
    context.close()

    # The records manager sees it on the Restrictions page, with no name or reason, and lifts it.
    context = _browser.new_context(bypass_csp=True, locale="en-GB")
    manager_page = context.new_page()
    sign_in(manager_page, live_server.url, manager)
    manager_page.goto(f"{live_server.url}{reverse('records:restrictions')}")
    row = manager_page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(record.reference)
    expect(row).to_contain_text("Modern slavery record (NRM referral)")
    expect(row).to_contain_text("Rae Recorder")
    expect(manager_page.locator("main")).not_to_contain_text("Sam Slavery")
    expect(manager_page.locator("main")).not_to_contain_text(REASON)
    assert_accessible(manager_page)
    manager_page.get_by_role("link", name="View or lift").click()
    manager_page.get_by_label("Why is the restriction being lifted?").fill(LIFTED)
    manager_page.get_by_role("button", name="Lift the restriction").click()
    expect(manager_page.locator(".govuk-summary-list")).to_contain_text(f"Lifted by Rita Records: {LIFTED}")
    assert_accessible(manager_page)
    context.close()

    page.goto(list_url)
    expect(page.locator("main")).to_contain_text(record.reference)
