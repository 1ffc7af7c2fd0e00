"""Cycles, next-due dates, working days over bank holidays, and the computed status."""

from datetime import date

import pytest

from duties.models import Duty, DutyStatus, Obligation
from duties.models.register import obligation_status
from duties.selectors import register_queryset, status_counts
from somerset_safety.core.dates import add_working_days

from .factories import DutyFactory, ObligationFactory


@pytest.mark.parametrize(
    ("cycle", "last_met", "next_due"),
    [
        (12, date(2025, 6, 12), date(2026, 6, 12)),  # annual
        (12, date(2024, 2, 29), date(2025, 2, 28)),  # 12 months from a leap day clamps to 28 Feb
        (12, date(2025, 1, 31), date(2026, 1, 31)),
        (36, date(2023, 3, 31), date(2026, 3, 31)),  # three-year (safe accommodation strategy)
        (36, date(2024, 2, 29), date(2027, 2, 28)),
        (6, date(2025, 8, 31), date(2026, 2, 28)),  # a calendar month clamped to the month's end
    ],
)
def test_next_due_follows_the_cycle_in_calendar_months(cycle, last_met, next_due):
    assert Obligation(cycle_months=cycle).next_due_after(last_met) == next_due


def test_next_due_without_evidence_is_the_first_due_date():
    assert Obligation(cycle_months=12, first_due_on=date(2026, 3, 31)).next_due_after(None) == date(
        2026, 3, 31
    )
    assert Obligation(cycle_months=12).next_due_after(None) is None


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        # Fri 19 Dec 2025: Mon 22, Tue 23, Wed 24, (Christmas Day, Boxing Day) Mon 29, Tue 30.
        (date(2025, 12, 19), date(2025, 12, 30)),
        # Wed 24 Dec 2025: Mon 29, Tue 30, Wed 31, (New Year's Day) Fri 2, Mon 5 Jan.
        (date(2025, 12, 24), date(2026, 1, 5)),
        # Wed 1 Apr 2026: Thu 2, (Good Friday 3, Easter Monday 6) Tue 7, Wed 8, Thu 9, Fri 10.
        (date(2026, 4, 1), date(2026, 4, 10)),
        # An ordinary week: Mon 9 Mar 2026 → Mon 16 Mar.
        (date(2026, 3, 9), date(2026, 3, 16)),
    ],
)
def test_reasonable_grounds_decision_expected_five_working_days_later(submitted, expected):
    assert add_working_days(submitted, 5) == expected


TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("last_met", "next_due", "status"),
    [
        (None, None, DutyStatus.NO_EVIDENCE),
        (None, date(2020, 1, 1), DutyStatus.NO_EVIDENCE),  # a first due date alone is not evidence
        (date(2025, 5, 31), date(2026, 5, 31), DutyStatus.OVERDUE),  # yesterday
        (date(2025, 6, 1), date(2026, 6, 1), DutyStatus.DUE_SOON),  # due today is not yet overdue
        (date(2025, 7, 31), date(2026, 7, 31), DutyStatus.DUE_SOON),  # 60 days away
        (date(2025, 8, 1), date(2026, 8, 1), DutyStatus.MET),  # 61 days away
    ],
)
def test_obligation_status(last_met, next_due, status):
    assert obligation_status(last_met_on=last_met, next_due_on=next_due, today=TODAY) == status


def test_due_soon_window_is_a_setting(settings):
    settings.DUTIES_DUE_SOON_DAYS = 90
    assert (
        obligation_status(last_met_on=date(2025, 8, 1), next_due_on=date(2026, 8, 1), today=TODAY)
        == DutyStatus.DUE_SOON
    )


@pytest.mark.django_db
def test_duty_status_is_its_worst_obligation_computed_in_the_database():
    """Hand-worked: four duties, today 1 June 2026, due-soon window 60 days (to 31 July).

    A: met (due 1 Jan 2027) + due soon (due 15 Jul 2026)        → due soon
    B: met + no evidence                                       → no evidence
    C: no evidence + overdue (due 1 May 2026)                   → overdue
    D: met only, plus an inactive overdue obligation (ignored)  → met
    E: no obligations at all                                    → no evidence
    """

    def ob(duty, last_met, next_due, active=True):
        return ObligationFactory(duty=duty, last_met_on=last_met, next_due_on=next_due, active=active)

    a, b, c, d, e = (DutyFactory(title=t) for t in "ABCDE")
    ob(a, date(2026, 1, 1), date(2027, 1, 1))
    ob(a, date(2025, 7, 15), date(2026, 7, 15))
    ob(b, date(2026, 1, 1), date(2027, 1, 1))
    ob(b, None, None)
    ob(c, None, None)
    ob(c, date(2025, 5, 1), date(2026, 5, 1))
    ob(d, date(2026, 1, 1), date(2027, 1, 1))
    ob(d, date(2020, 1, 1), date(2021, 1, 1), active=False)

    rows = register_queryset(Duty.objects.filter(title__in=list("ABCDE")), TODAY)
    statuses = {duty.title: duty.computed_status for duty in rows}
    assert statuses == {
        "A": DutyStatus.DUE_SOON,
        "B": DutyStatus.NO_EVIDENCE,
        "C": DutyStatus.OVERDUE,
        "D": DutyStatus.MET,
        "E": DutyStatus.NO_EVIDENCE,
    }
    # Most urgent first: overdue, then no evidence, then due soon, then met.
    assert [duty.title for duty in rows] == ["C", "B", "E", "A", "D"]
    assert {duty.title: duty.next_due for duty in rows}["A"] == date(2026, 7, 15)
    assert status_counts(rows) == {"overdue": 1, "no_evidence": 2, "due_soon": 1, "met": 1}
    assert [d.title for d in rows.filter(computed_status=DutyStatus.OVERDUE)] == ["C"]
    assert e.obligations.count() == 0
