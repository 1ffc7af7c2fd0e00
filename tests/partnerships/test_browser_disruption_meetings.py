"""A panel member runs a Disruption Panel meeting: schedules it, generates the agenda (a band-1
group due for review), records the group's 4P plan, tasks a Child Abduction Warning Notice
(refused first without its type, what was typed kept), minutes the item, closes the meeting;
the tasked agency records progress and the panel marks the action complete; the overdue list
and figures by agency; in a real browser with axe-core on every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from partnerships.disruption import services
from partnerships.models import GroupType, OrganisedCrimeGroup, PanelAction, ThreatBand
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory

from .test_browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_panel_meeting_with_4p_tasking(
    browser_page, live_server, sign_in, assert_accessible, police, agency_rep
):
    page = browser_page
    url = live_server.url
    today = dt.date.today()
    member = UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")
    group = services.group_create(
        actor=member,
        name="Green Line (synthetic)",
        operation_name="",
        group_type=GroupType.objects.get(code="county_line"),
        areas="Bridgwater",
        referred_on=today - dt.timedelta(days=70),
        referring_agency=police,
        lead_agency=police,
        senior_responsible_officer=None,
        line_type="imported",
        line_names="",
        restricted=False,
    )
    services.group_move(
        actor=member,
        group=group,
        move="adopt",
        reason="Threshold met (synthetic)",
        on=today - dt.timedelta(days=69),
    )
    services.mapping_assessment_record(
        actor=member,
        group=group,
        band=ThreatBand.objects.get(code="1"),
        supplied_by="ROCU",
        supplied_on=today - dt.timedelta(days=45),
        rationale="Supplied (synthetic)",
    )
    sign_in(page, url, member)

    page.goto(f"{url}/partnerships/disruption/")
    assert_accessible(page)
    page.get_by_role("link", name="Panel meetings").click()
    expect(page.locator("body")).to_contain_text("No panel meetings have been scheduled yet.")
    assert_accessible(page)
    page.get_by_role("link", name="Schedule a panel meeting").click()
    assert_accessible(page)
    fill_date(page, "date", today)
    page.get_by_label("Venue").fill("Police HQ (synthetic)")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.locator("body")).to_contain_text("has been scheduled")
    assert_accessible(page)
    meeting_url = page.url

    page.get_by_role("link", name="Generate the agenda").click()
    assert_accessible(page)
    page.get_by_role("button", name="Generate the agenda").click()
    expect(page.locator("body")).to_contain_text("The agenda has been generated.")
    expect(page.locator("table", has_text="Groups due for review")).to_contain_text(group.reference)
    assert_accessible(page)
    page.get_by_role("link", name="Open the meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting is open.")

    page.get_by_role("link", name="Minutes and 4P actions for item 1").click()
    assert_accessible(page)
    # No plan yet: the item page sends the panel to record it first.
    page.get_by_role("link", name="Record the 4P plan").click()
    assert_accessible(page)
    page.get_by_label("Aim of the plan").fill("Close the line and safeguard the children it uses (synthetic)")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("body")).to_contain_text("The 4P plan has been saved.")
    assert_accessible(page)

    page.goto(meeting_url)
    page.get_by_role("link", name="Minutes and 4P actions for item 1").click()
    page.get_by_role("link", name="Task a 4P action").click()
    assert_accessible(page)
    page.get_by_label("Protect").check()
    page.get_by_label("Power or tactic").select_option(label="People: Child Abduction Warning Notice")
    page.get_by_label("Agency responsible").select_option(label=police.name)
    page.get_by_label("Action", exact=True).fill("Serve a CAWN on the line holder (synthetic)")
    fill_date(page, "due_date", today + dt.timedelta(days=14))
    page.get_by_label("Proportionality and trauma-informed check").fill(
        "Proportionate; the child is supported by the youth service (synthetic)"
    )
    page.get_by_role("button", name="Task the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Child Abduction Warning Notice this is")
    assert (
        page.get_by_label("Action", exact=True).input_value() == "Serve a CAWN on the line holder (synthetic)"
    )
    assert_accessible(page)
    page.get_by_label("Child under 16").check()
    page.get_by_role("button", name="Task the action").click()
    expect(page.locator("body")).to_contain_text(f"4P action tasked to {police.name}.")
    expect(page.locator("body")).to_contain_text("Serve a CAWN on the line holder")
    page.get_by_label("Minutes for this item").fill("Line still running; CAWN agreed (synthetic)")
    page.get_by_role("button", name="Save minutes").click()
    expect(page.locator("body")).to_contain_text(
        "The group's next review date has been set from this meeting."
    )
    page.get_by_role("link", name="Close the meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting has closed.")
    assert_accessible(page)

    # The tasked agency records progress on its action.
    page.context.clear_cookies()
    sign_in(page, url, agency_rep)
    page.goto(f"{url}/partnerships/disruption/actions/")
    assert_accessible(page)
    page.get_by_role("link", name="Serve a CAWN on the line holder (synthetic)").click()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Mark as complete")).to_have_count(0)
    page.get_by_role("link", name="Record progress").click()
    assert_accessible(page)
    page.get_by_label("Progress made").fill("Notice drafted (synthetic)")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("body")).to_contain_text("Notice drafted (synthetic)")

    # The panel marks it complete; the figures count it.
    page.context.clear_cookies()
    sign_in(page, url, member)
    page.goto(f"{url}/partnerships/disruption/actions/")
    page.get_by_role("link", name="Serve a CAWN on the line holder (synthetic)").click()
    page.get_by_role("link", name="Mark as complete").click()
    assert_accessible(page)
    page.get_by_label("Outcome").fill("Notice served (synthetic)")
    fill_date(page, "completed_on", today)
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.locator("body")).to_contain_text("The 4P action has been marked as complete.")
    page.goto(f"{url}/partnerships/disruption/actions/?show=overdue")
    expect(page.locator("body")).to_contain_text("There are no overdue 4P actions to show.")
    assert_accessible(page)
    page.goto(f"{url}/partnerships/disruption/figures/")
    expect(page.locator("table")).to_contain_text(police.name)
    assert_accessible(page)

    group.refresh_from_db()
    action = PanelAction.objects.get()
    assert (action.status, action.plan_detail.cawn_type) == ("completed", "under_16")
    assert group.last_reviewed_on == today and OrganisedCrimeGroup.objects.count() == 1
