"""Reads for the tracker, the review page, the recommendations register, the tracker exports and
the partnership dashboard and Executive report figures."""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from somerset_safety.core.names import normalise_name
from somerset_safety.core.transitions import MoveOption
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.selectors import deadlines_of
from somerset_safety.deadlines.state import ClockState, State, clock_state, with_clock_state

from .deadlines import (
    CLOCK_NAMES,
    KIND_ACTION,
    KIND_AGENCY_REPORT,
    KIND_COMPLETION,
    KIND_DECISION,
    due_soon_days,
)
from .models import (
    EVIDENCED_STATUSES,
    Action,
    ActionStatus,
    AgencyReportRequest,
    Notification,
    NotificationStatus,
    Pause,
    Recommendation,
    RecommendationScope,
    Review,
    Stage,
)
from .states import (
    ACTION_MOVES,
    OFFICER_ACTION_MOVES,
    REVIEW_MOVES,
    closed_refusal,
    open_pause_of,
    pause_refusal,
)


def possible_duplicates(*, date_of_death: date, victim_name: str, exclude_pk: int | None = None) -> list:
    """Notifications that may be of the same death: the same date of death and the same victim's
    name as the platform compares names (accents, case, apostrophes and spacing do not count:
    "Zoë O'Brien" is "Zoe OBrien"). Few deaths share a date, so the names are compared here."""
    wanted = normalise_name(victim_name)
    if not wanted or date_of_death is None:
        return []
    same_day = Notification.objects.filter(date_of_death=date_of_death).select_related("notifying_agency")
    if exclude_pk is not None:
        same_day = same_day.exclude(pk=exclude_pk)
    return [n for n in same_day.order_by("number") if normalise_name(n.victim_name) == wanted]


def _deadlines_of_notification():
    return Deadline.objects.filter(subject_type=Notification._meta.label_lower, subject_id=OuterRef("pk"))


def _in_state(state: str, today: date, kinds=None):
    deadlines = with_clock_state(_deadlines_of_notification(), today).filter(clock_state=state)
    return deadlines.filter(kind__in=kinds) if kinds else deadlines


def stage_clock_overdue(today: date):
    """The decision or completion deadline past its date and not met: what the dashboard's
    "overdue" column counts, as a filter for the tracker."""
    return _in_state(State.OVERDUE, today, kinds=[KIND_DECISION, KIND_COMPLETION])


