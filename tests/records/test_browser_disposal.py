"""A records manager reviews MARAC people whose retention period has ended and anonymises one,
refused first without confirming, in a real browser, with axe-core on every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from partnerships.models import Person
from somerset_safety.accounts.roles import Role
from somerset_safety.records.models import ErasureLog
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_records_manager_anonymises_a_person_due(
    browser_page, live_server, sign_in, assert_accessible, council_team
):
    page = browser_page
    manager = UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")
    victim = PersonFactory(full_name="Vera Victim (synthetic)")
    ReferralFactory(victim=victim, referral_date=dt.date(2015, 3, 1))
    kept = PersonFactory(full_name="Kim Kept (synthetic)")
    ReferralFactory(victim=kept, referral_date=dt.date(2015, 4, 1))
    sign_in(page, live_server.url, manager)

    page.goto(f"{live_server.url}/records/")
    assert_accessible(page)
    page.get_by_role("link", name="MARAC referral and person due").click()
    expect(page.locator("h1")).to_contain_text("retention period ended")
    assert_accessible(page)
    page.get_by_label(f"Select {victim.reference}").check()
    page.get_by_role("button", name="Review the selected records for disposal").click()
    expect(page.locator("h1")).to_have_text("Dispose of these records?")
    assert_accessible(page)
    expect(page.get_by_label(f"{victim.reference} (1 March 2015)")).to_be_checked()
    expect(page.get_by_text(kept.reference)).to_have_count(0)

    page.get_by_role("button", name="Dispose of the records").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label(f"{victim.reference} (1 March 2015)")).to_be_checked()
    assert_accessible(page)
    assert not ErasureLog.objects.exists()

    page.get_by_label("I have reviewed these records and understand that this cannot be undone").check()
    page.get_by_role("button", name="Dispose of the records").click()
    expect(page.locator("h1")).to_have_text("Erasure log")
    expect(page.locator("table")).to_contain_text(victim.reference)
    expect(page.locator("table")).to_contain_text("Anonymised")
    assert_accessible(page)
    assert Person.objects.get(pk=victim.pk).full_name == ""
    assert Person.objects.get(pk=kept.pk).full_name == "Kim Kept (synthetic)"
