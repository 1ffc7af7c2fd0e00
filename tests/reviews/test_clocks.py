"""The clock rules in reviews/deadlines.py, worked out by hand."""

from datetime import date

import pytest

from reviews.deadlines import (
    clock_status,
    commissioner_copy_due,
    completion_due,
    decision_due,
    default_report_due,
    paused_days,
)

TODAY = date(2026, 11, 1)


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
    assert completion_due(decided, [], today=TODAY) == due


def test_completion_months_is_a_setting(settings):
    settings.DHR_COMPLETION_MONTHS = 9
    assert completion_due(date(2026, 2, 10), [], today=TODAY) == date(2026, 11, 10)


def test_closed_pause_counts_both_ends():
    # 1–10 March inclusive = 10 days.
    assert paused_days([(date(2026, 3, 1), date(2026, 3, 10))], since=date(2026, 2, 10), today=TODAY) == 10
    assert completion_due(date(2026, 2, 10), [(date(2026, 3, 1), date(2026, 3, 10))], today=TODAY) == date(
        2026, 8, 20
    )


def test_single_day_pause_counts_one_day():
    assert paused_days([(date(2026, 3, 1), date(2026, 3, 1))], since=date(2026, 2, 1), today=TODAY) == 1


def test_overlapping_pauses_are_not_double_counted():
    pauses = [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 5), date(2026, 3, 20))]
    # 1–20 March = 20 days, not 10 + 16.
    assert paused_days(pauses, since=date(2026, 2, 1), today=TODAY) == 20


def test_adjacent_pauses_join():
    pauses = [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 11), date(2026, 3, 12))]
    assert paused_days(pauses, since=date(2026, 2, 1), today=TODAY) == 12


def test_separate_pauses_add_up():
    pauses = [(date(2026, 5, 1), date(2026, 5, 2)), (date(2026, 3, 1), date(2026, 3, 3))]
    assert paused_days(pauses, since=date(2026, 2, 1), today=TODAY) == 5


def test_open_pause_runs_to_today():
    # 20 October to 1 November inclusive = 13 days.
    assert paused_days([(date(2026, 10, 20), None)], since=date(2026, 2, 1), today=TODAY) == 13
    assert completion_due(date(2026, 5, 1), [(date(2026, 10, 20), None)], today=TODAY) == date(2026, 11, 14)


def test_open_pause_overlapping_a_closed_one():
    pauses = [(date(2026, 10, 1), date(2026, 10, 25)), (date(2026, 10, 20), None)]
    # 1 October to 1 November = 32 days.
    assert paused_days(pauses, since=date(2026, 2, 1), today=TODAY) == 32


def test_pause_days_before_the_decision_do_not_count():
    pauses = [(date(2026, 1, 25), date(2026, 2, 5))]
    # Only 1–5 February count.
    assert paused_days(pauses, since=date(2026, 2, 1), today=TODAY) == 5
    assert paused_days([(date(2026, 1, 1), date(2026, 1, 10))], since=date(2026, 2, 1), today=TODAY) == 0


def test_paused_days_over_a_leap_day():
    assert (
        paused_days([(date(2028, 2, 28), date(2028, 3, 1))], since=date(2028, 1, 1), today=date(2028, 6, 1))
        == 3
    )


def test_agency_report_and_commissioner_offsets(settings):
    assert default_report_due(date(2026, 3, 2)) == date(2026, 4, 13)
    settings.DHR_AGENCY_REPORT_WEEKS = 4
    assert default_report_due(date(2026, 3, 2)) == date(2026, 3, 30)
    assert commissioner_copy_due(date(2026, 6, 1)) == date(2026, 6, 1)
    settings.DHR_COMMISSIONER_COPY_DAYS = 14
    assert commissioner_copy_due(date(2026, 6, 1)) == date(2026, 6, 15)


@pytest.mark.parametrize(
    ("due", "met", "status"),
    [
        (date(2026, 10, 31), None, "overdue"),
        (date(2026, 11, 1), None, "due_soon"),
        (date(2026, 11, 15), None, "due_soon"),
        (date(2026, 11, 16), None, "on_track"),
        (date(2026, 10, 1), date(2026, 10, 5), "met"),
        (None, None, "not_started"),
    ],
)
def test_clock_status(due, met, status):
    assert clock_status(due, met, TODAY) == status


def test_due_soon_window_is_a_setting(settings):
    settings.DHR_DUE_SOON_DAYS = 30
    assert clock_status(date(2026, 11, 30), None, TODAY) == "due_soon"
