"""The date arithmetic of commissioned contracts (DOMAIN §5, §8). Pure functions, no database
and no "today": the deadline rules and the pages call these with a contract's own dates.

- Contract months keep month ends: a date on the last day of its month moves to the last day of
  the target month (30 September + 6 months = 31 March); any other date keeps its day, clamped
  to the end of a shorter month (30 November + 3 months = 28 or 29 February).
- Working days skip weekends and England and Wales bank holidays (the shared calendar in
  `somerset_safety.core.dates`) and are counted from the next working day: the day of the
  notice itself is never day 1.
- Quarters are the financial year's: April–June is quarter 1 of the year that starts in April.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from somerset_safety.core.dates import add_working_days


def long_date(day: date) -> str:
    """5 January 2026, as the service writes a date in a sentence."""
    return f"{day.day} {day:%B %Y}"


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_months(day: date, months: int) -> date:
    """Calendar months that keep month ends (negative `months` go back)."""
    moved = day + relativedelta(months=months)
    if is_month_end(day):
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def end_after(end: date, months: Iterable[int]) -> date:
    """Each extension adds its months to the end date then in force, one after another."""
    for length in months:
        end = add_months(end, length)
    return end


def extension_decision_due(current_end: date, notice_months: int) -> date:
    """The provider must have the council's formal notice this many months before the end."""
    return add_months(current_end, -notice_months)


def reprocurement_start_by(latest_end: date, lead_months: int) -> date:
    return add_months(latest_end, -lead_months)


def approval_due(formal_due: date, approval_lead_days: int) -> date:
    """The council's own approval has to be in place this many days before the formal date."""
    return formal_due - timedelta(days=approval_lead_days)


def standstill_end(notice_on: date, working_days: int) -> date:
    """The last day of the standstill (it runs to midnight at the end of that day)."""
    return add_working_days(notice_on, working_days)


@dataclass(frozen=True)
class Representation:
    received_on: date
    re_decision_on: date | None


def psr_standstill_end(
    notice_on: date,
    representations: Iterable[Representation],
    *,
    working_days: int,
    restart_working_days: int,
) -> date | None:
    """Provider Selection Regime standstill: the 8th working day after the notice; a provider's
    representation holds it open until the council's re-decision, after which a further 5
    working days run. None while a representation waits for its re-decision."""
    end = standstill_end(notice_on, working_days)
    for representation in representations:
        if representation.re_decision_on is None:
            return None
        end = max(end, add_working_days(representation.re_decision_on, restart_working_days))
    return end


# --- Financial-year quarters ------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """Quarter `number` (1–4) of the financial year that starts on 1 April `year`."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2024-25 Q1' (as the return template and the pages write it)."""
        years, _, number = text.strip().upper().partition(" Q")
        start, _, end = years.partition("-")
        if not (start.isdigit() and end.isdigit() and number.isdigit() and len(start) == 4):
            raise ValueError(text)
        quarter = cls(int(start), int(number))
        if int(end) != (quarter.year + 1) % 100 or not 1 <= quarter.number <= 4:
            raise ValueError(text)
        return quarter

    @property
    def start(self) -> date:
        month = 3 * self.number + 1
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - timedelta(days=1)

    @property
    def financial_year(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.number}"

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return self.label


def quarters_between(start: date, end: date) -> list[Quarter]:
    """Every quarter that has at least one day from `start` to `end`, oldest first."""
    quarters, quarter = [], Quarter.containing(start)
    while quarter.start <= end:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def return_due(quarter: Quarter, working_days: int) -> date:
    return add_working_days(quarter.end, working_days)


def financial_year_of(day: date) -> int:
    return Quarter.containing(day).year


def financial_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


# --- Procurement Act 2023 notices --------------------------------------------------------------


def periodic_notices_due(
    first_from: date, published: Iterable[date], *, every_months: int, until: date
) -> list[tuple[date, date | None]]:
    """(due, published on) for each periodic notice: the first `every_months` after
    `first_from`, each later one `every_months` after the one before was published. The open
    one is listed only while it falls on or before `until` (the end in force); after that the
    notice at termination takes over."""
    rows, base = [], first_from
    for published_on in sorted(published):
        rows.append((add_months(base, every_months), published_on))
        base = published_on
    due = add_months(base, every_months)
    if due <= until:
        rows.append((due, None))
    return rows


# --- Provider Selection Regime: room for council-initiated changes ------------------------------


@dataclass(frozen=True)
class Headroom:
    limit: Decimal
    used: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.limit - self.used, Decimal(0))

    @property
    def exceeded(self) -> bool:
        return self.used >= self.limit


def psr_change_headroom(
    lifetime_value: Decimal,
    changes: Iterable[Decimal],
    *,
    value_limit: Decimal,
    share_limit: Decimal,
    either: bool = True,
) -> Headroom:
    """Regulation 13(2)(b): council-initiated changes are permitted while their cumulative
    value is below `value_limit` (£500,000) or below `share_limit` (25 %) of the lifetime value
    when the contract was entered into. `either=False` applies both limits at once (a stricter
    local policy). Reductions count as change too: the sum is of the sizes of the changes."""
    by_share = lifetime_value * share_limit
    limit = max(value_limit, by_share) if either else min(value_limit, by_share)
    return Headroom(limit=limit, used=sum((abs(c) for c in changes), Decimal(0)))
