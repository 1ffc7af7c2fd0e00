"""A coordinator takes a referral through a meeting and carries an action forward to the next,
in a real browser, with axe-core run on every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from partnerships.models import Action, MaracArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"input[name={name}_0]").fill(str(day.day))
    page.locator(f"input[name={name}_1]").fill(str(day.month))
    page.locator(f"input[name={name}_2]").fill(str(day.year))


def test_referral_to_meeting_to_carried_forward_action(
    browser_page, live_server, sign_in, assert_accessible, coordinator
):
    page = browser_page
    MaracArea.objects.create(code="BROWSER", name="Browser MARAC (synthetic)", adult_female_population=10000)
    today = dt.date.today()
    sign_in(page, live_server.url, coordinator)

    page.goto(f"{live_server.url}/partnerships/marac/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a new referral").first.click()
    assert_accessible(page)
    page.get_by_label("MARAC area").select_option(label="Browser MARAC (synthetic)")
    fill_date(page, "referral_date", today)
    page.get_by_label("Referring agency").select_option(label="Avon and Somerset Constabulary")
    page.get_by_label("Victim's full name").fill("Bea Browser (synthetic)")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Children in the household").fill("2")
    page.get_by_role("button", name="Save referral").click()
    # Too low a score and nothing else: refused, with everything typed kept.
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("body")).to_contain_text("meets none of the MARAC criteria")
    assert page.get_by_label("Victim's full name").input_value() == "Bea Browser (synthetic)"
    assert_accessible(page)
    for topic in [
        "Current injury",
        "Very frightened",
        "Fear of further harm",
        "Threats to kill",
        "Strangling, choking or suffocating",
        "Sexual abuse",
        "Abuse getting worse",
        "Abuse happening more often",
        "Controlling or jealous behaviour",
        "Stalking or harassment",
        "Money problems",
        "Known criminal history",
        "Conflict over child contact",
        "Pregnancy or a recent birth",
    ]:
        page.get_by_label(topic, exact=True).check()
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator("body")).to_contain_text("with a checklist score of 14")
    assert_accessible(page)

    page.goto(f"{live_server.url}/partnerships/marac/meetings/new/")
    assert_accessible(page)
    page.get_by_label("MARAC area").select_option(label="Browser MARAC (synthetic)")
    fill_date(page, "date", today)
    page.get_by_role("button", name="Schedule meeting").click()
    assert_accessible(page)
    page.get_by_role("link", name="Generate agenda").click()
    assert_accessible(page)
    page.get_by_role("button", name="Generate agenda").click()
    expect(page.locator("body")).to_contain_text("New cases with children in the household (1)")
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    page.get_by_label("Attendance of Avon and Somerset Constabulary").select_option("present")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_role("link", name="Start meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Everyone present has agreed to the confidentiality statement").click()
    page.get_by_role("link", name="Minutes and actions").first.click()
    assert_accessible(page)
    page.get_by_label("Minutes for this case").fill("Safety plan agreed (synthetic).")
    page.get_by_role("button", name="Save minutes").click()
    page.get_by_role("link", name="Minutes and actions").first.click()
    page.get_by_role("link", name="Add an action").click()
    assert_accessible(page)
    page.get_by_label("Agency responsible").select_option(label="Housing services")
    page.get_by_label("Action").fill("Fit extra locks (synthetic).")
    fill_date(page, "due_date", today + dt.timedelta(days=7))
    page.get_by_role("button", name="Add action").click()
    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_role("link", name="Conclude meeting").click()
    page.get_by_role("button", name="Conclude meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting has concluded.")

    page.goto(f"{live_server.url}/partnerships/marac/meetings/new/")
    page.get_by_label("MARAC area").select_option(label="Browser MARAC (synthetic)")
    fill_date(page, "date", today + dt.timedelta(days=28))
    page.get_by_role("button", name="Schedule meeting").click()
    page.get_by_role("link", name="Generate agenda").click()
    page.get_by_role("button", name="Generate agenda").click()
    expect(page.locator("body")).to_contain_text("Incomplete actions from the last meeting (1)")
    assert_accessible(page)
    page.get_by_role("link", name="Start meeting").click()
    page.get_by_role("button", name="Everyone present has agreed to the confidentiality statement").click()
    page.get_by_role("link", name="Housing services: Fit extra locks (synthetic).").click()
    assert_accessible(page)
    page.get_by_role("link", name="Carry forward").click()
    assert_accessible(page)
    page.get_by_role("button", name="Carry forward").click()
    expect(page.locator("body")).to_contain_text("Choose why the action is not complete")
    assert_accessible(page)
    page.get_by_label("The agency did not complete it").check()
    page.get_by_label("Carry forward to").select_option(index=1)
    page.get_by_role("button", name="Carry forward").click()
    expect(page.locator("body")).to_contain_text("has been carried forward")
    assert_accessible(page)
    carried = Action.objects.get(carried_from__isnull=False)
    assert carried.carry_reason == "agency_did_not_complete" and carried.status == "open"

    page.goto(f"{live_server.url}/partnerships/marac/actions/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/partnerships/marac/referrals/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/partnerships/marac/return/?start={today.year}-01-01&end={today.year}-12-31")
    expect(page.locator("body")).to_contain_text("Cases discussed")
    assert_accessible(page)
