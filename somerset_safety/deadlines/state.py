"""The state of a clock, as every page, count and email shows it: one function for a row
(`clock_state`) and the same rule as a database expression (`state_expression`) for filters,
sorting and counts. Both read only the stored `Deadline` row and the day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.utils import timezone

from . import registry
from .models import DeadlineStatus


class State:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    WAIVED = "waived"
    CLOSED = "closed"


# In the order lists put them: what needs doing first.
STATES = [
    (State.OVERDUE, "Overdue", "govuk-tag--red"),
    (State.DUE_SOON, "Due soon", "govuk-tag--yellow"),
    (State.ON_TRACK, "On track", "govuk-tag--blue"),
    (State.PAUSED, "Paused", "govuk-tag--orange"),
    (State.MET_LATE, "Met late", "govuk-tag--pink"),
    (State.MET_ON_TIME, "Met on time", "govuk-tag--green"),
    (State.WAIVED, "Waived", "govuk-tag--grey"),
    (State.CLOSED, "Closed", "govuk-tag--grey"),
]
STATE_NAMES = {key: name for key, name, _ in STATES}
STATE_TAGS = {key: tag for key, _, tag in STATES}
STATE_RANK = {key: rank for rank, (key, _, _) in enumerate(STATES)}
MET_STATES = (State.MET_ON_TIME, State.MET_LATE)


@dataclass(frozen=True)
class ClockState:
    """`key` (one of State), `tag` and `tag_class` for the GOV.UK tag, and `detail`: the words
    beside it ("3 days overdue", "Met 12 March 2026, 10 days late", "Paused since …")."""

    key: str
    tag: str
    tag_class: str
    detail: str
    due_date: date
    days: int | None = None  # days late (met late), overdue, or left (due soon)

    @property
    def is_met(self) -> bool:
        return self.key in MET_STATES

    @property
    def is_outstanding(self) -> bool:
        return self.key in (State.OVERDUE, State.DUE_SOON, State.ON_TRACK, State.PAUSED)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def state_key(
    *,
    status: str,
    kind: str,
    due_date: date,
    met_on: date | None,
    today: date,
    waived_on: date | None = None,
    paused_since: date | None = None,
) -> str:
    """As the clock stood on `today`: a meeting, waiver or pause dated after it has not
    happened yet (so a report as at a past date shows what was true then)."""
    if status == DeadlineStatus.MET and met_on is not None and met_on <= today:
        return State.MET_LATE if met_on > due_date else State.MET_ON_TIME
    if status == DeadlineStatus.WAIVED and (waived_on is None or waived_on <= today):
        return State.WAIVED
    if status == DeadlineStatus.CLOSED:
        return State.CLOSED
    if status == DeadlineStatus.PAUSED and (paused_since is None or paused_since <= today):
        return State.PAUSED
    if due_date < today:
        return State.OVERDUE
    if (due_date - today).days <= registry.kind(kind).due_soon():
        return State.DUE_SOON
    return State.ON_TRACK


def clock_state(deadline, today: date) -> ClockState:
    """The state of one stored deadline on `today`, with its tag and the words beside it."""
    waived_at = deadline.waived_at
    key = state_key(
        status=deadline.status,
        kind=deadline.kind,
        due_date=deadline.due_date,
        met_on=deadline.met_on,
        today=today,
        waived_on=timezone.localtime(waived_at).date() if waived_at else None,
        paused_since=deadline.paused_since,
    )
    due = deadline.due_date
    days = None
    if key == State.OVERDUE:
        days = (today - due).days
        detail = f"{_days(days)} overdue (due {_long(due)})"
    elif key == State.DUE_SOON:
        days = (due - today).days
        detail = {0: "Due today", 1: "Due tomorrow"}.get(days, f"Due in {_days(days)}") + f" ({_long(due)})"
    elif key == State.ON_TRACK:
        detail = f"Due {_long(due)}"
    elif key == State.PAUSED:
        detail = f"Paused since {_long(deadline.paused_since)}"
    elif key == State.MET_ON_TIME:
        detail = f"Met {_long(deadline.met_on)}"
    elif key == State.MET_LATE:
        days = (deadline.met_on - due).days
        detail = f"Met {_long(deadline.met_on)}, {_days(days)} late"
    elif key == State.WAIVED:
        detail = f"Waived {_long(timezone.localtime(waived_at).date())}" if waived_at else "Waived"
    else:
        detail = deadline.closed_reason or "No longer needed"
    return ClockState(key, STATE_NAMES[key], STATE_TAGS[key], detail, due, days)


def _start_of_day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def state_expression(today: date) -> Case:
    """`clock_state(...).key` as SQL, for annotate(), filter() and values().annotate(Count)."""
    by_days: dict[int, list[str]] = defaultdict(list)
    for kind in registry.kinds():
        by_days[kind.due_soon()].append(kind.key)
    default_days = registry.DEFAULT_DUE_SOON_DAYS
    registered = [key for keys in by_days.values() for key in keys]
    due_soon = [
        When(kind__in=keys, due_date__lte=today + timedelta(days=days), then=Value(State.DUE_SOON))
        for days, keys in sorted(by_days.items())
    ]
    due_soon.append(
        When(
            ~Q(kind__in=registered),
            due_date__lte=today + timedelta(days=default_days),
            then=Value(State.DUE_SOON),
        )
    )
    met = Q(status=DeadlineStatus.MET, met_on__lte=today)
    return Case(
        When(met & Q(met_on__gt=F("due_date")), then=Value(State.MET_LATE)),
        When(met, then=Value(State.MET_ON_TIME)),
        When(
            Q(status=DeadlineStatus.WAIVED)
            & (Q(waived_at__isnull=True) | Q(waived_at__lt=_start_of_day_after(today))),
            then=Value(State.WAIVED),
        ),
        When(status=DeadlineStatus.CLOSED, then=Value(State.CLOSED)),
        When(
            Q(status=DeadlineStatus.PAUSED) & (Q(paused_since__isnull=True) | Q(paused_since__lte=today)),
            then=Value(State.PAUSED),
        ),
        When(due_date__lt=today, then=Value(State.OVERDUE)),
        *due_soon,
        default=Value(State.ON_TRACK),
        output_field=CharField(),
    )


def with_clock_state(queryset, today: date):
    """Annotates `clock_state` (a State key), for filtering and counting by state. Costs Django
    an eighth of `with_state` to compile: the rank repeats the whole state expression once per
    state."""
    return queryset.annotate(clock_state=state_expression(today))


def with_state(queryset, today: date):
    """Annotates `clock_state` (a State key) and `clock_rank` (to sort overdue first)."""
    return with_clock_state(queryset, today).annotate(
        clock_rank=Case(
            *[When(clock_state=key, then=Value(rank)) for key, rank in STATE_RANK.items()],
            output_field=IntegerField(),
        )
    )


def empty_counts() -> dict[str, int]:
    return {key: 0 for key, _, _ in STATES}
