"""Reads shared by every body: the meetings either side of one, the actions a meeting reviews,
the numbered agenda with its time slots, one status for an action wherever it is shown, the
year's meetings proposed from a body's pattern, and attendance by agency per quarter."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from somerset_safety.core.dates import add_months, is_working_day
from somerset_safety.deadlines import registry as deadline_registry
from somerset_safety.deadlines.models import Deadline
from somerset_safety.deadlines.state import State, with_clock_state

from . import registry
from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    Frequency,
    Meeting,
    MeetingStatus,
)

# --- Meetings either side ---------------------------------------------------------------------


def _held_or_to_be_held(body_id: int) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body_id=body_id).exclude(status=MeetingStatus.CANCELLED)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The body's last meeting before this one that was not cancelled."""
    return _held_or_to_be_held(meeting.body_id).filter(date__lt=meeting.date).order_by("-date").first()


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The body's first meeting after this one that is not cancelled."""
    return _held_or_to_be_held(meeting.body_id).filter(date__gt=meeting.date).order_by("date").first()


def later_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    """Meetings of the body after this one that have not concluded or been cancelled."""
    return Meeting.objects.filter(
        body_id=meeting.body_id,
        date__gt=meeting.date,
        status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
    ).order_by("date")


# --- Actions a meeting reviews ------------------------------------------------------------------


def reviewed_at_condition(meeting: Meeting, last: Meeting | None) -> Q:
    condition = Q(review_at=meeting)
    if last is not None:
        condition |= Q(review_at__isnull=True, meeting=last)
    return condition


def is_reviewed_at(action: Action, meeting: Meeting, last: Meeting | None) -> bool:
    """The same rule as `reviewed_at`, for an action already loaded."""
    if action.review_at_id is not None:
        return action.review_at_id == meeting.pk
    return last is not None and action.meeting_id == last.pk


