"""An officer records evidence against an obligation and sees the duty's status change,
with axe-core on every page visited."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.core.dates import today
from tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_records_evidence_and_the_status_changes(
    live_server, browser_page, sign_in, assert_accessible, reference_data
):
    officer = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
    page = browser_page
    sign_in(page, live_server.url, officer)

    page.get_by_role("link", name="Statutory duties").first.click()
    page.get_by_role("heading", name="Statutory duties", level=1).wait_for()
    assert_accessible(page)

    page.get_by_label("Owner").select_option("Scrutiny Manager")
    page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row", name="Crime and disorder scrutiny")
    expect(row.get_by_text("No evidence", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Crime and disorder scrutiny").click()
    page.get_by_role("heading", name="Crime and disorder scrutiny", level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Record evidence for Scrutiny committee review of the partnership").click()
    assert_accessible(page)

    # A mistake first: nothing typed is lost and the error summary says what to fix.
    page.get_by_label("What was done").fill("Scrutiny committee reviewed the partnership (synthetic)")
    page.get_by_role("button", name="Record evidence").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert (
        page.get_by_label("What was done").input_value()
        == "Scrutiny committee reviewed the partnership (synthetic)"
    )
    assert_accessible(page)

    met = today() - timedelta(days=14)
    page.get_by_label("Day").fill(str(met.day))
    page.get_by_label("Month").fill(str(met.month))
    page.get_by_label("Year").fill(str(met.year))
    page.get_by_label("Or a link to the evidence (optional)").fill(
        "https://www.example.invalid/scrutiny-minutes"
    )
    page.get_by_role("button", name="Record evidence").click()

    page.get_by_text("Evidence recorded for").wait_for()
    expect(page.locator("main").get_by_text("Met", exact=True).first).to_be_visible()
    expect(
        page.get_by_role("cell", name="Scrutiny committee reviewed the partnership (synthetic)")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the register").click()
    page.get_by_label("Status").select_option("met")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.get_by_role("row", name="Crime and disorder scrutiny").get_by_text("Met", exact=True)
    ).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_other_duties_pages_are_accessible(
    live_server, browser_page, sign_in, assert_accessible, reference_data
):
    from duties.models import AgeGroup, Consent, Route

    from .factories import make_assessment, make_notification

    officer = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
    make_assessment(officer, covers_equality=True, equality_impact="None found (synthetic)")
    record = make_notification(officer)
    make_notification(officer, age_group=AgeGroup.ADULT, consent=Consent.NO, route=Route.MS1, person_name="")
    page = browser_page
    sign_in(page, live_server.url, officer)
    for path in [
        "/duties/register/prevent/",
        "/duties/register/assessments/",
        "/duties/register/assessments/new/",
        "/duties/modern-slavery/",
        "/duties/modern-slavery/new/",
        f"/duties/modern-slavery/{record.pk}/",
        f"/duties/modern-slavery/{record.pk}/reasonable-grounds/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        assert_accessible(page)

    # The form's error summary, with the MS1/NRM rule explained.
    page.goto(f"{live_server.url}/duties/modern-slavery/new/")
    page.get_by_label("Adult (18 or over)").check()
    page.get_by_label("No, the adult does not consent").check()
    page.get_by_label("National Referral Mechanism referral").check()
    page.get_by_role("button", name="Save record").click()
    expect(
        page.get_by_role("alert").get_by_text("submit an anonymous MS1 notification").first
    ).to_be_visible()
    assert page.get_by_label("Adult (18 or over)").is_checked()
    assert_accessible(page)
