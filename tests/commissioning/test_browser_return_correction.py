"""A commissioning officer corrects a quarterly return awaiting review in a real browser: a bad
figure is refused in the service's words with what was typed kept and nothing changed, then the
correction is saved and the RAG, the figure and the quarter's clock follow it; axe-core on every
page. Expected values worked out by hand from the dates below."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from commissioning import services
from commissioning.clocks import Quarter
from commissioning.models import Direction, KpiResult, Provider

from .conftest import contract_terms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioning_officer_corrects_a_return(
    browser_page, live_server, sign_in, assert_accessible, commissioner
):
    page = browser_page
    provider = Provider.objects.create(name="Synthetic Domestic Abuse Service Ltd")
    contract = services.contract_create(
        actor=commissioner,
        signed_on=date(2024, 3, 1),
        **contract_terms(provider, start_date=date(2024, 4, 1), initial_end_date=date(2027, 3, 31)),
    )
    kpi = services.kpi_create(
        actor=commissioner,
        contract=contract,
        name="Repeat referrals",
        definition="Synthetic",
        unit="%",
        direction=Direction.LOWER,
        target=Decimal("25"),
        tolerance=Decimal("3"),
        frequency="quarterly",
        benchmark=None,
        counts_people=False,
        set_on=date(2024, 3, 1),
    )
    # 2026-27 Q1 ends Tuesday 30 June 2026; 20 working days from Wednesday 1 July (no bank
    # holiday in July) is Tuesday 28 July. Received Monday 20 July: on time.
    quarterly_return = services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2026, 1),
        received_on=date(2026, 7, 20),
        figures=[services.ReturnFigure(kpi.pk, "27.5")],
    )
    sign_in(page, live_server.url, commissioner)
    page.goto(f"{live_server.url}/commissioning/contracts/{contract.pk}/returns/{quarterly_return.pk}/")
    results = page.locator("table.govuk-table")
    # Lower is better: 27.5 is 2.5 over the target of 25, within the tolerance of 3: amber.
    expect(results).to_contain_text("27.5 %")
    expect(results).to_contain_text("Amber")
    assert_accessible(page)

    page.get_by_role("link", name="Correct the return for 2026-27 Q1").click()
    expect(page.locator("h1")).to_have_text("Correct the return for 2026-27 Q1")
    expect(page.get_by_label("Repeat referrals (%)", exact=True)).to_have_value("27.50")
    assert_accessible(page)

    received = page.get_by_role("group", name="Date the return was received")
    received.get_by_label("Day").fill("30")
    page.get_by_label("Repeat referrals (%)", exact=True).fill("120")
    page.get_by_label("Note on Repeat referrals (optional)").fill("Recounted by the provider")
    page.get_by_role("button", name="Save the corrected return").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(
        "The value for Repeat referrals is a percentage: it must be from 0 to 100"
    )
    # Nothing typed is lost ...
    expect(page.get_by_label("Repeat referrals (%)", exact=True)).to_have_value("120")
    expect(page.get_by_label("Note on Repeat referrals (optional)")).to_have_value(
        "Recounted by the provider"
    )
    expect(received.get_by_label("Day")).to_have_value("30")
    assert_accessible(page)
    # ... and nothing is changed.
    quarterly_return.refresh_from_db()
    assert quarterly_return.received_on == date(2026, 7, 20)
    assert KpiResult.objects.get(quarterly_return=quarterly_return).value == Decimal("27.5")

    page.get_by_label("Repeat referrals (%)", exact=True).fill("24")
    page.get_by_role("button", name="Save the corrected return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Return for 2026-27 Q1 corrected.")
    expect(page.locator("h1")).to_have_text("Return for 2026-27 Q1")
    # 24 is under the target of 25: green. Now received Thursday 30 July, 2 days after it was due.
    expect(results).to_contain_text("24 %")
    expect(results).to_contain_text("Green")
    expect(results).to_contain_text("Recounted by the provider")
    expect(page.locator("dl")).to_contain_text("30 July 2026")
    expect(page.locator("dl")).to_contain_text("Met 30 July 2026, 2 days late")
    assert_accessible(page)
    result = KpiResult.objects.get(quarterly_return=quarterly_return)
    assert (result.value, result.note) == (Decimal("24"), "Recounted by the provider")
