from datetime import date

import pytest

from somerset_safety.core.dates import add_months, add_working_days, is_working_day, working_days_between
from somerset_safety.deadlines.rules import current_step, escalation_due

DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (date(2026, 3, 16), None),
        (date(2026, 3, 17), "before-14"),
        (date(2026, 3, 23), "before-14"),
        (date(2026, 3, 24), "before-7"),
        (date(2026, 3, 30), "before-1"),
        (date(2026, 3, 31), "due"),
        (date(2026, 4, 6), "due"),
        (date(2026, 4, 7), "overdue-7"),
        (date(2026, 4, 13), "overdue-7"),
        (date(2026, 4, 14), "overdue-14"),
        (date(2026, 5, 5), "overdue-35"),
    ],
)
def test_current_step(today, step):
    assert current_step(DUE, today) == step


def test_escalation_after_fourteen_days_overdue():
    assert not escalation_due(DUE, date(2026, 4, 13))
    assert escalation_due(DUE, date(2026, 4, 14))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_calendar_months_clamp_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_working_days_skip_christmas_and_easter_bank_holidays():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute
    # 24 Dec, then 29, 30, 31 Dec (25, 28 Dec and 1 Jan are bank holidays), then Monday 4 Jan.
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert working_days_between(date(2027, 3, 25), date(2027, 3, 30)) == 1
    assert add_working_days(date(2027, 3, 30), -1) == date(2027, 3, 25)
