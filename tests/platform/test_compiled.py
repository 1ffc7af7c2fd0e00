"""Statements compiled once (somerset_safety.core.compiled): the same SQL run with each call's
own dates and ids gives what the ORM gives, and a parameter that cannot be read from the
stand-ins is refused when the statement is compiled."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from somerset_safety.core.compiled import compile_once
from somerset_safety.core.dates import add_months
from somerset_safety.deadlines.models import Deadline


def _deadline(number: int, due: date, waived_on: date | None = None) -> Deadline:
    return Deadline.objects.create(
        subject_type="tests.thing",
        subject_id=number,
        kind="test",
        label=f"Test deadline {number}",
        subject_url=f"/things/{number}/",
        due_date=due,
        waived_at=timezone.make_aware(datetime.combine(waived_on, time(10))) if waived_on else None,
    )


def _soon_or_waived_by(s):
    """Due from the day to a week after it, or waived before the day after it (a midnight)."""
    day = s["day"]
    midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return (
        Deadline.objects.filter(
            Q(due_date__gte=day, due_date__lte=day + timedelta(days=7)) | Q(waived_at__lt=midnight)
        )
        .order_by("subject_id")
        .values_list("subject_id")
    )


@pytest.mark.django_db
def test_a_statement_compiled_once_gives_each_day_what_the_orm_gives():
    _deadline(1, date(2026, 3, 30))  # due on the Monday after the clocks go forward
    _deadline(2, date(2026, 4, 6))
    _deadline(3, date(2026, 5, 1), waived_on=date(2026, 3, 29))  # waived on the day they change
    statement = compile_once(_soon_or_waived_by, days=["day"])
    # Worked out by hand: on 28 March 2026 only 1 is due within the week (30 March) and 3 is not
    # yet waived; on 29 March 3 is waived that day; on 6 April 2 is due that day and 1 is past.
    expected = {date(2026, 3, 28): [1], date(2026, 3, 29): [1, 3], date(2026, 4, 6): [2, 3]}
    for day, numbers in expected.items():
        assert [row[0] for row in statement.run(days={"day": day})[1]] == numbers, day
        sql, params = _soon_or_waived_by({"day": day}).query.sql_with_params()
        assert statement.sql == sql and statement.params(days={"day": day}) == list(params)


@pytest.mark.django_db
def test_ids_are_given_their_places_in_the_statement():
    first, second, third = (_deadline(n, date(2026, 1, n)) for n in (1, 2, 3))
    statement = compile_once(
        lambda s: Deadline.objects.filter(pk__in=[s["a"], s["b"]])
        .order_by("due_date")
        .values_list("subject_id"),
        ids=["a", "b"],
    )
    names, rows = statement.run(ids={"a": third.pk, "b": first.pk})
    assert names == ["subject_id"] and rows == [(1,), (3,)]
    assert second.pk not in (third.pk, first.pk)


@pytest.mark.django_db
def test_a_date_of_the_statement_s_own_near_a_stand_in_is_refused():
    """1 July 1925 is near the first stand-in day (1 January 1920): read as "so many days after
    the day", it would move with every call, so compiling says which parameter it is."""
    with pytest.raises(ImproperlyConfigured, match="Parameter 2"):
        compile_once(
            lambda s: Deadline.objects.filter(due_date__gte=s["day"], met_on__lte=date(1925, 7, 1)),
            days=["day"],
        )


@pytest.mark.django_db
def test_months_added_to_the_day_are_refused():
    """Twelve months before 1 March 2028 is 1 March 2027 (366 days) but before 1 March 2027 it
    is 1 March 2026 (365): no number of days says it, so it cannot be compiled once."""
    with pytest.raises(ImproperlyConfigured, match="Parameter 1"):
        compile_once(lambda s: Deadline.objects.filter(due_date__gte=add_months(s["day"], -12)), days=["day"])


@pytest.mark.django_db
def test_a_midnight_in_utc_rather_than_local_time_is_refused():
    """In winter the UTC midnight is London's; in summer time it is 1 a.m. there."""
    with pytest.raises(ImproperlyConfigured, match="Parameter 1"):
        compile_once(
            lambda s: Deadline.objects.filter(waived_at__lt=datetime.combine(s["day"], time.min, tzinfo=UTC)),
            days=["day"],
        )


@pytest.mark.django_db
def test_a_statement_whose_sql_changes_with_its_values_is_refused():
    with pytest.raises(ImproperlyConfigured, match="SQL changes"):
        compile_once(
            lambda s: Deadline.objects.filter(due_date__gte=s["day"])
            if s["day"].month == 1
            else Deadline.objects.all(),
            days=["day"],
        )
