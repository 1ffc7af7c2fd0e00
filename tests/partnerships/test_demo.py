from datetime import date

import pytest

from partnerships.demo import load_demo
from partnerships.models import Action, MaracArea, Meeting, Referral
from partnerships.selectors import marac_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(coordinator, officer, today_is):
    today_is(date(2026, 12, 3))
    users = {"coordinator": coordinator, "officer": officer}
    load_demo(users)
    return users


def _counts():
    return (
        MaracArea.objects.count(),
        Referral.objects.count(),
        Meeting.objects.count(),
        Action.objects.count(),
    )


def test_demo_loader_is_idempotent_and_synthetic(demo):
    counts = _counts()
    load_demo(demo)
    assert _counts() == counts
    # 3 areas; 8 quarters x 3 areas of meetings less Taunton's latest quarter, which its meeting with
    # actions fills, plus Taunton's next meeting: 23 + 1 + 1 = 25 meetings.
    # Cases: Mendip and Exmoor 2,3,2,3,2,3,2,3 (20 each), Taunton 3,2,3,2,3,2,3 (18) + 3 + 2 new = 63.
    assert counts == (3, 63, 25, 3)
    assert all("(synthetic)" in r.victim.full_name for r in Referral.objects.select_related("victim"))
    upcoming = Meeting.objects.order_by("-date").first()
    assert upcoming.date == date(2026, 12, 17)
    assert upcoming.agenda_items.count() == 5  # three with carried actions, two new cases


def test_every_area_has_figures_in_each_of_the_last_eight_quarters(demo):
    trend = marac_figures(date(2026, 12, 3))["trend"]
    assert [q["short"] for q in trend["quarters"]] == [
        "Q4 24/25",
        "Q1 25/26",
        "Q2 25/26",
        "Q3 25/26",
        "Q4 25/26",
        "Q1 26/27",
        "Q2 26/27",
        "Q3 26/27",
    ]  # January 2025 to December 2026
    by_area = {row["code"]: row["counts"] for row in trend["areas"]}
    assert by_area == {
        "EXMOOR": [2, 3, 2, 3, 2, 3, 2, 3],
        "MENDIP": [2, 3, 2, 3, 2, 3, 2, 3],
        "TAUNTON": [3, 2, 3, 2, 3, 2, 3, 3],
    }


def test_demo_references_run_in_date_order(demo):
    rows = list(Referral.objects.order_by("referral_date", "id").values_list("reference", "referral_date"))
    for year in (2024, 2025, 2026):
        in_year = [reference for reference, day in rows if day.year == year]
        assert in_year == sorted(in_year)
    assert [r for r, _ in rows] == sorted(r for r, _ in rows)  # MR-2024-… before MR-2025-… before MR-2026-…


def test_the_next_meeting_has_research_returns(coordinator, officer, agency_rep, other_agency_rep, today_is):
    from partnerships.models import ResearchReturn
    from partnerships.selectors import research_returns_by_agency

    today_is(date(2026, 12, 3))
    load_demo(
        {
            "coordinator": coordinator,
            "officer": officer,
            "police_rep": agency_rep,
            "housing_rep": other_agency_rep,
        }
    )
    upcoming = Meeting.objects.order_by("-date").first()
    assert upcoming.agenda_sent_on == date(2026, 12, 3)  # sent today: the research stage is open
    returns = ResearchReturn.objects.filter(meeting=upcoming)
    # The police returned on all five cases (three holding information), housing on two (one).
    assert returns.filter(agency=agency_rep.agency).count() == 5
    assert returns.filter(agency=agency_rep.agency, information_held=True).count() == 3
    assert returns.filter(agency=other_agency_rep.agency).count() == 2
    assert all("(synthetic)" in r.summary for r in returns.filter(information_held=True))
    by_agency = {row["agency"].code: row for row in research_returns_by_agency(upcoming)}
    assert by_agency["POLICE"]["returned"] == 5 and by_agency["HOUSING"]["returned"] == 2