def tracker_queryset(visible: QuerySet[Notification], today: date) -> QuerySet[Notification]:
    """Notifications with what the tracker shows, in a fixed number of queries: the next due
    date of an outstanding clock, whether a clock is paused or overdue (stored deadlines)."""
    next_due = (
        _deadlines_of_notification()
        .filter(status=DeadlineStatus.OPEN)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return visible.select_related("review", "notifying_agency").annotate(
        next_due=Subquery(next_due),
        is_paused=Exists(_in_state(State.PAUSED, today)),
        has_overdue=Exists(_in_state(State.OVERDUE, today)),
    )


@dataclass
class Clock:
    name: str
    deadline: Deadline
    state: ClockState


@dataclass
class TrackerRow:
    notification: Notification
    clocks: list[Clock]


def notification_clocks(deadlines: list[Deadline], today: date) -> list[Clock]:
    """The review's own clocks (decision, completion, Commissioner copy) from its stored
    deadlines, in that order, each with its state."""
    by_kind = {d.kind: d for d in deadlines}
    return [
        Clock(name, by_kind[kind], clock_state(by_kind[kind], today))
        for kind, name in CLOCK_NAMES.items()
        if kind in by_kind
    ]


def tracker_rows(page, today: date) -> list[TrackerRow]:
    notifications = list(page)
    deadlines = deadlines_of(Notification, [n.pk for n in notifications])
    return [TrackerRow(n, notification_clocks(deadlines.get(n.pk, []), today)) for n in notifications]


EXPORT_CLOCKS = tuple(CLOCK_NAMES.values())


def tracker_export_table(rows: list[TrackerRow], *, show_pseudonym: bool) -> tuple[list[str], list[list]]:
    """The tracker's columns as a table for CSV and PDF: what the page shows this viewer, no more
    (never the real name; the pseudonym only where the page shows it). A paused clock has no
    due date until the pause ends."""
    header = ["Reference", "Date notified", "Area"]
    if show_pseudonym:
        header.append("Pseudonym")
    header += ["Stage or status", "Paused"]
    for name in EXPORT_CLOCKS:
        header += [f"{name} clock", f"{name} due", f"{name} met", f"{name} days late"]
    cells = []
    for row in rows:
        n = row.notification
        review = getattr(n, "review", None)
        line = [n.reference, n.notified_on.isoformat(), n.get_area_display()]
        if show_pseudonym:
            line.append(n.pseudonym_display)
        line += [
            review.get_stage_display() if review else n.get_status_display(),
            "Yes" if n.is_paused else "No",
        ]
        clocks = {c.name: c for c in row.clocks}
        for name in EXPORT_CLOCKS:
            c = clocks.get(name)
            if c is None:
                line += ["", "", "", ""]
                continue
            d = c.deadline
            line += [
                c.state.tag,
                "" if c.state.key == State.PAUSED else d.due_date.isoformat(),
                d.met_on.isoformat() if d.met_on else "",
                c.state.days if c.state.key == State.MET_LATE else "",
            ]
        cells.append(line)
    return header, cells


@dataclass(frozen=True)
class StageOptions:
    """What the review page offers at the review's stage, worked out by its state machine:
    the moves that can be made now, those that cannot with the reason, and the pause."""

    held: str | None  # why no move can be made at all (a pause), said once
    allowed: list[MoveOption]
    refused: list[MoveOption]  # each with its own reason; empty while held
    open_pause: Pause | None
    can_pause: bool
    open_for_work: bool  # not closed: recommendations and actions may still be added


def review_stage_options(review: Review) -> StageOptions:
    options = REVIEW_MOVES.options(review)
    held = REVIEW_MOVES.hold(review)
    return StageOptions(
        held=held,
        allowed=[option for option in options if option.allowed],
        refused=[] if held else [option for option in options if not option.allowed],
        open_pause=open_pause_of(review),
        can_pause=pause_refusal(review) is None,
        open_for_work=closed_refusal(review) is None,
    )


def timeline_of(notification: Notification):
    return notification.timeline.select_related("actor")


# --- Recommendations register ---------------------------------------------------------------


def action_clock(today: date) -> Subquery:
    """The state on `today` of an action's stored deadline (a State key: "overdue", "met_late"
    …), for annotate(clock_state=…): the one source of an action's "Overdue" tag."""
    return _clock_state_of(Action, KIND_ACTION, "pk", today)


def request_clock(today: date) -> Subquery:
    """The state on `today` of an agency report request's stored deadline (on its notification,
    keyed by the request's id), for annotate(clock_state=…): the source of its "Overdue" tag."""
    return _clock_state_of(
        Notification,
        KIND_AGENCY_REPORT,
        "review__notification_id",
        today,
        key=Cast(OuterRef("pk"), CharField()),
    )


def with_action_clock(actions: QuerySet[Action], today: date) -> QuerySet[Action]:
    return actions.annotate(clock_state=action_clock(today))


def overdue_action_ids(today: date) -> QuerySet:
    """The ids of the actions whose stored deadline is overdue on `today`."""
    deadlines = Deadline.objects.filter(subject_type=Action._meta.label_lower, kind=KIND_ACTION)
    return with_clock_state(deadlines, today).filter(clock_state=State.OVERDUE).values("subject_id")


def register_base(visible: QuerySet[Recommendation], today: date) -> QuerySet[Recommendation]:
    """Recommendations flagged by the database: a recommendation is implemented when it has
    actions and none is still open, which only an officer's acceptance of the evidence closes
    (a complete action always has evidence: a DB constraint). An action is overdue past its
    target date until the agency has sent its evidence: its stored deadline says so
    (`overdue_action_ids`), as on the action's tag."""
    actions = Action.objects.filter(recommendation=OuterRef("pk"))
    open_actions = actions.exclude(status=ActionStatus.COMPLETE)
    return visible.annotate(
        has_actions=Exists(actions),
        has_open_action=Exists(open_actions),
        has_started_action=Exists(actions.exclude(status=ActionStatus.NOT_STARTED)),
        has_awaiting_action=Exists(actions.filter(status=ActionStatus.SUBMITTED)),
        has_overdue_action=Exists(actions.filter(pk__in=overdue_action_ids(today))),
    )


IMPLEMENTED = Q(has_actions=True, has_open_action=False)

REGISTER_STATUSES = {
    "implemented": ("Implemented", IMPLEMENTED),
    "awaiting": ("Evidence awaiting acceptance", Q(has_awaiting_action=True)),
    "in_progress": ("In progress", Q(has_open_action=True, has_started_action=True)),
    "not_started": ("Not started", Q(has_actions=True, has_started_action=False)),
    "no_actions": ("No actions yet", Q(has_actions=False)),
}


def _count(status=None, *, exclude=None, **extra):
    condition = Q(**extra)
    if status is not None:
        condition &= Q(actions__status=status)
    if exclude is not None:
        condition &= ~Q(actions__status__in=exclude)
    return Count("actions", filter=condition, distinct=True)


def with_action_counts(queryset: QuerySet[Recommendation], today: date) -> QuerySet[Recommendation]:
    return queryset.select_related("review__notification", "owning_agency").annotate(
        total_actions=Count("actions", distinct=True),
        complete_actions=_count(ActionStatus.COMPLETE),
        started_actions=_count(exclude=[ActionStatus.NOT_STARTED]),
        awaiting_actions=_count(ActionStatus.SUBMITTED),
        returned_actions=_count(ActionStatus.RETURNED),
        overdue_actions=Count("actions", filter=Q(actions__in=overdue_action_ids(today)), distinct=True),
    )


def implementation_rate(queryset: QuerySet[Recommendation]) -> dict:
    """How many of the (register_base) recommendations are implemented, in one query."""
    totals = queryset.order_by().aggregate(total=Count("pk"), implemented=Count("pk", filter=IMPLEMENTED))
    total, done = totals["total"] or 0, totals["implemented"] or 0
    return {"total": total, "implemented": done, "percent": round(100 * done / total) if total else None}


def recommendation_status(rec) -> str:
    """A recommendation's status follows its actions (with_action_counts): implemented when
    every action's evidence is accepted, not started while none of them is, otherwise in
    progress."""
    if rec.total_actions == 0:
        return "No actions yet"
    if rec.complete_actions == rec.total_actions:
        return "Implemented"
    if rec.started_actions == 0:
        return "Not started"
    return "In progress"


@dataclass(frozen=True)
class ActionPage:
    """What the action page offers this user: the moves they may make now (with the reason
    each other one is refused), and whether they may post progress or add evidence."""

    allowed: list[MoveOption]
    refused: list[MoveOption]
    can_work: bool  # progress updates and evidence files
    can_change: bool  # the action's details (officers)


# Moves with a page of their own; "start" is made by the first progress update.
ACTION_PAGE_MOVES = ("submit", "accept", "return", "reopen")


def action_page(action: Action, *, may_work: bool, may_judge: bool) -> ActionPage:
    options = [o for o in ACTION_MOVES.options(action) if o.name in ACTION_PAGE_MOVES]
    mine = [o for o in options if (may_judge if o.name in OFFICER_ACTION_MOVES else may_work)]
    open_for_work = closed_refusal(action.recommendation.review) is None
    return ActionPage(
        allowed=[o for o in mine if o.allowed],
        refused=[o for o in mine if not o.allowed],
        can_work=may_work and open_for_work and action.status != ActionStatus.COMPLETE,
        can_change=may_judge and open_for_work,
    )


def action_history(action: Action):
    return action.entries.select_related("actor__agency")


def agency_waiting(agency_id: int, today: date) -> dict:
    """What waits for an agency in the DHR work: report requests still outstanding, the actions
    it owns that are still to do (overdue first, then by target date) and evidence an officer
    returned to it. References and action text only: no names."""
    requests = (
        AgencyReportRequest.objects.filter(agency_id=agency_id, received_on__isnull=True, ended="")
        .select_related("review__notification")
        .annotate(clock_state=request_clock(today))
        .order_by("due_on", "pk")
    )
    actions = (
        with_action_clock(Action.objects.filter(recommendation__owning_agency_id=agency_id), today)
        .exclude(status__in=EVIDENCED_STATUSES)
        .exclude(recommendation__review__stage=Stage.CLOSED)
        .select_related("recommendation__review__notification")
    )
    return {
        "requests": list(requests[:50]),
        "returned": list(actions.filter(status=ActionStatus.RETURNED).order_by("target_date", "pk")[:50]),
        "due": list(actions.exclude(status=ActionStatus.RETURNED).order_by("target_date", "pk")[:50]),
        "today": today,
    }


def evidence_awaiting_acceptance():
    """Actions whose evidence waits for an officer, oldest target first (officers' home page)."""
    return (
        Action.objects.filter(status=ActionStatus.SUBMITTED)
        .select_related("recommendation__review__notification", "recommendation__owning_agency")
        .order_by("target_date", "pk")
    )


# --- Partnership dashboard and the Executive report -----------------------------------------

AWAITING_DECISION = "awaiting_decision"


CLOCK_COLUMNS = (
    State.ON_TRACK,
    State.DUE_SOON,
    State.OVERDUE,
    State.PAUSED,
    State.MET_ON_TIME,
    State.MET_LATE,
)


def _clock_state_of(model, kind: str, subject_ref: str, as_of: date, key=None):
    """The state on `as_of` of a record's stored deadline of `kind` (one subquery); the record's
    id is the outer query's `subject_ref`, and `key` (an expression) tells apart several of one
    kind on it."""
    deadline = Deadline.objects.filter(
        subject_type=model._meta.label_lower, subject_id=OuterRef(subject_ref), kind=kind
    )
    if key is not None:
        deadline = deadline.filter(key=key)
    return Subquery(with_clock_state(deadline, as_of).values("clock_state")[:1])


def _clock_counts(clocks: list) -> dict:
    """The clock columns of the stage table: a count per state of the clocks."""
    return {
        "total": len(clocks),
        **{key: sum(1 for clock in clocks if clock == key) for key in CLOCK_COLUMNS},
    }


def dhr_position(as_of: date) -> dict:
    """DHRs by stage against their clocks, and recommendations implemented with evidence.

    Aggregate figures only (no references, names or pseudonyms): this is stored as the frozen
    snapshot of an Executive report version. Two queries whatever the number of reviews: the
    notifications awaiting decision and those with a review, each with both clocks' states,
    and the recommendations.
    A notification awaiting decision runs against its decision clock (one month); a review
    against its completion clock (six months from the decision, plus paused days), met when
    first submitted to Home Office quality assurance. States are those of the stored
    deadlines (deadlines.state): met on time and met late apart; a paused clock is paused.
    """
    # Each review's stage and clock state, counted here: a DHR is rare (tens a year), and a
    # count per state in SQL repeats the clock's subquery in every column, which Django takes
    # longer to compile than PostgreSQL takes to run. Both clocks are a notification's.
    clocks_by_stage: dict[str, list] = {}
    awaiting_clocks = []
    for status, stage, decision, completion in (
        Notification.objects.filter(Q(status=NotificationStatus.AWAITING_DECISION) | Q(review__isnull=False))
        .annotate(
            decision_clock=_clock_state_of(Notification, KIND_DECISION, "pk", as_of),
            completion_clock=_clock_state_of(Notification, KIND_COMPLETION, "pk", as_of),
        )
        .values_list("status", "review__stage", "decision_clock", "completion_clock")
    ):
        if status == NotificationStatus.AWAITING_DECISION:
            awaiting_clocks.append(decision)
        if stage is not None:
            clocks_by_stage.setdefault(stage, []).append(completion)
    by_stage = {stage: _clock_counts(clocks) for stage, clocks in clocks_by_stage.items()}
    awaiting = _clock_counts(awaiting_clocks)
    stages = []
    if awaiting["total"]:
        stages.append({"key": AWAITING_DECISION, "label": "Awaiting decision", **awaiting})
    for stage in Stage:
        row = by_stage.get(stage.value)
        if row:
            stages.append({"key": stage.value, "label": stage.label, **row})
    for row in stages:
        row.pop("stage", None)
    clock_totals = {key: sum(row[key] for row in stages) for key in ("total", *CLOCK_COLUMNS)}
    return {
        "as_of": as_of.isoformat(),
        "due_soon_days": due_soon_days(),
        "stages": stages,
        "totals": clock_totals,
        "reviews": sum(row["total"] for row in stages if row["key"] != AWAITING_DECISION),
        "open_reviews": sum(
            row["total"] for row in stages if row["key"] not in (AWAITING_DECISION, Stage.CLOSED)
        ),
        "recommendations": recommendation_implementation(as_of),
    }


def _rate(total: int, implemented: int) -> int | None:
    return round(100 * implemented / total) if total else None


def recommendation_implementation(as_of: date) -> dict:
    """Recommendations implemented with evidence (every action complete, which the database
    only allows with evidence of outcome), overall, by owning agency and by scope. One query."""
    rows = list(
        register_base(Recommendation.objects.all(), as_of)
        .values("owning_agency_id", "owning_agency__name", "scope")
        .annotate(total=Count("pk"), implemented=Count("pk", filter=IMPLEMENTED))
        .order_by()
    )
    agencies: dict[int, dict] = {}
    scopes = {
        value: {"key": value, "label": label, "total": 0, "implemented": 0}
        for value, label in RecommendationScope.choices
    }
    for row in rows:
        agency = agencies.setdefault(
            row["owning_agency_id"],
            {
                "agency_id": row["owning_agency_id"],
                "label": row["owning_agency__name"],
                "total": 0,
                "implemented": 0,
            },
        )
        for bucket in (agency, scopes[row["scope"]]):
            bucket["total"] += row["total"]
            bucket["implemented"] += row["implemented"]
    by_agency = sorted(agencies.values(), key=lambda a: a["label"])
    for bucket in [*by_agency, *scopes.values()]:
        bucket["percent"] = _rate(bucket["total"], bucket["implemented"])
    total = sum(a["total"] for a in by_agency)
    implemented = sum(a["implemented"] for a in by_agency)
    return {
        "total": total,
        "implemented": implemented,
        "percent": _rate(total, implemented),
        "by_agency": by_agency,
        "by_scope": list(scopes.values()),
    }


def review_references() -> list[str]:
    """The references of every notification that has a review (DHR-0042 …), oldest first, for
    other apps to link records to a review by reference: the commissioning app's pooled-budget
    lines for chair and author fees. References only, no personal details."""
    return list(
        Notification.objects.filter(review__isnull=False)
        .order_by("number")
        .values_list("reference", flat=True)
    )
