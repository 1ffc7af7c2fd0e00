"""Which reminder is due for a deadline on a given day. Pure functions, no database."""

from datetime import date

from django.conf import settings


def reminder_offsets() -> tuple[int, ...]:
    return tuple(sorted(getattr(settings, "REMINDER_OFFSETS_DAYS", (14, 7, 1)), reverse=True))


def overdue_repeat_days() -> int:
    return getattr(settings, "REMINDER_OVERDUE_EVERY_DAYS", 7)


def escalate_after_days() -> int:
    return getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 14)


def current_step(due: date, today: date) -> str | None:
    """The latest reminder step whose date has come: `before-14`, `before-7`, `before-1`, `due`,
    then `overdue-7`, `overdue-14` … every N days while overdue. None before the first offset.

    Only the current step is sent, so a sweep that missed a day catches up with one email
    rather than a burst of stale ones.
    """
    days_left = (due - today).days
    if days_left > 0:
        passed = [offset for offset in reminder_offsets() if days_left <= offset]
        return f"before-{min(passed)}" if passed else None
    if days_left == 0:
        return "due"
    every = overdue_repeat_days()
    days_over = -days_left
    if days_over < every:
        return "due"
    return f"overdue-{(days_over // every) * every}"


def escalation_due(due: date, today: date) -> bool:
    return (today - due).days >= escalate_after_days()
