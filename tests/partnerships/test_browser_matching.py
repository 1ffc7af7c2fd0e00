"""Issue 14 point 14 in Chromium: the checklist score updates as items are ticked, and a person
already recorded is offered, with their area and last referral date, when the name is typed
another way; axe-core on each page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from .factories import MaracAreaFactory, PersonFactory, ReferralFactory
from .test_browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_score_as_ticked_and_matches_with_area_and_last_referral(
    browser_page, live_server, sign_in, assert_accessible, coordinator
):
    area = MaracAreaFactory(code="BROWSER", name="Browser MARAC (synthetic)")
    person = PersonFactory(full_name="Zoë O'Brien (synthetic)", date_of_birth=dt.date(1990, 5, 1))
    ReferralFactory(victim=person, area=area, referral_date=dt.date(2025, 7, 9))
    page = browser_page
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/partnerships/marac/referrals/new/")

    score = page.locator("#risk-score")
    expect(score).to_have_text("Checklist score: 0 of 24, below the visible high-risk threshold of 14.")
    boxes = page.locator('input[name="dash_yes"]')
    for index in range(13):
        boxes.nth(index).check()
    expect(score).to_have_text("Checklist score: 13 of 24, below the visible high-risk threshold of 14.")
    boxes.nth(13).check()
    expect(score).to_have_text("Checklist score: 14 of 24, visible high risk.")
    boxes.nth(0).uncheck()
    expect(score).to_have_text("Checklist score: 13 of 24, below the visible high-risk threshold of 14.")
    assert_accessible(page)

    page.get_by_label("MARAC area").select_option(label="Browser MARAC (synthetic)")
    fill_date(page, "referral_date", dt.date.today())
    page.get_by_label("Referring agency").select_option(label="Avon and Somerset Constabulary")
    page.get_by_label("Victim's full name").fill("ZOE OBRIEN (synthetic)")
    fill_date(page, "victim_dob", dt.date(1990, 5, 1))
    page.get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose one of the people already recorded, or that this is a new person"
    )
    expect(page.locator("main")).to_contain_text(
        f"{person.reference}: Zoë O'Brien (synthetic), born 1 May 1990 "
        "(1 earlier referral, the last on 9 July 2025 to Browser MARAC (synthetic))"
    )
    expect(score).to_have_text("Checklist score: 13 of 24, below the visible high-risk threshold of 14.")
    assert_accessible(page)
