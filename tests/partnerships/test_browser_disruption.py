"""A panel member records a group referred to the Disruption Panel, adopts it, records its OCG
mapping band and a disruption, and brings the threat down to reduced, in a real browser, with
axe-core run on every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from partnerships.models import DisruptionOutcome, OrganisedCrimeGroup
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"input[name={name}_0]").fill(str(day.day))
    page.locator(f"input[name={name}_1]").fill(str(day.month))
    page.locator(f"input[name={name}_2]").fill(str(day.year))


def decide(page, assert_accessible, button: str, day: dt.date, reason: str) -> None:
    page.get_by_role("link", name=button).click()
    assert_accessible(page)
    fill_date(page, "on", day)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_contain_text("OCG-")


def test_group_from_referral_to_reduced(browser_page, live_server, sign_in, assert_accessible, police):
    page = browser_page
    member = UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")
    today = dt.date.today()
    sign_in(page, live_server.url, member)

    page.goto(f"{live_server.url}/partnerships/disruption/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a group referred to the panel").click()
    assert_accessible(page)
    page.get_by_label("Name of the group").fill("Green Line (synthetic)")
    page.get_by_label("Group type").select_option(label="County Line")
    page.get_by_label("Areas").fill("Bridgwater")
    fill_date(page, "referred_on", today)
    page.get_by_label("Referring agency").select_option(label=police.name)
    page.get_by_label("Lead agency").select_option(label=police.name)
    page.get_by_role("button", name="Save group").click()
    # A County Line without its line type: refused, with what was typed kept.
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("Name of the group").input_value() == "Green Line (synthetic)"
    assert_accessible(page)
    page.get_by_label("Line type").select_option(label="Run from outside the area")
    page.get_by_role("button", name="Save group").click()
    expect(page.locator("h1")).to_contain_text("Green Line (synthetic)")
    assert_accessible(page)

    decide(page, assert_accessible, "Adopt the group", today, "Meets the panel's threshold (synthetic)")
    page.get_by_role("link", name="Record the OCG mapping band").click()
    assert_accessible(page)
    page.get_by_label("OCG mapping band").select_option(label="Band 1")
    fill_date(page, "supplied_on", today)
    page.get_by_label("Rationale").fill("Supplied at the tasking meeting (synthetic)")
    page.get_by_role("button", name="Record the band").click()
    expect(page.locator("body")).to_contain_text("Current")
    decide(page, assert_accessible, "Make the group active", today, "Plan agreed (synthetic)")

    page.get_by_role("link", name="Record a disruption").click()
    assert_accessible(page)
    page.get_by_label("Disruption", exact=True).select_option(label="Line closed")
    page.get_by_label("4P strand").select_option(label="Pursue")
    fill_date(page, "occurred_on", today)
    page.get_by_label("Disruption grading").select_option(label="Major")
    page.get_by_role("button", name="Record the disruption").click()
    expect(page.locator("body")).to_contain_text("The disruption has been recorded.")
    decide(page, assert_accessible, "Record the threat as reduced", today, "Line closed (synthetic)")
    expect(page.locator("body")).to_contain_text("Reduced")
    assert_accessible(page)

    group = OrganisedCrimeGroup.objects.get()
    assert group.status == "reduced" and group.review_date is not None
    assert DisruptionOutcome.objects.get().line_type == "imported"


def test_a_panel_member_keeps_the_tactics_library(
    browser_page, live_server, sign_in, assert_accessible, police
):
    page = browser_page
    member = UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/partnerships/disruption/")
    page.get_by_role("link", name="Tactics library").click()
    expect(page.locator("h1")).to_have_text("Tactics library")
    assert_accessible(page)
    page.get_by_role("link", name="Add a power or tactic").click()
    assert_accessible(page)
    page.get_by_label("Power or tactic").fill("Closure order")
    page.get_by_label("Finance").check()
    page.get_by_label("Which agency or agencies can use it").fill("Police")
    page.get_by_role("button", name="Save the tactic").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already in the tactics library")
    assert_accessible(page)
    page.get_by_label("Power or tactic").fill("Financial investigation (synthetic)")
    page.get_by_role("button", name="Save the tactic").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "has been added to the tactics library"
    )
    page.get_by_role("link", name="Change Financial investigation (synthetic)").click()
    assert_accessible(page)
    page.get_by_label("Legal basis (optional)").fill("Proceeds of Crime Act 2002")
    page.get_by_role("button", name="Save the tactic").click()
    page.get_by_role("link", name="Retire Financial investigation (synthetic)").click()
    assert_accessible(page)
    page.get_by_role("button", name="Retire").click()
    expect(page.get_by_role("link", name="Reinstate Financial investigation (synthetic)")).to_be_visible()
    assert_accessible(page)


def test_a_panel_member_keeps_the_group_types(browser_page, live_server, sign_in, assert_accessible, police):
    """Group types on the panel's own pages: a name already in the list refused with what was
    typed kept, a new type added, changed, retired and offered again."""
    from partnerships.models import GroupType

    page = browser_page
    member = UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/partnerships/disruption/")
    page.get_by_role("link", name="Group types").click()
    expect(page.locator("h1")).to_have_text("Group types")
    assert_accessible(page)
    page.get_by_role("link", name="Add a group type").click()
    assert_accessible(page)
    page.get_by_label("Name of the group type").fill("drugs SUPPLY")
    page.get_by_role("button", name="Save the group type").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "“drugs SUPPLY” is already a group type in the list."
    )
    assert page.get_by_label("Name of the group type").input_value() == "drugs SUPPLY"
    assert_accessible(page)
    page.get_by_label("Name of the group type").fill("Modern slavery (synthetic)")
    page.get_by_role("button", name="Save the group type").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been added to the group types")
    assert_accessible(page)
    page.get_by_role("link", name="Change Modern slavery (synthetic)").click()
    assert_accessible(page)
    page.get_by_label("Groups of this type run a deal line (as a County Line does)").check()
    page.get_by_role("button", name="Save the group type").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been saved")
    page.get_by_role("link", name="Retire Modern slavery (synthetic)").click()
    assert_accessible(page)
    page.get_by_role("button", name="Retire").click()
    expect(page.get_by_role("link", name="Reinstate Modern slavery (synthetic)")).to_be_visible()
    assert_accessible(page)
    added = GroupType.objects.get(name="Modern slavery (synthetic)")
    assert (added.is_county_line, added.active) == (True, False)
