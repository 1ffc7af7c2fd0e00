"""A housing representative works on an action their agency owns: sees it on their home page,
posts a progress update, marks it complete (refused first without the evidence, what was typed
kept) with a file of evidence; the officer accepts the evidence and the register's
implementation rate goes from 0% to 100%. axe-core on every page visited."""

from datetime import date

import pytest
from playwright.sync_api import expect

from reviews import services

from .factories import PDF_BYTES, make_review


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_housing_rep_sends_evidence_and_the_officer_accepts_it(
    live_server, browser_page, sign_in, assert_accessible, officer, other_agency_rep, housing
):
    review = make_review(officer)
    rec = services.recommendation_add(
        actor=officer,
        review=review,
        scope="local",
        owning_agency=housing,
        text="Ask about domestic abuse when a joint tenancy is given up (synthetic).",
    )
    services.action_add(
        actor=officer,
        recommendation=rec,
        description="Brief every housing officer on the new question",
        lead_officer="Head of Housing (synthetic)",
        target_date=date(2026, 12, 1),
    )
    page = browser_page
    main = page.locator("main")

    sign_in(page, live_server.url, other_agency_rep)
    expect(main).to_contain_text(f"Waiting for {housing.name}")
    assert_accessible(page)
    page.get_by_role("link", name="Brief every housing officer on the new question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Brief every housing officer on the new question"
    )
    expect(main).to_contain_text("Not started")
    assert_accessible(page)

    page.get_by_role("link", name="Post a progress update").click()
    assert_accessible(page)
    page.get_by_label("Progress update").fill("Briefings booked for every team (synthetic).")
    page.locator("main form").get_by_role("button", name="Post update").click()
    expect(main).to_contain_text("Progress update posted")
    expect(main).to_contain_text("In progress")
    expect(main).to_contain_text("Briefings booked for every team (synthetic).")
    assert_accessible(page)

    page.get_by_role("link", name="Mark the action complete and send the evidence").click()
    assert_accessible(page)
    page.fill("input[name='completed_on_0']", "20")
    page.fill("input[name='completed_on_1']", "10")
    page.fill("input[name='completed_on_2']", "2026")
    page.locator("main form").get_by_role("button", name="Mark complete and send the evidence").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the evidence of outcome")
    expect(page.locator("input[name='completed_on_0']")).to_have_value("20")  # what was typed is kept
    assert_accessible(page)
    page.get_by_label("Evidence of outcome").fill(
        "Audit of 20 tenancy ends: 18 asked the question (synthetic)."
    )
    page.set_input_files(
        "input[name=document]",
        files=[{"name": "audit.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.locator("main form").get_by_role("button", name="Mark complete and send the evidence").click()
    expect(main).to_contain_text("evidence awaiting acceptance")
    expect(page.get_by_role("link", name="audit.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="Accept the evidence")).to_have_count(0)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/reviews/recommendations/")
    expect(main).to_contain_text("0 of 1 recommendation implemented")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(main).to_contain_text("DHR evidence awaiting acceptance")
    assert_accessible(page)
    page.get_by_role("link", name="Brief every housing officer on the new question").click()
    page.get_by_role("link", name="Accept the evidence").click()
    assert_accessible(page)
    page.locator("main form").get_by_role("button", name="Accept the evidence").click()
    expect(main).to_contain_text("The action is now: complete.")
    assert_accessible(page)

    page.goto(f"{live_server.url}/reviews/recommendations/")
    expect(main).to_contain_text("100%")
    expect(main).to_contain_text("1 of 1 recommendation implemented")
    assert_accessible(page)
