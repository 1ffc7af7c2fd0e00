"""A records manager restricts the processing of a MARAC victim's record from the records
management pages and lifts the restriction, in a real browser, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from partnerships.models import Person, ProcessingRestriction
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Contests the accuracy of the record; being checked (synthetic)."
LIFTED = "Record checked and corrected (synthetic)."


def test_records_manager_restricts_a_person_and_lifts_it(
    browser_page, live_server, sign_in, assert_accessible, council_team
):
    page = browser_page
    manager = UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")
    victim = PersonFactory(full_name="Rhea Restricted (synthetic)")
    ReferralFactory(victim=victim)
    sign_in(page, live_server.url, manager)

    page.goto(f"{live_server.url}/records/")
    page.get_by_role("link", name="Restrictions of processing").click()
    expect(page.locator("h1")).to_have_text("Restrictions of processing")
    expect(page.locator("table")).to_contain_text("No record's processing is restricted.")
    assert_accessible(page)

    # A reference that is no one's: the service says so in its own words, on the field.
    page.get_by_label("The person's system reference").fill("V9999999")
    page.get_by_role("button", name="Find the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No person with the reference V9999999")
    assert_accessible(page)

    page.get_by_label("The person's system reference").fill(victim.reference.lower())
    page.get_by_role("button", name="Find the record").click()
    expect(page.locator("h1")).to_have_text("Restrict the processing of this person's record")
    assert_accessible(page)
    page.get_by_role("button", name="Restrict processing").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for restricting processing"
    )
    assert_accessible(page)
    assert Person.objects.get(pk=victim.pk).processing_restricted_at is None

    page.get_by_label("Why is the processing of this person's record being restricted?").fill(REASON)
    page.get_by_role("button", name="Restrict processing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The processing of {victim.reference} is restricted."
    )
    expect(page.locator("h1")).to_have_text("Lift the restriction of processing")
    expect(page.locator(".govuk-inset-text")).to_contain_text(REASON)
    assert_accessible(page)

    page.get_by_role("link", name="Back to restrictions of processing").click()
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(victim.reference)
    expect(row).to_contain_text("Rita Records")
    # The list names no one and gives no reason.
    expect(page.locator("main")).not_to_contain_text("Rhea")
    expect(page.locator("main")).not_to_contain_text(REASON)
    assert_accessible(page)

    page.get_by_role("link", name="View or lift").click()
    page.get_by_label("Why is the restriction being lifted?").fill(LIFTED)
    page.get_by_role("button", name="Lift the restriction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The restriction of {victim.reference} has been lifted."
    )
    expect(page.locator("h1")).to_have_text("Restrict the processing of this person's record")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"Lifted by Rita Records: {LIFTED}")
    assert_accessible(page)
    assert Person.objects.get(pk=victim.pk).processing_restricted_at is None
    restriction = ProcessingRestriction.objects.get(person=victim)
    assert (restriction.reason, restriction.lift_reason, restriction.lifted_by) == (REASON, LIFTED, manager)

    page.get_by_role("link", name="Back to restrictions of processing").click()
    expect(page.locator("table")).to_contain_text("No record's processing is restricted.")
