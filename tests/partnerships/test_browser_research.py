"""MARAC as coordinators and agencies run it, in a real browser with axe-core on every page: the
coordinator refers and sends the agenda; the police research the case and record their return;
the meeting minutes the case with its information on screen; an action is carried to the meeting
after next and appears there with its reason; the agenda and minutes PDFs download for the
attending agency and are a 404 for one not invited."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from partnerships import services
from partnerships.models import MaracArea
from somerset_safety.accounts.models import Agency

from .test_browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPICS = [
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
]


def _new_page(browser):
    context = browser.new_context(bypass_csp=True, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_research_minutes_carry_to_the_meeting_after_next_and_papers(
    _browser, browser_page, live_server, sign_in, assert_accessible, coordinator, agency_rep, other_agency_rep
):
    page = browser_page
    today = dt.date.today()
    area = MaracArea.objects.create(
        code="RESEARCH", name="Research MARAC (synthetic)", adult_female_population=10000
    )
    police = Agency.objects.get(code="POLICE")
    first, _second, third = (
        services.meeting_create(
            actor=coordinator, area=area, date=today + dt.timedelta(days=days), chair=None, agencies=[police]
        )
        for days in (0, 14, 28)
    )
    base = f"{live_server.url}/partnerships/marac"

    # The coordinator refers a case (referred by health, so the police are not on it).
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{base}/referrals/new/")
    assert_accessible(page)
    page.get_by_label("MARAC area").select_option(label="Research MARAC (synthetic)")
    fill_date(page, "referral_date", today)
    page.get_by_label("Referring agency").select_option(label="NHS health services")
    page.get_by_label("Victim's full name").fill("Rhea Research (synthetic)")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Children in the household").fill("1")
    for topic in TOPICS:
        page.get_by_label(topic, exact=True).check()
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator("body")).to_contain_text("with a checklist score of 14")
    assert_accessible(page)

    # The agenda is generated and sent: the research stage opens.
    page.goto(f"{base}/meetings/{first.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Generate agenda").click()
    page.get_by_role("button", name="Generate agenda").click()
    page.get_by_role("link", name="Record agenda as sent").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Record")).click()
    expect(page.locator("body")).to_contain_text("Download the agenda (PDF, OFFICIAL-SENSITIVE)")
    assert_accessible(page)

    # The police representative researches the case and records the return.
    police_page = _new_page(_browser)
    sign_in(police_page, live_server.url, agency_rep)
    police_page.goto(f"{base}/meetings/{first.pk}/")
    assert_accessible(police_page)
    police_page.get_by_role("link", name="Research list", exact=True).click()
    expect(police_page.locator("body")).to_contain_text("Rhea Research (synthetic)")
    assert_accessible(police_page)
    police_page.get_by_role("link", name=re.compile("Record research return on")).click()
    assert_accessible(police_page)
    police_page.get_by_label("Yes", exact=True).check()
    police_page.get_by_role("button", name="Save research return").click()
    expect(police_page.locator(".govuk-error-summary")).to_contain_text(
        "Summarise the information your agency holds"
    )
    assert_accessible(police_page)
    police_page.get_by_label("Summary of the information held").fill("Three call-outs since May (synthetic).")
    police_page.get_by_label("Risks your agency knows of").fill("Access to a shotgun (synthetic).")
    police_page.get_by_role("button", name="Save research return").click()
    expect(police_page.locator("body")).to_contain_text("Your research return on")
    assert_accessible(police_page)
    agenda_pdf = police_page.request.get(f"{base}/meetings/{first.pk}/papers/agenda.pdf")
    assert agenda_pdf.status == 200 and agenda_pdf.headers["content-type"] == "application/pdf"

    # The meeting: the case is on screen as it is minuted; an action is agreed.
    page.goto(f"{base}/meetings/{first.pk}/research/")
    expect(page.locator("body")).to_contain_text("Research returns by agency")
    assert_accessible(page)
    page.goto(f"{base}/meetings/{first.pk}/")
    page.get_by_role("link", name="Start meeting").click()
    page.get_by_role("button", name="Everyone present has agreed to the confidentiality statement").click()
    page.get_by_role("link", name="Minutes and actions").first.click()
    body = page.locator("body")
    expect(body).to_contain_text("Three call-outs since May (synthetic).")
    expect(body).to_contain_text("Access to a shotgun (synthetic).")
    expect(body).to_contain_text("Threats to kill")
    expect(body).to_contain_text("Previous MARAC history")
    assert_accessible(page)
    page.get_by_label("Minutes for this case").fill("Safety plan agreed (synthetic).")
    page.get_by_role("button", name="Save minutes").click()
    page.get_by_role("link", name="Minutes and actions").first.click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Agency responsible").select_option(label="Housing services")
    page.get_by_label("Action").fill("Fit extra locks (synthetic).")
    fill_date(page, "due_date", today + dt.timedelta(days=7))
    page.get_by_role("button", name="Add action").click()
    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_role("link", name="Conclude meeting").click()
    page.get_by_role("button", name="Conclude meeting").click()
    expect(page.locator("body")).to_contain_text("The meeting has concluded.")
    page.get_by_role("link", name="Approve the minutes").click()
    assert_accessible(page)
    fill_date(page, "approved_on", today)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator("body")).to_contain_text("Download the minutes (PDF, OFFICIAL-SENSITIVE)")

    # The housing action cannot be done before the next meeting: carried to the one after it.
    page.goto(f"{base}/actions/")
    page.get_by_role("link", name="Fit extra locks (synthetic).").first.click()
    page.get_by_role("link", name="Carry forward").click()
    assert_accessible(page)
    page.get_by_label("Could not be done because circumstances changed").check()
    page.get_by_label("Carry forward to").select_option(label=f"The meeting of {third.date:%-d %B %Y}")
    page.get_by_role("button", name="Carry forward").click()
    expect(page.locator("body")).to_contain_text("has been carried forward")
    assert_accessible(page)
    page.goto(f"{base}/meetings/{third.pk}/")
    page.get_by_role("link", name="Generate agenda").click()
    page.get_by_role("button", name="Generate agenda").click()
    body = page.locator("body")
    expect(body).to_contain_text("Actions carried forward (1)")
    expect(body).to_contain_text(
        f"Carried forward from the meeting of {first.date:%-d %B %Y}: Could not be done because circumstances changed"
    )
    assert_accessible(page)

    # Papers: the attending agency downloads the minutes; an agency not invited gets a 404.
    minutes_pdf = police_page.request.get(f"{base}/meetings/{first.pk}/papers/minutes.pdf")
    assert minutes_pdf.status == 200 and minutes_pdf.body().startswith(b"%PDF")
    outsider = _new_page(_browser)
    sign_in(outsider, live_server.url, other_agency_rep)
    for papers in ("agenda", "minutes"):
        assert outsider.request.get(f"{base}/meetings/{first.pk}/papers/{papers}.pdf").status == 404
