"""Date arithmetic shared by every clock: calendar months clamped to the month's end, and
working days that skip weekends and England and Wales bank holidays (DOMAIN §8)."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.utils import timezone


def today() -> date:
    """Today in Europe/London."""
    return timezone.localdate()


def future_refusal(day: date | None, what: str) -> str | None:
    """The one not-in-the-future rule. `what` names the date as a sentence starts it ("The date
    notified"); returns why the date is refused, or None. Forms use it through
    `core.forms.DateField(not_future=True)`, services through `refuse_future`."""
    if day is not None and day > today():
        return f"{what} must be today or in the past"
    return None


def refuse_future(day: date | None, what: str, error: type[Exception], *, field: str | None) -> None:
    """Raise `error` (the app's domain error) for a date after today, naming `field`: the input
    the date comes from (the service's keyword, which is the form field's name when the view
    passes `**form.cleaned_data`), so `core.forms.errors_on` shows the message beside that input
    and the error summary links to it. `field=None` only where no form has the date (an import)."""
    refusal = future_refusal(day, what)
    if refusal:
        raise error(f"{refusal}.", field=field)


def add_months(start: date, months: int) -> date:
    """31 January + 1 month = 28 or 29 February."""
    return start + relativedelta(months=months)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (before it, if negative)."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day` of someone born on `born` (a 29 February birthday falls on
    1 March in other years)."""
    return relativedelta(day, born).years
