"""The dashboard panel and Executive report section: figures as they stood on the report date,
worked out by hand; small counts of people suppressed for leads; fixed query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning import services
from commissioning.clocks import Quarter
from commissioning.models import Direction
from commissioning.reporting import commissioning_figures, report_quarter
from somerset_safety.accounts.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def performing(sidas, commissioner):
    """SIDAS with two KPIs and returns for 2019-20 Q1 and Q2; option 1 taken on 15 September 2019."""
    option = sidas.options.get(number=1)
    services.option_agree(actor=commissioner, option=option, agreed_on=date(2019, 8, 1))
    services.extension_take(
        actor=commissioner,
        option=option,
        decided_on=date(2019, 9, 15),
        approver="Executive",
        reason="Performing",
    )
    kpis = {}
    for name, unit, direction, target, tolerance, people in [
        ("Engagement", "%", Direction.HIGHER, "70", "5", False),
        ("Households not supported", "households", Direction.LOWER, "5", "2", True),
    ]:
        kpis[name] = services.kpi_create(
            actor=commissioner,
            contract=sidas,
            name=name,
            definition="Synthetic",
            unit=unit,
            direction=direction,
            target=Decimal(target),
            tolerance=Decimal(tolerance),
            frequency="quarterly",
            benchmark=None,
            counts_people=people,
            set_on=date(2017, 3, 1),
        )
    for quarter, received, engagement, households in [
        (Quarter(2019, 1), date(2019, 7, 20), "72", "3"),
        (Quarter(2019, 2), date(2019, 10, 25), "66", "8"),
    ]:
        services.return_record(
            actor=commissioner,
            contract=sidas,
            quarter=quarter,
            received_on=received,
            figures=[
                services.ReturnFigure(kpis["Engagement"].pk, engagement),
                services.ReturnFigure(kpis["Households not supported"].pk, households),
            ],
        )
    return sidas


def test_the_report_quarter():
    assert report_quarter(date(2019, 9, 30)) == Quarter(2019, 2)
    assert report_quarter(date(2019, 10, 31)) == Quarter(2019, 2)
    assert report_quarter(date(2020, 1, 1)) == Quarter(2019, 3)


def test_contract_status_and_dates_as_they_stood(performing):
    before = commissioning_figures(date(2019, 6, 30))
    row = before["contracts"][0]
    assert (row["status"], row["end"], row["latest_end"]) == ("live", "2020-03-31", "2022-03-31")
    # The extension decision, due 30 September 2019, was still to be made on 30 June.
    assert row["decision"]["due"] == "2019-09-30"
    after = commissioning_figures(date(2019, 12, 31))
    row = after["contracts"][0]
    assert (row["status"], row["end"], row["latest_end"]) == ("in_extension", "2021-03-31", "2022-03-31")
    # Next: the decision on option 2, six months before 31 March 2021.
    assert row["decision"]["due"] == "2020-09-30"
    assert [c["count"] for c in after["counts"]] == [0, 0, 1, 0, 0]


def test_kpi_rag_for_the_quarter_with_returns_received_by_the_date(performing):
    assert commissioning_figures(date(2019, 6, 30))["rated"] == []  # the Q1 return came on 20 July
    july = commissioning_figures(date(2019, 7, 31))
    assert july["quarter"] == "2019-20 Q1"
    assert [(k["kpi"], k["value"], k["rag"], k["trend"], k["people"]) for k in july["rated"][0]["kpis"]] == [
        ("Engagement", "72", "green", "", None),
        ("Households not supported", "3", "green", "", 3),
    ]
    assert commissioning_figures(date(2019, 9, 30))["rated"] == []  # Q2's return came on 25 October
    october = commissioning_figures(date(2019, 10, 31))
    assert october["quarter"] == "2019-20 Q2"
    # 66 is 4 short of 70, within 5: amber and worse than 72; 8 is 3 over 5, beyond 2: red.
    assert [(k["kpi"], k["rag"], k["trend"]) for k in october["rated"][0]["kpis"]] == [
        ("Engagement", "amber", "Worsening"),
        ("Households not supported", "red", "Worsening"),
    ]
    assert october["chart_series"] == {"Green": [0], "Amber": [1], "Red": [1]}


def test_a_past_report_does_not_change_when_newer_data_arrives(performing, commissioner):
    figures = commissioning_figures(date(2019, 10, 31))
    kpi = performing.kpis.get(name="Engagement")
    people = performing.kpis.get(name="Households not supported")
    services.return_record(
        actor=commissioner,
        contract=performing,
        quarter=Quarter(2019, 3),
        received_on=date(2020, 1, 20),
        figures=[services.ReturnFigure(kpi.pk, "90"), services.ReturnFigure(people.pk, "1")],
    )
    services.option_decline(
        actor=commissioner,
        option=performing.options.get(number=2),
        declined_on=date(2020, 6, 1),
        reason="Re-procure",
    )
    assert commissioning_figures(date(2019, 10, 31)) == figures


def test_budget_and_grants_as_at_the_date(commissioner, officer, today):
    from tests.reviews.factories import make_review

    review = make_review(officer)
    council, police = Agency.objects.get(code="CST"), Agency.objects.get(code="POLICE")
    services.contribution_record(
        actor=commissioner, year=2024, partner=council, amount=Decimal("2000"), received_on=date(2024, 5, 1)
    )
    services.contribution_record(actor=commissioner, year=2024, partner=police, amount=Decimal("1500"))
    services.spend_record(
        actor=commissioner,
        spent_on=date(2024, 9, 1),
        category="dhr_chair",
        description="Fee",
        amount=Decimal("1200"),
        dhr_reference=review.reference,
    )
    services.spend_record(
        actor=commissioner,
        spent_on=date(2025, 4, 2),
        category="training",
        description="Day",
        amount=Decimal("300"),
    )
    assert commissioning_figures(date(2025, 3, 31))["budget"] == {
        "year": "2024-25",
        "brought_forward": "0.00",
        "contributions": "2000.00",
        "spent": "1200.00",
        "balance": "800.00",
    }
    assert commissioning_figures(date(2025, 4, 30))["budget"] == {
        "year": "2025-26",
        "brought_forward": "800.00",
        "contributions": "0.00",
        "spent": "300.00",
        "balance": "500.00",
    }
    bid = services.grant_create(
        actor=commissioner,
        funder="Fund",
        scheme="Scheme",
        partner="Partner",
        amount_requested=Decimal("25000"),
        bid_deadline=date(2026, 2, 20),
    )
    services.grant_submit(actor=commissioner, grant=bid, submitted_on=date(2026, 2, 18))
    services.grant_decide(
        actor=commissioner,
        grant=bid,
        awarded=True,
        decided_on=date(2026, 2, 27),
        amount_awarded=Decimal("20000"),
    )
    assert commissioning_figures(date(2026, 2, 26))["grants"]["decided"] == 0
    assert commissioning_figures(date(2026, 3, 1))["grants"] == {
        "year": "2025-26",
        "decided": 1,
        "won": 1,
        "awarded": "20000.00",
    }


def test_small_counts_of_people_are_hidden_from_leads(performing, as_user, partnership_lead, commissioner):
    from django.template.loader import render_to_string

    data = commissioning_figures(date(2019, 7, 31))
    from commissioning.reporting import commissioning_declaration
    from somerset_safety.reports.disclosure import shown

    protected = shown(data, commissioning_declaration, suppress=True)
    for_lead = render_to_string("commissioning/report_section.html", {"data": protected})
    assert "fewer than 5 households" in for_lead and "72 %" in for_lead
    assert data["rated"][0]["kpis"]  # the figures themselves are not changed
    for_officer = render_to_string("commissioning/report_section.html", {"data": data})
    assert "3 households" in for_officer
    page = as_user(partnership_lead).get("/dashboard/").content.decode()
    assert "Commissioned services" in page and "/commissioning/" not in page
    page = as_user(commissioner).get("/dashboard/").content.decode()
    assert 'href="/commissioning/"' in page


def test_figures_take_a_fixed_number_of_queries(performing, make_contract, commissioner):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            commissioning_figures(date(2026, 3, 1))
        return len(captured)

    before = queries()
    for n in range(3):
        make_contract(title=f"Another {n}", option_count=2, option_months=12, signed_on=date(2017, 3, 1))
    # The budget and grants together; the contracts with their extension options and KPI results.
    assert queries() == before == 2
