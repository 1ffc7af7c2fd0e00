import pytest
from playwright.sync_api import expect

from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_writes_previews_generates_and_downloads_the_executive_paper(
    live_server, browser_page, sign_in, assert_accessible, tmp_path
):
    officer = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
    page = browser_page
    sign_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/dashboard/")
    assert_accessible(page)
    page.get_by_role("link", name="Executive reports").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Start a new report").click()
    page.get_by_label("Title").fill("Community safety report (synthetic)")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    assert page.get_by_label("Title").input_value() == "Community safety report (synthetic)"

    page.get_by_label("Meeting", exact=True).fill("Executive")
    meeting_date = page.get_by_role("group", name="Meeting date")
    meeting_date.get_by_label("Day").fill("20")
    meeting_date.get_by_label("Month").fill("1")
    meeting_date.get_by_label("Year").fill("2099")
    page.get_by_label("Lead officer").fill("Director of Public Health (synthetic)")
    page.get_by_label("Author and contact details").fill("Community safety manager (synthetic)")
    page.get_by_label("Cabinet member", exact=True).fill("Lead member for communities (synthetic)")
    page.get_by_label("Summary").fill("The partnership met its duties.\n\nReviews are on track.")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="Community safety report (synthetic)")).to_be_visible()
    assert_accessible(page)

    # Editing keeps the meeting date and the figures date the form showed.
    page.get_by_role("link", name="Edit").click()
    assert meeting_date.get_by_label("Year").input_value() == "2099"
    figures_as_at = page.get_by_role("group", name="Figures as at")
    figures_year = figures_as_at.get_by_label("Year").input_value()
    assert figures_year
    page.get_by_label("Reasons for recommendations").fill("To keep the Executive informed (synthetic).")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("Your changes have been saved")).to_be_visible()

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_text("To keep the Executive informed")).to_be_visible()
    assert page.get_by_text("Nothing to report").count() == 0
    expect(page.get_by_text("Reviews are on track.")).to_be_visible()
    expect(page.locator(".app-report__num", has_text="1.2").first).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Generate PDF").click()
    assert_accessible(page)
    page.get_by_role("button", name="Generate version").click()
    expect(page.get_by_role("heading", name="Version 1")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    path = tmp_path / "paper.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    # The dashboard for another date: an impossible date is refused in plain words.
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_text("Show the figures for another date or period").click()
    picker = page.get_by_role("group", name="Figures as at")
    picker.get_by_label("Day").fill("31")
    picker.get_by_label("Month").fill("2")
    picker.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show figures").click()
    expect(
        page.get_by_role("alert").get_by_text("The figures as at must be a real date").first
    ).to_be_visible()
    assert_accessible(page)
    picker.get_by_label("Day").fill("31")
    picker.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("Figures as they stood on 31 March 2025, for Q4 2024/25")).to_be_visible()
    assert_accessible(page)
