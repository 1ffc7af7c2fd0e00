"""The pooled budget's sums and the grants' clocks, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning import selectors, services
from commissioning.deadlines import GRANT_BID, GRANT_REPORT
from commissioning.exceptions import CommissioningError
from commissioning.models import BudgetSpend, Grant, GrantStatus
from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from tests.reviews.factories import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(officer, today):
    return make_review(officer)


def test_budget_position_by_financial_year(commissioner, review):
    council, police = Agency.objects.get(code="CST"), Agency.objects.get(code="POLICE")
    ref = review.reference
    services.contribution_record(actor=commissioner, year=2024, partner=council, amount=Decimal("2000"))
    services.contribution_record(actor=commissioner, year=2024, partner=police, amount=Decimal("1500"))
    services.contribution_record(
        actor=commissioner, year=2025, partner=council, amount=Decimal("2000"), received_on=date(2025, 4, 10)
    )
    services.spend_record(
        actor=commissioner,
        spent_on=date(2024, 9, 1),
        category="dhr_chair",
        description="Chair's fee",
        amount=Decimal("1200"),
        dhr_reference=ref,
    )
    # 31 March 2025 is the last day of 2024-25.
    services.spend_record(
        actor=commissioner,
        spent_on=date(2025, 3, 31),
        category="dhr_author",
        description="Author's fee",
        amount=Decimal("800"),
        dhr_reference=ref,
    )
    services.spend_record(
        actor=commissioner,
        spent_on=date(2025, 5, 15),
        category="dhr_chair",
        description="Chair's fee",
        amount=Decimal("1000.50"),
        dhr_reference=ref,
    )
    services.spend_record(
        actor=commissioner,
        spent_on=date(2025, 6, 1),
        category="training",
        description="Training day",
        amount=Decimal("250"),
    )
    p2024 = selectors.budget_position(2024)
    assert (p2024["brought_forward"], p2024["contributions"], p2024["spent"], p2024["balance"]) == (
        Decimal("0"),
        Decimal("3500"),
        Decimal("2000"),
        Decimal("1500"),
    )
    assert [(r["partner__name"], r["total"]) for r in p2024["by_partner"]] == [
        ("Avon and Somerset Constabulary", Decimal("1500")),
        ("Somerset Council community safety team", Decimal("2000")),
    ]
    p2025 = selectors.budget_position(2025)
    # Brought forward 3,500 − 2,000 = 1,500; plus 2,000 in; less 1,000.50 and 250 out.
    assert (p2025["brought_forward"], p2025["contributions"], p2025["spent"], p2025["balance"]) == (
        Decimal("1500"),
        Decimal("2000"),
        Decimal("1250.50"),
        Decimal("2249.50"),
    )
    assert [(r["label"], r["total"]) for r in p2025["by_category"]] == [
        ("DHR chair's fee", Decimal("1000.50")),
        ("Training", Decimal("250")),
    ]


def test_dhr_costs_name_a_review_on_record(commissioner, review):
    with pytest.raises(CommissioningError, match="Select the review"):
        services.spend_record(
            actor=commissioner,
            spent_on=date(2025, 5, 1),
            category="dhr_chair",
            description="Fee",
            amount=Decimal("10"),
        )
    with pytest.raises(CommissioningError, match="no review with the reference DHR-9999"):
        services.spend_record(
            actor=commissioner,
            spent_on=date(2025, 5, 1),
            category="dhr_author",
            description="Fee",
            amount=Decimal("10"),
            dhr_reference="DHR-9999",
        )
    with pytest.raises(CommissioningError, match="cannot be negative"):
        services.spend_record(
            actor=commissioner,
            spent_on=date(2025, 5, 1),
            category="training",
            description="Fee",
            amount=Decimal("-10"),
        )
    spend = services.spend_record(
        actor=commissioner,
        spent_on=date(2025, 5, 1),
        category="training",
        description="Fee",
        amount=Decimal("10"),
        dhr_reference=review.reference,
    )
    assert spend.dhr_reference == ""  # only DHR costs name a review
    assert BudgetSpend.objects.count() == 1


def grant_clocks(grant):
    return {
        (d.kind, d.key): (d.due_date, d.status, d.met_on)
        for d in Deadline.objects.filter(subject_type="commissioning.grant", subject_id=grant.pk)
    }


@pytest.fixture
def bid(commissioner, today):
    return services.grant_create(
        actor=commissioner,
        funder="Synthetic Community Fund",
        scheme="Hinkley community safety fund",
        partner="Hinkley Community Safety Group",
        partnership_body="Hinkley Community Safety Group",
        locality="Stogursey and nearby villages",
        amount_requested=Decimal("25000"),
        bid_deadline=date(2026, 2, 20),
        decision_expected_on=date(2026, 4, 30),
        owner=commissioner,
        purpose="",
    )


def test_a_bid_through_to_award_and_reports(bid, commissioner):
    assert grant_clocks(bid) == {(GRANT_BID, ""): (date(2026, 2, 20), DeadlineStatus.OPEN, None)}
    services.grant_submit(actor=commissioner, grant=bid, submitted_on=date(2026, 2, 18))
    with pytest.raises(CommissioningError, match="must be more than £0"):
        services.grant_decide(
            actor=commissioner,
            grant=bid,
            awarded=True,
            decided_on=date(2026, 2, 27),
            amount_awarded=Decimal("0"),
        )
    services.grant_decide(
        actor=commissioner,
        grant=bid,
        awarded=True,
        decided_on=date(2026, 2, 27),
        amount_awarded=Decimal("20000"),
        conditions="Quarterly updates",
    )
    report = services.grant_report_add(
        actor=commissioner, grant=bid, description="Six-month report", due_on=date(2026, 8, 27)
    )
    rows = grant_clocks(bid)
    assert rows[(GRANT_BID, "")] == (date(2026, 2, 20), DeadlineStatus.MET, date(2026, 2, 18))
    assert rows[(GRANT_REPORT, f"report-{report.pk}")] == (date(2026, 8, 27), DeadlineStatus.OPEN, None)
    won = selectors.grants_won(Grant.objects.all(), 2025)
    assert won == {"decided": 1, "won": 1, "requested": Decimal("25000"), "awarded": Decimal("20000")}
    assert selectors.grants_won(Grant.objects.all(), 2026)["decided"] == 0


def test_withdrawing_a_bid_closes_its_deadline(bid, commissioner):
    services.grant_withdraw(actor=commissioner, grant=bid)
    assert grant_clocks(bid) == {(GRANT_BID, ""): (date(2026, 2, 20), DeadlineStatus.CLOSED, None)}
    assert (
        Deadline.objects.get(subject_type="commissioning.grant", subject_id=bid.pk).closed_reason
        == "Bid withdrawn"
    )
    bid.refresh_from_db()
    assert bid.status == GrantStatus.WITHDRAWN
    with pytest.raises(CommissioningError, match="withdrawn: it cannot be submitted"):
        services.grant_submit(actor=commissioner, grant=bid, submitted_on=date(2026, 2, 18))
