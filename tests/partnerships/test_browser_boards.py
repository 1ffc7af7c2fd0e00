"""An officer runs a partnership board meeting with a paper, a decision and an action carried
forward to the next meeting, then enters a quarter's values for five indicators (one imported)
and reads the ratings on the performance page, in a real browser with axe-core on every page."""

import datetime as dt
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from partnerships.boards import services as board_services
from partnerships.models import Board, BoardAction
from partnerships.performance import services as performance

from .test_browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_meeting_and_a_quarter_of_performance(
    browser_page, live_server, sign_in, assert_accessible, officer, agency_rep, housing, tmp_path
):
    page = browser_page
    url = live_server.url
    board = Board.objects.get(code="ssp")
    board_services.board_member_add(
        actor=officer, board=board, user=agency_rep, role="chair", joined_on=dt.date(2025, 1, 1)
    )
    today = dt.date.today()
    paper = tmp_path / "strategy.pdf"
    paper.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    sign_in(page, url, officer)

    page.goto(f"{url}/partnerships/boards/")
    assert_accessible(page)
    page.get_by_role("link", name="Safer Somerset Partnership").click()
    assert_accessible(page)
    page.get_by_role("link", name="Schedule a meeting").click()
    assert_accessible(page)
    fill_date(page, "date", today)
    page.get_by_label("Venue").fill("County Hall (synthetic)")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.locator("body")).to_contain_text("has been scheduled")
    assert_accessible(page)

    page.get_by_role("link", name="Add a paper").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add paper").click()  # nothing filled in: every problem named
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title of the paper")
    assert_accessible(page)
    page.get_by_label("Title").fill("Community safety strategy (synthetic)")
    page.get_by_label("Author", exact=True).fill("Olive Officer")
    page.get_by_label("Author's agency").select_option(label=officer.agency.name)
    page.get_by_label("For decision").check()
    page.get_by_label("Paper", exact=True).set_input_files(str(paper))
    page.get_by_role("button", name="Add paper").click()
    expect(page.locator("body")).to_contain_text("has been added to the agenda")
    expect(page.locator("body")).to_contain_text("Papers for decision")

    page.get_by_role("link", name="Record papers as sent").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record papers as sent").click()
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    page.get_by_label(f"Attendance of {agency_rep.agency.name}").select_option("present")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_role("link", name="Open the meeting").click()
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting is open.")
    assert_accessible(page)

    page.get_by_role("link", name="Minutes, decisions and actions for item 1").click()
    assert_accessible(page)
    page.get_by_label("Minutes for this item").fill("The board discussed the strategy (synthetic).")
    page.get_by_role("button", name="Save minutes").click()
    page.get_by_role("link", name="Minutes, decisions and actions for item 1").click()
    page.get_by_role("link", name="Record a decision").click()
    assert_accessible(page)
    page.get_by_label("Decision").fill("The board approves the strategy (synthetic).")
    page.get_by_label("Proposed by").select_option(label=f"{agency_rep.full_name} ({agency_rep.agency.name})")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("body")).to_contain_text(f"Decision SSP/{today.year}/001 has been recorded.")
    page.get_by_role("link", name="Add an action").click()
    assert_accessible(page)
    page.get_by_label("Agency responsible").select_option(label=housing.name)
    page.get_by_label("Action").fill("Share the housing data (synthetic)")
    fill_date(page, "due_date", today + dt.timedelta(days=14))
    page.get_by_role("button", name="Add action").click()
    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Close the meeting").click()
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting has closed.")
    expect(page.locator("body")).to_contain_text(f"SSP/{today.year}/001")
    assert_accessible(page)

    # The next meeting: the action comes back on its action log and is carried forward.
    second = board_services.board_meeting_schedule(
        actor=officer, board=board, date=today + dt.timedelta(days=28)
    )
    board_services.meetings.agenda_add_other_business(
        actor=officer, meeting=second, title="Any other business"
    )
    board_services.meetings.meeting_start(actor=officer, meeting=second)
    page.goto(f"{url}{second.get_absolute_url()}")
    expect(page.locator("body")).to_contain_text("Share the housing data (synthetic)")
    assert_accessible(page)
    page.get_by_role("link", name="Share the housing data (synthetic)").click()
    assert_accessible(page)
    page.get_by_role("link", name="Carry forward").click()
    assert_accessible(page)
    page.get_by_label("The agency did not complete it").check()
    page.get_by_label("Carry forward to").select_option(label="The next meeting after this one")
    page.get_by_role("button", name="Carry forward").click()
    expect(page.locator("body")).to_contain_text("has been carried forward")
    assert BoardAction.objects.filter(status="open", carried_from__isnull=False).count() == 1
    page.goto(f"{url}/partnerships/boards/ssp/actions/")
    expect(page.locator("body")).to_contain_text("Carried forward: The agency did not complete it")
    assert_accessible(page)

    # A quarter's values: four entered, one imported.
    framework = performance.framework_create(
        actor=officer,
        board=board,
        title="Partnership plan (synthetic)",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2028, 3, 31),
    )
    priority = performance.priority_add(
        actor=officer, framework=framework, title="Reduce serious violence (synthetic)"
    )
    for code, polarity, target in [
        ("SV1", "lower", "400"),
        ("KC1", "lower", "60"),
        ("ASB1", "lower", "9"),
        ("DA1", "higher", "1900"),
        ("RO1", "lower", "24"),
    ]:
        performance.indicator_create(
            actor=officer,
            framework=framework,
            values={
                "priority": priority,
                "code": code,
                "name": f"Indicator {code} (synthetic)",
                "definition": "Synthetic.",
                "source": "other",
                "unit": "number",
                "polarity": polarity,
                "target": D(target),
                "tolerance_pct": D("5"),
            },
        )
    page.goto(f"{url}/partnerships/performance/")
    assert_accessible(page)
    page.get_by_role("link", name="Partnership plan (synthetic)").click()
    page.get_by_label("Quarter").select_option(label="Q1 2025/26")
    page.get_by_role("button", name="Show the quarter").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enter values for Q1 2025/26").click()
    assert_accessible(page)
    for code, value in [("SV1", "380"), ("KC1", "62"), ("ASB1", "11"), ("DA1", "1950")]:
        page.get_by_label(f"Value of {code}", exact=True).fill(value)
    page.get_by_role("button", name="Save values").click()
    expect(page.locator("body")).to_contain_text("4 values saved for Q1 2025/26")
    page.get_by_role("link", name="Import values").click()
    assert_accessible(page)
    upload = tmp_path / "values.csv"
    upload.write_text("indicator,quarter_start,value,comparator_value\nRO1,2025-04-01,23.5,\n")
    page.get_by_label("File of values").set_input_files(str(upload))
    page.get_by_role("button", name="Import values").click()
    expect(page.locator("body")).to_contain_text("1 value imported")
    page.get_by_label("Quarter").select_option(label="Q1 2025/26")
    page.get_by_role("button", name="Show the quarter").click()
    table = page.locator("table").first
    expect(table).to_contain_text("Green")  # SV1 380 against 400, lower is better
    expect(table).to_contain_text("Amber")  # KC1 62 against 60, within 5%
    expect(table).to_contain_text("Red")  # ASB1 11 against 9
    expect(page.locator("h3").first).to_contain_text("Red")
    expect(page.locator("body")).to_contain_text("Red because of ASB1")
    assert_accessible(page)
    page.get_by_role("link", name="KC1 Indicator KC1 (synthetic)").click()
    expect(page.locator("body")).to_contain_text("Q1 2025/26")
    assert_accessible(page)
    page.get_by_role("button", name="Approve for publication").click()
    expect(page.locator("body")).to_contain_text("approve for publication – done")
    assert_accessible(page)


def test_an_officer_sets_the_boards_quorum(
    browser_page, live_server, sign_in, assert_accessible, officer, agency_rep
):
    page = browser_page
    board = Board.objects.get(code="ssp")
    board_services.board_member_add(
        actor=officer, board=board, user=agency_rep, role="chair", joined_on=dt.date(2025, 1, 1)
    )
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/partnerships/boards/ssp/")
    assert_accessible(page)
    page.get_by_role("link", name="Change the quorum").click()
    assert_accessible(page)
    page.get_by_label("Quorum (optional)").fill("2")
    page.get_by_role("button", name="Save the quorum").click()
    # One member, so one agency: a quorum of 2 could never be met.
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be more than 1")
    assert_accessible(page)
    page.get_by_label("Quorum (optional)").fill("1")
    page.get_by_role("button", name="Save the quorum").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The quorum is now 1 agency.")
    assert_accessible(page)
