"""Contract clocks, worked out by hand with a calendar (England and Wales bank holidays)."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning.clocks import (
    Quarter,
    Representation,
    add_months,
    approval_due,
    end_after,
    extension_decision_due,
    periodic_notices_due,
    psr_change_headroom,
    psr_standstill_end,
    quarters_between,
    reprocurement_start_by,
    return_due,
    standstill_end,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 9, 30), 6, date(2026, 3, 31)),  # a month end stays a month end
        (date(2028, 2, 29), -6, date(2027, 8, 31)),  # leap day back six months
        (date(2026, 1, 15), 1, date(2026, 2, 15)),  # any other day keeps its day
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),  # clamped to a shorter month
        (date(2027, 2, 28), 12, date(2028, 2, 29)),  # 28 Feb 2027 is a month end
        (date(2028, 2, 28), 12, date(2029, 2, 28)),  # 28 Feb 2028 is not
        (date(2026, 4, 30), 1, date(2026, 5, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 30), 1, date(2026, 6, 30)),
    ],
)
def test_contract_months_keep_month_ends(start, months, expected):
    assert add_months(start, months) == expected


def test_each_extension_adds_its_months_to_the_end_date_in_force():
    # 29 January + 1 month is 28 February, a month end, so the next month ends on 31 March,
    # not on the 29 March that two months at once would give.
    assert end_after(date(2027, 1, 29), [1, 1]) == date(2027, 3, 31)
    assert add_months(date(2027, 1, 29), 2) == date(2027, 3, 29)
    assert end_after(date(2025, 11, 30), [3, 9]) == date(2026, 11, 30)
    assert end_after(date(2020, 3, 31), []) == date(2020, 3, 31)


def test_sidas_dates():
    """Initial end 31 March 2020, two 12-month options, six months' notice, 56 days' approval."""
    initial = date(2020, 3, 31)
    assert end_after(initial, [12]) == date(2021, 3, 31)
    latest = end_after(initial, [12, 12])
    assert latest == date(2022, 3, 31)
    assert reprocurement_start_by(latest, 18) == date(2020, 9, 30)
    decision = extension_decision_due(initial, 6)
    assert decision == date(2019, 9, 30)
    assert approval_due(decision, 56) == date(2019, 8, 5)


def test_extension_decision_at_a_leap_year_month_end():
    # Ends 31 August 2028; six months' notice falls on the last day of February 2028 (a leap year).
    assert extension_decision_due(date(2028, 8, 31), 6) == date(2028, 2, 29)
    assert reprocurement_start_by(date(2029, 8, 31), 18) == date(2028, 2, 29)


def test_standstill_over_christmas_counts_from_the_next_working_day():
    # Notice Friday 19 December 2025: Mon 22 (1), Tue 23, Wed 24, [25, 26 bank holidays],
    # Mon 29 (4), Tue 30, Wed 31, [1 January], Fri 2 (7), Mon 5 January 2026 (8).
    assert standstill_end(date(2025, 12, 19), 8) == date(2026, 1, 5)


def test_standstill_from_a_saturday_over_easter():
    # Notice Saturday 4 April 2026; Easter Monday 6 April; day 1 is Tuesday 7 April.
    assert standstill_end(date(2026, 4, 4), 8) == date(2026, 4, 16)


def test_psr_representation_restarts_the_standstill():
    notice = date(2026, 3, 2)  # Monday; 8th working day Thursday 12 March
    assert psr_standstill_end(notice, [], working_days=8, restart_working_days=5) == date(2026, 3, 12)
    waiting = [Representation(date(2026, 3, 10), None)]
    assert psr_standstill_end(notice, waiting, working_days=8, restart_working_days=5) is None
    # Re-decision Wednesday 18 March: a further 5 working days, to Wednesday 25 March.
    decided = [Representation(date(2026, 3, 10), date(2026, 3, 18))]
    assert psr_standstill_end(notice, decided, working_days=8, restart_working_days=5) == date(2026, 3, 25)
    # A re-decision so quick that 5 more days end before the 8th: the standstill still runs its 8.
    quick = [Representation(date(2026, 3, 3), date(2026, 3, 4))]
    assert psr_standstill_end(notice, quick, working_days=8, restart_working_days=5) == date(2026, 3, 12)


def test_psr_restart_over_the_spring_bank_holiday():
    # Re-decision Thursday 21 May 2026: Fri 22 (1), [Mon 25 May], Tue 26 … Fri 29 May (5).
    reps = [Representation(date(2026, 5, 20), date(2026, 5, 21))]
    assert psr_standstill_end(date(2026, 5, 11), reps, working_days=8, restart_working_days=5) == date(
        2026, 5, 29
    )


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (Quarter(2024, 1), date(2024, 7, 26)),  # ends Sunday 30 June 2024
        (Quarter(2025, 3), date(2026, 1, 29)),  # ends 31 December; 1 January a bank holiday
        (Quarter(2025, 4), date(2026, 4, 30)),  # Good Friday 3 April, Easter Monday 6 April
        (Quarter(2023, 4), date(2024, 4, 29)),  # leap year; ends Sunday 31 March, Easter Monday 1 April
    ],
)
def test_quarterly_return_due_20_working_days_after_the_quarter(quarter, expected):
    assert return_due(quarter, 20) == expected


def test_financial_year_quarters():
    assert Quarter.containing(date(2026, 3, 31)) == Quarter(2025, 4)
    assert Quarter.containing(date(2026, 4, 1)) == Quarter(2026, 1)
    assert Quarter.containing(date(2028, 2, 15)) == Quarter(2027, 4)
    assert Quarter(2027, 4).start == date(2028, 1, 1)
    assert Quarter(2027, 4).end == date(2028, 3, 31)
    assert Quarter(2027, 3).end == date(2027, 12, 31)
    assert Quarter(2024, 1).end == date(2024, 6, 30)
    assert Quarter(2024, 1).label == "2024-25 Q1"
    assert Quarter(2099, 4).label == "2099-00 Q4"
    assert Quarter.parse(" 2024-25 q3 ") == Quarter(2024, 3)
    assert Quarter(2024, 1).previous() == Quarter(2023, 4)
    for bad in ["2024-26 Q1", "2024-25 Q5", "2024 Q1", "Q1", "24-25 Q1"]:
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_quarters_covered_by_a_term():
    assert len(quarters_between(date(2017, 4, 1), date(2020, 3, 31))) == 12
    assert quarters_between(date(2024, 5, 15), date(2024, 8, 10)) == [Quarter(2024, 1), Quarter(2024, 2)]
    assert quarters_between(date(2024, 6, 30), date(2024, 7, 1)) == [Quarter(2024, 1), Quarter(2024, 2)]


def test_performance_notices_every_12_months_from_the_last_one():
    rows = periodic_notices_due(
        date(2025, 8, 31), [date(2026, 9, 15)], every_months=12, until=date(2028, 3, 31)
    )
    # First due 31 August 2026, published late on 15 September; the next 12 months after that.
    assert rows == [(date(2026, 8, 31), date(2026, 9, 15)), (date(2027, 9, 15), None)]
    # Signed on a leap day: due on the last day of February the next year.
    assert periodic_notices_due(date(2024, 2, 29), [], every_months=12, until=date(2027, 1, 1)) == [
        (date(2025, 2, 28), None)
    ]
    # Nothing periodic falls due after the end in force: the notice at termination covers it.
    assert periodic_notices_due(date(2025, 4, 1), [], every_months=12, until=date(2026, 3, 31)) == []


def test_psr_headroom():
    half_million, quarter = Decimal("500000"), Decimal("0.25")
    small = psr_change_headroom(
        Decimal("1000000"),
        [Decimal("150000"), Decimal("-50000")],
        value_limit=half_million,
        share_limit=quarter,
    )
    # 25 % of £1m is £250,000, so the £500,000 limit is the larger; a reduction counts as change.
    assert (small.limit, small.used, small.remaining, small.exceeded) == (
        Decimal("500000"),
        Decimal("200000"),
        Decimal("300000"),
        False,
    )
    large = psr_change_headroom(
        Decimal("4000000"), [Decimal("500000")], value_limit=half_million, share_limit=quarter
    )
    assert (large.limit, large.remaining, large.exceeded) == (Decimal("1000000"), Decimal("500000"), False)
    strict = psr_change_headroom(
        Decimal("4000000"), [Decimal("500000")], value_limit=half_million, share_limit=quarter, either=False
    )
    # Both limits at once: £500,000 used of £500,000 is not "below" it.
    assert (strict.limit, strict.remaining, strict.exceeded) == (Decimal("500000"), Decimal("0"), True)
