"""The clock rules in reviews/deadlines.py, worked out by hand."""

from datetime import date

import pytest

from reviews.deadlines import (
    commissioner_copy_due,
    completion_due,
    decision_due,
    default_report_due,
    paused_days,
)


@pytest.mark.parametrize(
    ("notified", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # month end clamps
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),  # year end
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_decision_due_one_calendar_month(notified, due):
    assert decision_due(notified) == due


def test_decision_months_is_a_setting(settings):
    settings.DHR_DECISION_DUE_MONTHS = 2
    assert decision_due(date(2026, 12, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 2, 10), date(2026, 8, 10)),
        (date(2026, 9, 30), date(2027, 3, 30)),
    ],
)
def test_completion_due_six_months_without_pauses(decided, due):
    assert completion_due(decided, []) == due


def test_completion_months_is_a_setting(settings):
    settings.DHR_COMPLETION_MONTHS = 9
    assert completion_due(date(2026, 2, 10), []) == date(2026, 11, 10)


def test_closed_pause_counts_both_ends():
    # 1–10 March inclusive = 10 days.
    assert paused_days([(date(2026, 3, 1), date(2026, 3, 10))], since=date(2026, 2, 10)) == 10
    assert completion_due(date(2026, 2, 10), [(date(2026, 3, 1), date(2026, 3, 10))]) == date(2026, 8, 20)


def test_single_day_pause_counts_one_day():
    assert paused_days([(date(2026, 3, 1), date(2026, 3, 1))], since=date(2026, 2, 1)) == 1


def test_overlapping_pauses_are_not_double_counted():
    pauses = [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 5), date(2026, 3, 20))]
    # 1–20 March = 20 days, not 10 + 16.
    assert paused_days(pauses, since=date(2026, 2, 1)) == 20


def test_adjacent_pauses_join():
    pauses = [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 11), date(2026, 3, 12))]
    assert paused_days(pauses, since=date(2026, 2, 1)) == 12


def test_separate_pauses_add_up():
    pauses = [(date(2026, 5, 1), date(2026, 5, 2)), (date(2026, 3, 1), date(2026, 3, 3))]
    assert paused_days(pauses, since=date(2026, 2, 1)) == 5


def test_an_open_pause_does_not_move_the_date_until_it_ends():
    # While a pause is open the clock is paused; its days count from the day it ends.
    assert paused_days([(date(2026, 10, 20), None)], since=date(2026, 2, 1)) == 0
    assert completion_due(date(2026, 5, 1), [(date(2026, 10, 20), None)]) == date(2026, 11, 1)
    # Ended on 1 November: 20 October to 1 November inclusive = 13 days.
    assert completion_due(date(2026, 5, 1), [(date(2026, 10, 20), date(2026, 11, 1))]) == date(2026, 11, 14)


def test_an_open_pause_after_a_closed_one_counts_only_the_closed_one():
    pauses = [(date(2026, 10, 1), date(2026, 10, 25)), (date(2026, 10, 20), None)]
    # 1 to 25 October = 25 days; the open pause adds its days when it ends.
    assert paused_days(pauses, since=date(2026, 2, 1)) == 25


def test_pause_days_before_the_decision_do_not_count():
    pauses = [(date(2026, 1, 25), date(2026, 2, 5))]
    # Only 1–5 February count.
    assert paused_days(pauses, since=date(2026, 2, 1)) == 5
    assert paused_days([(date(2026, 1, 1), date(2026, 1, 10))], since=date(2026, 2, 1)) == 0


def test_paused_days_over_a_leap_day():
    assert paused_days([(date(2028, 2, 28), date(2028, 3, 1))], since=date(2028, 1, 1)) == 3


def test_agency_report_and_commissioner_offsets(settings):
    assert default_report_due(date(2026, 3, 2)) == date(2026, 4, 13)
    settings.DHR_AGENCY_REPORT_WEEKS = 4
    assert default_report_due(date(2026, 3, 2)) == date(2026, 3, 30)
    assert commissioner_copy_due(date(2026, 6, 1)) == date(2026, 6, 1)
    settings.DHR_COMMISSIONER_COPY_DAYS = 14
    assert commissioner_copy_due(date(2026, 6, 1)) == date(2026, 6, 15)
