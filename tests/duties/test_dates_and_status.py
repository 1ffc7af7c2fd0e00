"""Cycles, next-due dates, working days over bank holidays, and the computed status."""

from datetime import date

import pytest

from duties import services
from duties.models import Duty, DutyStatus, Obligation
from duties.permissions import register_duties
from duties.selectors import (
    register_queryset,
    status_counts,
    status_counts_on,
    with_duty_status,
    with_obligation_status,
)
from somerset_safety.core.dates import add_working_days
from somerset_safety.deadlines.models import Deadline

from .factories import DutyFactory, ObligationFactory, record_evidence


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


def test_next_due_without_evidence_is_the_first_due_date(settings):
    assert Obligation(cycle_months=12, first_due_on=date(2026, 3, 31)).next_due_after(None) == date(
        2026, 3, 31
    )
    settings.DUTIES_REGISTER_STARTED_ON = date(2026, 4, 1)
    # Not set: one cycle after the register started ...
    assert Obligation(cycle_months=12).next_due_after(None) == date(2027, 4, 1)
    assert Obligation(cycle_months=36).next_due_after(None) == date(2029, 4, 1)
    # ... or after the duty came into force, if later; an older duty starts with the register.
    newer = Duty(in_force_on=date(2026, 10, 31))
    assert Obligation(duty=newer, cycle_months=12).next_due_after(None) == date(2027, 10, 31)
    assert Obligation(duty=newer, cycle_months=6).next_due_after(None) == date(2027, 4, 30)
    older = Duty(in_force_on=date(2014, 10, 20))
    assert Obligation(duty=older, cycle_months=12).next_due_after(None) == date(2027, 4, 1)


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


def _obligation(officer, *met_dates, duty=None, first_due=None, active=True):
    """An obligation whose status comes, as in the product, from its stored deadlines: each
    evidence date meets the cycle then due (services keep the deadlines in step)."""
    obligation = ObligationFactory(
        duty=duty or DutyFactory(), cycle_months=12, first_due_on=first_due, active=active
    )
    for met_on in met_dates:
        record_evidence(obligation, officer, met_on=met_on)
    return services.obligation_refresh(obligation=obligation)


@pytest.mark.parametrize(
    ("first_due", "met", "status"),
    [
        (None, None, DutyStatus.NO_EVIDENCE),  # first due a year after the register started
        (date(2026, 8, 1), None, DutyStatus.NO_EVIDENCE),  # never evidenced, first due in 61 days
        (date(2026, 7, 31), None, DutyStatus.DUE_SOON),  # never evidenced, first due in 60 days
        (date(2020, 1, 1), None, DutyStatus.OVERDUE),  # never evidenced and past its first due date
        (None, date(2025, 5, 31), DutyStatus.OVERDUE),  # next due yesterday
        (None, date(2025, 6, 1), DutyStatus.DUE_SOON),  # due today is not yet overdue
        (None, date(2025, 7, 31), DutyStatus.DUE_SOON),  # 60 days away
        (None, date(2025, 8, 1), DutyStatus.MET),  # 61 days away
        (date(2025, 8, 1), date(2025, 8, 1), DutyStatus.MET),  # met on its due date: on time
        (date(2025, 8, 1), date(2025, 8, 3), DutyStatus.MET_LATE),  # met two days late, next due in 63
    ],
)
@pytest.mark.django_db
def test_obligation_status_from_its_stored_deadlines(officer, settings, first_due, met, status):
    settings.DUTIES_REGISTER_STARTED_ON = date(2026, 4, 1)
    obligation = _obligation(officer, *([met] if met else []), first_due=first_due)
    assert (
        with_obligation_status(Obligation.objects.filter(pk=obligation.pk), TODAY).get().computed_status
        == status
    )


@pytest.mark.django_db
def test_due_soon_window_is_a_setting(settings, officer):
    obligation = _obligation(officer, date(2025, 8, 1))
    settings.DUTIES_DUE_SOON_DAYS = 90
    assert (
        with_obligation_status(Obligation.objects.filter(pk=obligation.pk), TODAY).get().computed_status
        == DutyStatus.DUE_SOON
    )


@pytest.mark.django_db
def test_each_cycle_is_a_deadline_met_on_time_or_late(officer):
    obligation = _obligation(officer, date(2024, 4, 10), date(2025, 3, 31), first_due=date(2024, 3, 31))
    cycles = list(
        Deadline.objects.filter(subject_type="duties.obligation", subject_id=obligation.pk)
        .order_by("due_date")
        .values_list("due_date", "status", "met_on")
    )
    # Due 31 Mar 2024, met 10 Apr (10 days late); due 10 Apr 2025, met 31 Mar (early); due 31 Mar 2026.
    assert cycles == [
        (date(2024, 3, 31), "met", date(2024, 4, 10)),
        (date(2025, 4, 10), "met", date(2025, 3, 31)),
        (date(2026, 3, 31), "open", None),
    ]
    assert all(row.statutory for row in Deadline.objects.filter(subject_id=obligation.pk))


