"""The monthly per-area summary of hearings: kept by the services that change what a heard
referral counts as, equal to a rebuild from the referrals, and read by the dashboard and report
figures together with the days of a month that is not whole."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from partnerships import services, summary
from partnerships.imports import import_referrals
from partnerships.models import MaracArea, MonthlySummary, Referral
from partnerships.selectors import data_return, marac_figures

from .factories import MaracAreaFactory, MeetingFactory, ReferralFactory
from .test_import import GOOD, to_csv

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(MonthlySummary.objects.values_list("area_id", "month", *summary.COLUMNS))


def _same_as_a_rebuild():
    kept = _rows()
    summary.rebuild()
    return kept == _rows()


@pytest.mark.parametrize(
    ("start", "end", "months", "edges"),
    [
        # Whole months only: a quarter, a year to a month end.
        ((2024, 1, 1), (2024, 3, 31), ((2024, 1, 1), (2024, 3, 1)), []),
        # The rolling 12 months to 15 February: 16 to 29 February 2023, March to January, 1 to 15 February.
        (
            (2023, 2, 16),
            (2024, 2, 15),
            ((2023, 3, 1), (2024, 1, 1)),
            [((2023, 2, 16), (2023, 2, 28)), ((2024, 2, 1), (2024, 2, 15))],
        ),
        # Within one month, not whole: days only.
        ((2024, 2, 2), (2024, 2, 28), None, [((2024, 2, 2), (2024, 2, 28))]),
        # 29 February 2024 is the last day of its month.
        ((2024, 2, 1), (2024, 2, 29), ((2024, 2, 1), (2024, 2, 1)), []),
        # Two part months side by side, no whole month between.
        ((2024, 1, 20), (2024, 2, 10), None, [((2024, 1, 20), (2024, 2, 10))]),
    ],
)
def test_a_range_is_whole_months_and_the_days_either_side(start, end, months, edges):
    day = lambda parts: dt.date(*parts)  # noqa: E731
    whole, days = summary._pieces(day(start), day(end))
    assert whole == (None if months is None else (day(months[0]), day(months[1])))
    assert days == [(day(a), day(b)) for a, b in edges]


def test_figures_to_a_day_within_a_month_add_the_days_to_the_whole_months(
    hand_worked, django_assert_num_queries
):
    """12 months from 16 February 2023 to 15 February 2024 in HAND: heard 31 March 2023, 1 April
    2023 (repeat), 31 December 2023, 1 January 2024 (repeat, 2 children), 15 January 2024 (1
    child) and 1 February 2024 (health, repeat) = 6 cases, 3 repeats, 1 not by the police,
    3 children. 29 February and later are after the date."""
    with django_assert_num_queries(1):  # the areas with their whole months and their days
        data = marac_figures(dt.date(2024, 2, 15))
    [hand] = [area for area in data["areas"] if area["code"] == "HAND"]
    kpis = {kpi["key"]: kpi for kpi in hand["kpis"]}
    assert hand["cases"] == 6
    assert (kpis["repeat"]["count"], kpis["repeat"]["percent"]) == (3, "50.0")
    assert (kpis["non_police"]["count"], kpis["non_police"]["percent"]) == (1, "16.7")
    assert kpis["children"]["count"] == 3
    # The same as the data return counted from the referrals themselves.
    [row] = data_return(areas=[hand_worked], start=dt.date(2023, 2, 16), end=dt.date(2024, 2, 15))
    assert (row["cases_discussed"], row["repeat_cases"], row["children_in_households"]) == (6, 3, 3)


def test_days_alone_days_and_months_and_months_alone_for_each_area_in_one_query(
    hand_worked, django_assert_num_queries
):
    """HAND, by hand (conftest): 2 to 30 January 2024 is days only: 15 January (police, 1 child).
    20 December 2023 to 15 February 2024 is January whole (1 January: police, repeat, 2
    children, perpetrator 17; 15 January) and the days either side (31 December: police; 1
    February: health, repeat, male, disabled): 4 cases, 2 repeats, 3 by the police, 3 children.
    March 2024 is a whole month: 1 March (police, 3 children, perpetrator 15), 10 March
    (police), 20 March (health, repeat, disabled), 31 March (police). The other area's one case
    is on 1 February (police)."""
    other = Referral.objects.exclude(area=hand_worked).get(heard_date=dt.date(2024, 2, 1)).area
    ranges = {
        "days": (dt.date(2024, 1, 2), dt.date(2024, 1, 30)),
        "both": (dt.date(2023, 12, 20), dt.date(2024, 2, 15)),
        "whole": (dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    }
    columns = ["cases", "victims_repeat", "police", "children", "male", "disabled", "perpetrators_under_18"]
    with django_assert_num_queries(1):
        areas, counted = summary.counts_between(
            MaracArea.objects.filter(pk__in=[hand_worked.pk, other.pk]).order_by("code"), ranges
        )
    assert sorted(area.pk for area in areas) == sorted([hand_worked.pk, other.pk])
    shown = {
        area: {name: [counted[area.pk][name][column] for column in columns] for name in ranges}
        for area in (hand_worked, other)
    }
    assert shown[hand_worked] == {
        "days": [1, 0, 1, 1, 0, 0, 0],
        "both": [4, 2, 3, 3, 1, 1, 1],
        "whole": [4, 1, 3, 3, 0, 1, 1],
    }
    assert shown[other] == {"days": [0] * 7, "both": [1, 0, 1, 0, 0, 0, 0], "whole": [0] * 7}


def test_all_areas_together_are_the_sums_of_the_areas(hand_worked):
    """HAND's 10 cases (16,000 women) and the other area's 1 (10,000 women): 11 cases, 4 + 0
    repeats, and 11 / 26,000 × 10,000 = 4.2 cases per 10,000 women."""
    totals = {kpi["key"]: kpi for kpi in marac_figures(dt.date(2024, 3, 31))["totals"]["kpis"]}
    assert totals["cases"]["count"] == 11
    assert (totals["repeat"]["count"], totals["repeat"]["percent"]) == (4, "36.4")
    assert totals["rate"]["rate"] == "4.2"
    assert totals["children"]["count"] == 6


def test_hearing_a_case_at_a_meeting_counts_it_in_its_month(coordinator, area, make_referral):
    referral = make_referral()
    meeting = MeetingFactory(area=area, date=dt.date(2024, 7, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    assert not MonthlySummary.objects.exists()
    services.agenda_item_record(actor=coordinator, item=meeting.agenda_items.get(), minutes="Discussed")
    row = MonthlySummary.objects.get()
    assert (row.area_id, row.month, row.cases) == (referral.area_id, dt.date(2024, 7, 1), 1)
    assert _same_as_a_rebuild()


def test_an_import_and_the_repeats_it_changes_are_in_the_summary(area):
    import_referrals(actor=None, data=to_csv([GOOD]), file_name="a.csv")
    # An earlier referral of the same victim, imported later, makes the first a repeat.
    earlier = {**GOOD, "referral_id": "X0", "referral_date": "2023-12-01", "heard_date": "2023-12-20"}
    import_referrals(actor=None, data=to_csv([earlier]), file_name="b.csv")
    assert Referral.objects.get(reference="X1").is_repeat
    january = MonthlySummary.objects.get(month=dt.date(2024, 1, 1))
    assert (january.cases, january.victims_repeat, january.police) == (1, 1, 1)
    assert MonthlySummary.objects.get(month=dt.date(2023, 12, 1)).victims_repeat == 0
    assert _same_as_a_rebuild()


def test_a_withdrawn_referral_stops_a_heard_one_being_a_repeat(coordinator, area, make_referral):
    first = make_referral(referral_date=dt.date(2024, 5, 1))
    meeting = MeetingFactory(area=area, date=dt.date(2024, 7, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    services.agenda_item_record(actor=coordinator, item=meeting.agenda_items.get(), minutes="Discussed")
    # A back-dated referral of the same victim, never heard: the heard one becomes a repeat.
    earlier = make_referral(referral_date=dt.date(2024, 3, 1), victim=first.victim)
    assert MonthlySummary.objects.get().victims_repeat == 1
    services.referral_withdraw(actor=coordinator, referral=earlier, reason="Entered in error (synthetic).")
    assert MonthlySummary.objects.get().victims_repeat == 0
    assert _same_as_a_rebuild()


def test_the_command_rebuilds_every_month(hand_worked, capsys):
    kept = _rows()
    MonthlySummary.objects.all().delete()
    call_command("rebuild_marac_summary")
    assert _rows() == kept and len(kept) == 8  # HAND: 7 months with cases; the other area: 1
    assert "MARAC monthly summary rebuilt: 8 area-months" in capsys.readouterr().out


def test_a_heard_case_transferred_counts_in_its_new_area(coordinator, area):
    heard = ReferralFactory(area=area, status="heard", heard_date=dt.date(2024, 3, 5))
    other = MaracAreaFactory(code="OTHER")
    services.referral_transfer(actor=coordinator, referral=heard, to_area=other, reason="Moved (synthetic).")
    assert list(MonthlySummary.objects.values_list("area_id", "month", "cases")) == [
        (other.pk, dt.date(2024, 3, 1), 1)
    ]
    assert _same_as_a_rebuild()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the import's SQL is PostgreSQL's (pgtest.sh)")
def test_repeat_flags_that_change_move_only_the_repeats_of_their_months(area):
    """What an import does to the referrals already there whose repeat flag it changes."""
    other = MaracAreaFactory()
    MonthlySummary.objects.bulk_create(
        [
            MonthlySummary(area=area, month=dt.date(2024, 1, 1), cases=5, victims_repeat=1, police=2),
            MonthlySummary(area=area, month=dt.date(2024, 2, 1), cases=3, victims_repeat=2, police=1),
            MonthlySummary(area=other, month=dt.date(2024, 1, 1), cases=4, victims_repeat=0, police=4),
        ]
    )
    changes = (
        "SELECT * FROM (VALUES "
        + ", ".join(
            f"({area_id}, {day}::date, {was}, {now})"
            for area_id, day, was, now in [
                (area.pk, "'2024-01-15'", "false", "true"),  # January: one more repeat
                (area.pk, "'2024-01-31'", "false", "true"),  # and another
                (area.pk, "'2024-02-03'", "true", "false"),  # February: one fewer
                (area.pk, "'2024-02-10'", "true", "true"),  # the flag is as it was: nothing
                (other.pk, "'2024-01-09'", "false", "true"),  # the other area's January: one more
                (other.pk, "'2024-01-20'", "true", "false"),  # and one fewer: nothing in all
                (area.pk, "NULL", "false", "true"),  # not heard: in no month
            ]
        )
        + ") AS c (area_id, heard_date, was_repeat, repeat)"
    )
    summary.add_repeat_changes(changes)
    rows = MonthlySummary.objects.order_by("area_id", "month").values_list(
        "area_id", "month", "cases", "victims_repeat", "police"
    )
    assert sorted(rows) == sorted(
        [
            (area.pk, dt.date(2024, 1, 1), 5, 3, 2),
            (area.pk, dt.date(2024, 2, 1), 3, 1, 1),
            (other.pk, dt.date(2024, 1, 1), 4, 0, 4),
        ]
    )
