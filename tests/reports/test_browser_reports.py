import pytest

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
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    assert page.get_by_label("Title").input_value() == "Community safety report (synthetic)"

    page.get_by_label("Meeting", exact=True).fill("Executive")
    page.get_by_label("Meeting date").fill("2027-01-20")
    page.get_by_label("Lead officer").fill("Director of Public Health (synthetic)")
    page.get_by_label("Author and contact details").fill("Community safety manager (synthetic)")
    page.get_by_label("Cabinet member").fill("Lead member for communities (synthetic)")
    page.get_by_label("Summary").fill("The partnership met its duties.\n\nReviews are on track.")
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_role("heading", name="Community safety report (synthetic)").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Preview with today's figures").click()
    assert page.get_by_text("Reviews are on track.").is_visible()
    assert page.locator(".app-report__num", has_text="1.2").first.is_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Generate PDF").click()
    assert_accessible(page)
    page.get_by_role("button", name="Generate version").click()
    assert page.get_by_role("heading", name="Version 1").is_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    path = tmp_path / "paper.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
