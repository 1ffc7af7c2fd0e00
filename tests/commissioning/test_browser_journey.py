"""Issue 16's walk in a real browser, axe-core on every page: a commissioning officer sets up the
Somerset Integrated Domestic Abuse Service with two 12-month extension options, sets its KPI,
agrees and takes one option, records four quarterly returns (one uploaded, one late) and sees the
RAG of each quarter and the re-procurement date.

The browser runs on Wednesday 20 May 2026. Every expected date is worked out by hand:
- the contract runs 1 April 2025 to 31 March 2027; option 1 (12 months) moves the end in force to
  31 March 2028; with option 2 still open the latest possible end is 31 March 2029;
- re-procurement must start by 31 March 2029 − 18 months = 30 September 2027 (a month end stays
  a month end), and the council's approval 56 days before that, 5 August 2027;
- returns are due 20 working days after each quarter, counted from the next working day: Q1
  (ends Monday 30 June 2025) on Monday 28 July; Q2 (ends Tuesday 30 September) on Tuesday
  28 October; Q3 (ends Wednesday 31 December, over Christmas and New Year's Day) on Thursday
  29 January 2026; Q4 (ends Tuesday 31 March 2026, over Good Friday and Easter Monday, 3 and 6
  April) on Thursday 30 April;
- Engagement, higher is better, target 70 %, amber within 5: 72 green; 65 amber (exactly at the
  tolerance's edge); 64.5 red; 70 green (exactly on target).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from commissioning.models import Contract, Provider
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.datetime(2026, 5, 20, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def _date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def _enter_return(page, assert_accessible, quarter: str, received: tuple[int, int, int], value: str):
    page.get_by_role("link", name="Enter a return").click()
    expect(page.locator("h1")).to_have_text("Enter a quarterly return")
    assert_accessible(page)
    page.get_by_label("Which quarter is the return for?").select_option(quarter)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text(f"Enter the return for {quarter}")
    assert_accessible(page)
    _date(page, "Date the return was received", *received)
    page.get_by_label("Engagement (%)", exact=True).fill(value)
    page.get_by_role("button", name="Record the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Return for {quarter} recorded.")


def test_an_officer_sets_up_sidas_and_records_a_year_of_returns(
    browser_page, live_server, sign_in, assert_accessible, council_team
):
    page = browser_page
    with time_machine.travel(TODAY, tick=True):
        officer = UserFactory(
            agency=council_team, roles=[Role.COMMISSIONING_OFFICER], full_name="Cora Commissioner"
        )
        Provider.objects.create(name="Synthetic Domestic Abuse Service Ltd")
        sign_in(page, live_server.url, officer)

        page.goto(f"{live_server.url}/commissioning/")
        assert_accessible(page)
        page.get_by_role("link", name="Set up a contract").click()
        expect(page.locator("h1")).to_have_text("Set up a contract")
        assert_accessible(page)
        page.get_by_label("Contract title").fill("Somerset Integrated Domestic Abuse Service")
        page.get_by_label("Provider", exact=True).select_option(label="Synthetic Domestic Abuse Service Ltd")
        page.get_by_label("Domestic abuse support").check()
        page.get_by_label("Procurement Act 2023 (light-touch)").check()
        _date(page, "Start date", 1, 4, 2025)
        _date(page, "Initial end date", 31, 3, 2027)
        page.get_by_label("Annual value in pounds").fill("900000")
        page.get_by_label("Total value in pounds").fill("3600000")
        page.get_by_label("Provider's notice period, in months").fill("6")
        page.get_by_label("Council approval time, in days").fill("56")
        page.get_by_label("Contract manager").select_option(label="Cora Commissioner")
        page.get_by_label("Number of extension options").fill("2")
        page.get_by_label("Length of each option, in months").fill("12")
        _date(page, "Date the contract was signed", 3, 3, 2025)
        page.get_by_role("button", name="Set up contract").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Contract set up.")
        expect(page.locator("h1")).to_have_text("Somerset Integrated Domestic Abuse Service")
        key_dates = page.locator("dl").first
        expect(key_dates).to_contain_text("31 March 2027")  # the end in force
        expect(key_dates).to_contain_text("31 March 2029")  # latest possible: both options
        assert_accessible(page)
        contract = Contract.objects.get()

        page.get_by_role("link", name="Add a KPI").click()
        expect(page.locator("h1")).to_have_text("Add a KPI")
        assert_accessible(page)
        page.get_by_label("Name", exact=True).fill("Engagement")
        page.get_by_label("Definition").fill("Synthetic: clients engaging with support, of those referred.")
        page.get_by_label("Unit", exact=True).fill("%")
        page.get_by_label("Higher is better").check()
        page.get_by_label("Target", exact=True).fill("70")
        page.get_by_label("Amber tolerance").fill("5")
        page.get_by_label("Every quarter").check()
        _date(page, "Date the KPI was set", 3, 3, 2025)
        page.get_by_role("button", name="Save KPI").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("KPI added.")
        assert_accessible(page)

        page.get_by_role("link", name="Record as agreed (option 1)").click()
        assert_accessible(page)
        _date(page, "Date the option was agreed with the provider", 1, 5, 2026)
        page.get_by_role("button", name="Record as agreed").click()
        page.get_by_role("link", name="Take this extension (option 1)").click()
        expect(page.locator("h1")).to_have_text("Take option 1: extend by 12 months")
        assert_accessible(page)
        _date(page, "Date of the decision", 12, 5, 2026)
        page.get_by_label("Who approved it").fill("The Executive (synthetic)")
        page.get_by_label("Reason for the extension").fill("Performing well; re-planning for beyond 2028.")
        page.get_by_role("button", name="Take the extension").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Extension taken: the contract now ends on 31 March 2028."
        )
        assert_accessible(page)

        _enter_return(page, assert_accessible, "2025-26 Q1", (21, 7, 2025), "72")
        _enter_return(page, assert_accessible, "2025-26 Q2", (3, 11, 2025), "65")  # late

        page.get_by_role("link", name="Upload a return").click()
        expect(page.locator("h1")).to_have_text("Upload a quarterly return")
        assert_accessible(page)
        _date(page, "Date the return was received", 20, 1, 2026)
        csv = (
            f"Contract,{contract.reference},Somerset Integrated Domestic Abuse Service\r\n"
            "Quarter,2025-26 Q3\r\n"
            "Provider commentary,Refuge staffing short over Christmas (synthetic)\r\n"
            "\r\n"
            "KPI,Unit,Target,Value,Note\r\n"
            "Engagement,%,70,64.5,\r\n"
        )
        page.get_by_label("Return file").set_input_files(
            {"name": "sidas-2025-26-q3.csv", "mimeType": "text/csv", "buffer": csv.encode()}
        )
        page.get_by_role("button", name="Upload the return").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Return for 2025-26 Q3 uploaded and recorded."
        )

        _enter_return(page, assert_accessible, "2025-26 Q4", (30, 4, 2026), "70")  # on the due day

        # The contract page: the dates after the extension, the RAG of each quarter, the returns.
        key_dates = page.locator("dl").first
        expect(key_dates).to_contain_text("31 March 2028")  # the end in force
        expect(key_dates).to_contain_text("31 March 2029")  # option 2 still open
        expect(key_dates).to_contain_text("30 September 2027")  # re-procurement must start by
        clocks = page.locator("#clocks")
        expect(clocks.get_by_role("row", name="Council approval to re-procure a contract")).to_contain_text(
            "5 Aug 2027"
        )
        engagement = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Engagement"))
        cells = engagement.get_by_role("cell")
        expect(cells.nth(1)).to_contain_text("72 Green")
        expect(cells.nth(2)).to_contain_text("65 Amber")
        expect(cells.nth(2)).to_contain_text("Worsening")
        expect(cells.nth(3)).to_contain_text("64.5 Red")
        expect(cells.nth(4)).to_contain_text("70 Green")
        expect(cells.nth(4)).to_contain_text("Improving")
        returns = page.locator("table").filter(has_text="Returns, newest quarter first")
        row = lambda quarter: returns.locator("tbody tr").filter(has_text=quarter)  # noqa: E731
        expect(row("2025-26 Q4")).to_contain_text("30 Apr 2026")
        expect(row("2025-26 Q4")).to_contain_text("Met on time")
        expect(row("2025-26 Q3")).to_contain_text("29 Jan 2026")
        expect(row("2025-26 Q3")).to_contain_text("Uploaded")
        expect(row("2025-26 Q2")).to_contain_text("28 Oct 2025")
        expect(row("2025-26 Q2")).to_contain_text("Met 3 November 2025, 6 days late")
        expect(row("2025-26 Q1")).to_contain_text("28 Jul 2025")
        expect(row("2025-26 Q1")).to_contain_text("Met on time")
        # The year to come is still to be returned: 2026-27 Q1 ends 30 June 2026.
        expect(row("2026-27 Q1")).not_to_contain_text("Met")
        assert_accessible(page)

        row("2025-26 Q2").get_by_role("link", name="2025-26 Q2").click()
        expect(page.locator("h1")).to_have_text("Return for 2025-26 Q2")
        expect(page.locator("table")).to_contain_text("Amber")
        assert_accessible(page)