@pytest.mark.django_db
def test_duty_status_is_its_worst_obligation_computed_in_the_database(officer, settings):
    """Hand-worked: six duties, today 1 June 2026, due-soon window 60 days (to 31 July), the
    register started 1 April 2026 (never evidenced: first due 1 April 2027).

    A: met (due 1 Jan 2027) + due soon (due 15 Jul 2026)        → due soon
    B: met + no evidence (first due 1 April 2027)              → no evidence
    C: no evidence + overdue (due 1 May 2026)                   → overdue
    D: met only, plus an inactive overdue obligation (ignored)  → met
    E: no obligations at all                                    → no evidence
    F: first due 1 Dec 2025, met 20 Dec (late), due 20 Dec 2026 → met, but late last time
    """
    settings.DUTIES_REGISTER_STARTED_ON = date(2026, 4, 1)
    a, b, c, d, e, f = (DutyFactory(title=t) for t in "ABCDEF")
    _obligation(officer, date(2026, 1, 1), duty=a)
    _obligation(officer, date(2025, 7, 15), duty=a)
    _obligation(officer, date(2026, 1, 1), duty=b)
    _obligation(officer, duty=b)
    _obligation(officer, duty=c)
    _obligation(officer, date(2025, 5, 1), duty=c)
    _obligation(officer, date(2026, 1, 1), duty=d)
    _obligation(officer, date(2020, 1, 1), duty=d, active=False)
    _obligation(officer, date(2025, 12, 20), duty=f, first_due=date(2025, 12, 1))

    rows = register_queryset(Duty.objects.filter(title__in=list("ABCDEF")), TODAY)
    statuses = {duty.title: duty.computed_status for duty in rows}
    assert statuses == {
        "A": DutyStatus.DUE_SOON,
        "B": DutyStatus.NO_EVIDENCE,
        "C": DutyStatus.OVERDUE,
        "D": DutyStatus.MET,
        "E": DutyStatus.NO_EVIDENCE,
        "F": DutyStatus.MET_LATE,
    }
    # Most urgent first: overdue, then due soon, then no evidence, then met late, then met.
    assert [duty.title for duty in rows] == ["C", "A", "B", "E", "F", "D"]
    assert {duty.title: duty.next_due for duty in rows}["A"] == date(2026, 7, 15)
    assert status_counts(rows) == {"overdue": 1, "no_evidence": 2, "due_soon": 1, "met_late": 1, "met": 1}
    assert [d.title for d in rows.filter(computed_status=DutyStatus.OVERDUE)] == ["C"]
    assert e.obligations.count() == 0


@pytest.mark.django_db
def test_the_dashboard_counts_with_its_statement_compiled_once(officer, settings, django_assert_num_queries):
    """The six duties above, counted by the dashboard's statement (compiled once for a stand-in
    day and run for the day asked for): the same as the register's queryset on every day, and
    worked out again when a due-soon window changes. With a 10-day window on 1 June 2026, A's
    obligation due 15 July 2026 is on track, so A is met: overdue C, no evidence B and E, met
    late F, met A and D."""
    settings.DUTIES_REGISTER_STARTED_ON = date(2026, 4, 1)
    Duty.objects.update(active=False)  # the reference register, so the figures are these alone
    a, b, c, d, e, f = (DutyFactory(title=t) for t in "ABCDEF")
    _obligation(officer, date(2026, 1, 1), duty=a)
    _obligation(officer, date(2025, 7, 15), duty=a)
    _obligation(officer, date(2026, 1, 1), duty=b)
    _obligation(officer, duty=b)
    _obligation(officer, duty=c)
    _obligation(officer, date(2025, 5, 1), duty=c)
    _obligation(officer, date(2026, 1, 1), duty=d)
    _obligation(officer, date(2020, 1, 1), duty=d, active=False)
    _obligation(officer, date(2025, 12, 20), duty=f, first_due=date(2025, 12, 1))

    with django_assert_num_queries(1):
        counts = status_counts_on(TODAY)
    assert counts == {"overdue": 1, "no_evidence": 2, "due_soon": 1, "met_late": 1, "met": 1}
    # Either side of each due date and of the clocks' changes in March and October.
    for day in (
        date(2025, 5, 1),
        date(2025, 12, 19),
        date(2026, 3, 29),
        date(2026, 5, 16),
        date(2026, 7, 15),
        date(2026, 7, 16),
        date(2026, 10, 25),
        date(2027, 1, 2),
        date(2027, 4, 1),
    ):
        assert status_counts_on(day) == status_counts(with_duty_status(register_duties(), day)), day
    settings.DUTIES_DUE_SOON_DAYS = 10
    assert status_counts_on(TODAY) == {"overdue": 1, "no_evidence": 2, "due_soon": 0, "met_late": 1, "met": 2}
    assert status_counts_on(TODAY) == status_counts(with_duty_status(register_duties(), TODAY))
