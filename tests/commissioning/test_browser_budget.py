"""A commissioning officer changes a pooled-budget contribution in a real browser: a bad amount
is refused in the service's words with nothing changed, then the change is saved and the
year's total worked out again; axe-core on every page."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from commissioning import services
from commissioning.models import BudgetContribution
from somerset_safety.accounts.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioning_officer_changes_a_contribution(
    browser_page, live_server, sign_in, assert_accessible, commissioner
):
    page = browser_page
    police = Agency.objects.get(code="POLICE")
    contribution = services.contribution_record(
        actor=commissioner, year=2026, partner=police, amount=Decimal("1500"), received_on=date(2026, 5, 1)
    )
    sign_in(page, live_server.url, commissioner)
    page.goto(f"{live_server.url}/commissioning/pooled-budget/?year=2026")
    expect(page.locator("main")).to_contain_text("£1,500")
    assert_accessible(page)

    page.get_by_role("link", name=f"Change the contribution from {police.name}").click()
    expect(page.locator("h1")).to_contain_text(f"Change the contribution from {police.name}")
    assert_accessible(page)
    page.get_by_label("Amount in pounds").fill("-5")
    page.get_by_role("button", name="Save the contribution").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Amount in pounds")).to_have_value("-5")  # nothing typed is lost
    assert_accessible(page)
    assert BudgetContribution.objects.get(pk=contribution.pk).amount == Decimal("1500")

    page.get_by_label("Amount in pounds").fill("1750")
    page.get_by_role("button", name="Save the contribution").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Contribution saved.")
    expect(page.locator("main")).to_contain_text("£1,750")
    assert_accessible(page)
    assert BudgetContribution.objects.get(pk=contribution.pk).amount == Decimal("1750")