def reviewed_at(meeting: Meeting, queryset: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Every action that comes back to this meeting, whatever it has become since: those sent to
    it by name (`review_at`) and those of the meeting before it that were sent to no meeting in
    particular."""
    queryset = Action.objects.all() if queryset is None else queryset
    return queryset.filter(reviewed_at_condition(meeting, previous_meeting(meeting)))


def open_for_review(meeting: Meeting) -> QuerySet[Action]:
    """The actions this meeting must complete or carry forward before it concludes."""
    return reviewed_at(meeting).filter(status=ActionStatus.OPEN)


def review_meeting(action: Action) -> Meeting | None:
    """The meeting an action comes back to: the one it was sent to, or the next after its own."""
    if action.review_at_id:
        return action.review_at
    return next_meeting(action.meeting)


@dataclass(frozen=True)
class CarryTargets:
    """Where an open action can be carried: `current` is the meeting reviewing it now (choosing
    it means "the next meeting after this one"), `later` the meetings after that."""

    current: Meeting | None
    later: list[Meeting]


def carry_targets(action: Action) -> CarryTargets:
    reviewing = review_meeting(action)
    if reviewing is None:
        return CarryTargets(None, list(later_meetings(action.meeting)))
    later = list(later_meetings(reviewing))
    if reviewing.status == MeetingStatus.IN_PROGRESS:
        return CarryTargets(reviewing, later)
    return CarryTargets(None, later)


# --- One status for an action -------------------------------------------------------------------


@dataclass(frozen=True)
class ActionState:
    key: str
    label: str
    colour: str


STATES = {
    "completed": ActionState("completed", "Completed", "green"),
    "met_late": ActionState("met_late", "Met late", "pink"),
    "carried_forward": ActionState("carried_forward", "Carried forward", "grey"),
    "overdue": ActionState("overdue", "Overdue", "red"),
    "due_soon": ActionState("due_soon", "Due soon", "yellow"),
    "waived": ActionState("waived", "Deadline waived", "grey"),
    "paused": ActionState("paused", "Paused", "orange"),
    "open": ActionState("open", "Open", "blue"),
}

# An open action as its stored deadline stands (deadlines.state.State): on track (or no
# deadline) is plain "Open".
_OPEN_BY_CLOCK = {
    State.OVERDUE: STATES["overdue"],
    State.DUE_SOON: STATES["due_soon"],
    State.WAIVED: STATES["waived"],
    State.PAUSED: STATES["paused"],
}


def action_deadlines() -> QuerySet[Deadline]:
    """The stored deadlines of the actions agreed at every body's meetings: each app registers one
    clock on its action proxy (`meetings.deadlines.action_deadline`), kept with the proxy's label
    and the action's id (one table, so one id is one action)."""
    labels = [kind.action_model._meta.label_lower for kind in registry.kinds()]
    kinds = [
        key
        for label in labels
        if (registration := deadline_registry.registration_for(label)) is not None
        for key in registration.kinds
    ]
    return Deadline.objects.filter(subject_type__in=labels, kind__in=kinds)


def _deadline_of_each(today: date) -> QuerySet[Deadline]:
    """The outer query's action's deadline, with its state on `today` (`clock_state`)."""
    return with_clock_state(action_deadlines().filter(subject_id=OuterRef("pk")), today).order_by()


def deadline_in(states, today: date) -> Exists:
    """True where the action's stored deadline is in one of `states` (State keys) on `today`:
    for filter() and Count(filter=…)."""
    return Exists(_deadline_of_each(today).filter(clock_state__in=list(states)))


def with_state(queryset: QuerySet[Action], today: date) -> QuerySet[Action]:
    """The actions with `deadline_state`: their stored deadline's state on `today` (a State key, or
    None for an action without one), read in the list's own query. `action_state` reads it."""
    return queryset.annotate(deadline_state=Subquery(_deadline_of_each(today).values("clock_state")[:1]))


def action_state(action: Action) -> ActionState:
    """The status an action shows everywhere (agenda, case, action lists and page, papers): its
    stored deadline says it, so a waived deadline is not overdue and a deadline met after its due
    date is "Met late". Open: overdue from the day after its due date, due soon within the kind's
    days, "Deadline waived", else "Open"; completed on time "Completed"; carried forward. The
    action must come from `with_state` (or `state_of` for one action): no query per row."""
    try:
        clock = action.deadline_state
    except AttributeError:
        raise ImproperlyConfigured(
            "Read the actions with meetings.selectors.with_state(queryset, today) to show their status"
        ) from None
    if action.status == ActionStatus.COMPLETED:
        return STATES["met_late" if clock == State.MET_LATE else "completed"]
    if action.status == ActionStatus.CARRIED_FORWARD:
        return STATES["carried_forward"]
    return _OPEN_BY_CLOCK.get(clock, STATES["open"])


def state_of(action: Action, today: date) -> ActionState:
    """`action_state` of one action already loaded (its page): one query for its deadline."""
    action.deadline_state = (
        with_state(Action._base_manager.filter(pk=action.pk), today)
        .values_list("deadline_state", flat=True)
        .first()
    )
    return action_state(action)


def overdue(queryset: QuerySet[Action], today: date) -> QuerySet[Action]:
    """The same rule as `action_state`, as a filter: open, and its stored deadline overdue."""
    return queryset.filter(deadline_in([State.OVERDUE], today), status=ActionStatus.OPEN)


def carry_chain(action: Action) -> list[Action]:
    """The action and every row it was carried from, oldest first."""
    chain = [action]
    current = action
    while current.carried_from_id:
        current = Action.objects.select_related("meeting").get(pk=current.carried_from_id)
        chain.append(current)
    return list(reversed(chain))


# --- The numbered agenda ------------------------------------------------------------------------


@dataclass
class AgendaRow:
    item: AgendaItem
    number: int
    starts: time | None


def agenda(meeting: Meeting, items: list[AgendaItem] | None = None) -> list[AgendaRow]:
    """The items in order with their numbers (1, 2, 3 … through the whole agenda, whatever the
    section) and, when the meeting has a start time, the time each one starts."""
    items = list(meeting.agenda_items.all()) if items is None else items
    items.sort(key=lambda i: (i.section, i.position, i.pk))
    clock = datetime.combine(meeting.date, meeting.start_time) if meeting.start_time else None
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(AgendaRow(item, number, clock.time() if clock else None))
        if clock:
            clock += timedelta(minutes=item.duration_minutes)
    return rows


def item_number(item: AgendaItem) -> int:
    """The item's number on its meeting's agenda."""
    rows = agenda(item.meeting, list(AgendaItem.objects.filter(meeting_id=item.meeting_id)))
    return next(row.number for row in rows if row.item.pk == item.pk)


def quorum_met(meeting: Meeting) -> bool | None:
    """Whether enough invited agencies are present; None where the body has no quorum."""
    if meeting.body.quorum is None:
        return None
    present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
    return present >= meeting.body.quorum


# --- The year's meetings from a body's pattern ----------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    if week == -1:
        last = add_months(date(year, month, 1), 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def pattern_dates(body: Body, start: date, end: date) -> list[date]:
    """The dates from `start` to `end` inclusive on which the body's pattern says it meets.
    Empty when the body has no pattern."""
    if not body.frequency or body.weekday is None:
        return []
    if body.frequency in (Frequency.MONTHLY, Frequency.QUARTERLY):
        step = 1 if body.frequency == Frequency.MONTHLY else 3
        week = body.week_of_month or 1
        dates = []
        month = date(start.year, start.month, 1)
        if body.frequency == Frequency.QUARTERLY and body.first_date:
            offset = (month.year * 12 + month.month - body.first_date.year * 12 - body.first_date.month) % 3
            month = add_months(month, (3 - offset) % 3)
        while month <= end:
            day = _nth_weekday(month.year, month.month, body.weekday, week)
            if start <= day <= end:
                dates.append(day)
            month = add_months(month, step)
        return dates
    first = start + timedelta(days=(body.weekday - start.weekday()) % 7)
    step = 7
    if body.frequency == Frequency.FORTNIGHTLY:
        step = 14
        anchor = body.first_date or first
        anchor += timedelta(days=(body.weekday - anchor.weekday()) % 7)
        if (first - anchor).days % 14:
            first += timedelta(days=7)
    dates = []
    while first <= end:
        dates.append(first)
        first += timedelta(days=step)
    return dates


@dataclass(frozen=True)
class ProposedMeeting:
    date: date
    existing: Meeting | None
    bank_holiday: bool


def proposed_meetings(body: Body, start: date, end: date) -> list[ProposedMeeting]:
    """The pattern's dates with, for each, the meeting already scheduled that day (if any) and
    whether the day is a bank holiday (the coordinator then picks another day)."""
    existing = {m.date: m for m in _held_or_to_be_held(body.pk).filter(date__gte=start, date__lte=end)}
    return [
        ProposedMeeting(day, existing.get(day), not is_working_day(day))
        for day in pattern_dates(body, start, end)
    ]


# --- Attendance by agency per quarter -------------------------------------------------------------


ATTENDED = (AttendanceStatus.PRESENT,)


def attendance_by_agency(meetings: QuerySet[Meeting], quarters: list[tuple[date, date]]) -> list[dict]:
    """For each agency invited to a concluded meeting in the quarters: per quarter, the meetings
    it was invited to and those it was present at, and the rate. One query.

    Counts of meetings, not of people: they are shown as they are."""
    if not quarters:
        return []
    first, last = quarters[0][0], quarters[-1][1]
    rows = (
        Attendance.objects.filter(
            meeting__in=meetings.filter(status=MeetingStatus.CONCLUDED, date__gte=first, date__lte=last)
        )
        .values("agency_id", "agency__name")
        .annotate(
            **{
                f"invited_{i}": Count("id", filter=Q(meeting__date__gte=s, meeting__date__lte=e))
                for i, (s, e) in enumerate(quarters)
            },
            **{
                f"present_{i}": Count(
                    "id", filter=Q(meeting__date__gte=s, meeting__date__lte=e, status__in=ATTENDED)
                )
                for i, (s, e) in enumerate(quarters)
            },
        )
        .order_by("agency__name", "agency_id")
    )
    result = []
    for row in rows:
        cells = []
        for i in range(len(quarters)):
            invited, present = row[f"invited_{i}"], row[f"present_{i}"]
            cells.append({"invited": invited, "present": present, "rate": _percent(present, invited)})
        result.append({"agency_id": row["agency_id"], "agency": row["agency__name"], "quarters": cells})
    return result


def _percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, halves rounded up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def actions_by_subject(queryset: QuerySet[Action]) -> dict[int, list[Action]]:
    grouped: dict[int, list[Action]] = defaultdict(list)
    for action in queryset:
        grouped[action.subject_id].append(action)
    return grouped
