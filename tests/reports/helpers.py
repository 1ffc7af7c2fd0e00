"""Posting the Executive report form as a browser does: GOV.UK dates in three parts."""

import datetime as dt


def date_parts(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def report_form(data: dict, *, period_end: dt.date, period_kind: str = "quarter", **extra) -> dict:
    """`data` with its date values split into day, month and year, and the report period."""
    posted = {"period_kind": period_kind, **date_parts("period_end", period_end)}
    for key, value in {**data, **extra}.items():
        if isinstance(value, dt.date):
            posted.update(date_parts(key, value))
        else:
            posted[key] = value
    return posted
