"""The report date and period: every generated section, the dashboard and the paper compute
their figures "as at" a date (the period end), over the period the report covers.

A quarter or a financial year is the one that contains the date, counted to that date (so a
date before the quarter's last day gives the quarter to date). The council's financial year
runs from 1 April; its quarters are Q1 April to June … Q4 January to March.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from somerset_safety.core.dates import add_months


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "The quarter"
    FINANCIAL_YEAR = "financial_year", "The financial year"
    DATES = "dates", "From a date you choose"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_name(day: date) -> str:
    """'2024/25' for any day from 1 April 2024 to 31 March 2025."""
    start = financial_year_start(day)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def financial_quarter_name(day: date) -> str:
    """'Q4 2024/25' for any day from 1 January to 31 March 2025."""
    return f"Q{(quarter_start(day).month - 4) % 12 // 3 + 1} {financial_year_name(day)}"


def last_quarter_end(day: date) -> date:
    """The last day of the latest quarter that has ended on or before `day`."""
    following = add_months(quarter_start(day), 3) - timedelta(days=1)
    return day if day == following else quarter_start(day) - timedelta(days=1)


@dataclass(frozen=True)
class ReportPeriod:
    """`end` is the date the figures are as at; `start` the first day of the period covered."""

    kind: str
    start: date
    end: date

    @property
    def as_of(self) -> date:
        return self.end

    @property
    def complete(self) -> bool:
        """False for a quarter or financial year counted to a date before its last day."""
        if self.kind == PeriodKind.QUARTER:
            return self.end == add_months(self.start, 3) - timedelta(days=1)
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return self.end == add_months(self.start, 12) - timedelta(days=1)
        return True

    @property
    def name(self) -> str:
        """'Q4 2024/25', '2024/25', or '' for dates of the officer's choice."""
        if self.kind == PeriodKind.QUARTER:
            return financial_quarter_name(self.end)
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return financial_year_name(self.end)
        return ""

    @property
    def label(self) -> str:
        """In the paper's words: 'Q4 2024/25 (1 January to 31 March 2025)',
        'the 2025/26 financial year to date (1 April to 15 May 2025)', '1 April 2024 to 31 March 2025'."""
        dates = f"{_long(self.start)} to {_long(self.end)}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.name}{'' if self.complete else ' to date'} ({dates})"
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return f"the {self.name} financial year{'' if self.complete else ' to date'} ({dates})"
        return dates

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: dict) -> "ReportPeriod":
        return cls(data["kind"], date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))


def report_period(kind: str, end: date, start: date | None = None) -> ReportPeriod:
    """The period of `kind` that ends on `end`; `start` is used only for chosen dates.

    Raises ValueError for chosen dates without a start, or a start after the end.
    """
    if kind == PeriodKind.QUARTER:
        return ReportPeriod(kind, quarter_start(end), end)
    if kind == PeriodKind.FINANCIAL_YEAR:
        return ReportPeriod(kind, financial_year_start(end), end)
    if kind == PeriodKind.DATES:
        if start is None or start > end:
            raise ValueError("The period must start on or before the date the figures are as at")
        return ReportPeriod(kind, start, end)
    raise ValueError(f"Unknown period: {kind}")
