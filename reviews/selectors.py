"""Reads for the tracker, the review page and the recommendations register."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .deadlines import notification_clocks
from .models import Action, ActionStatus, Notification, Pause, Recommendation


def _open_deadlines(today: date | None = None):
    deadlines = Deadline.objects.filter(
        subject_type=Notification._meta.label_lower, subject_id=OuterRef("pk"), status=DeadlineStatus.OPEN
    )
    if today is not None:
        deadlines = deadlines.filter(due_date__lt=today)
    return deadlines


def tracker_queryset(visible: QuerySet[Notification]) -> QuerySet[Notification]:
    """Notifications with what the tracker shows, in a fixed number of queries."""
    next_due = _open_deadlines().order_by("due_date").values("due_date")[:1]
    return (
        visible.select_related("review", "notifying_agency")
        .prefetch_related(Prefetch("review__pauses", queryset=Pause.objects.order_by("started_on")))
        .annotate(
            next_due=Subquery(next_due),
            is_paused=Exists(
                Pause.objects.filter(review__notification=OuterRef("pk"), ended_on__isnull=True)
            ),
        )
    )


def with_overdue_flag(queryset: QuerySet[Notification], today: date) -> QuerySet[Notification]:
    return queryset.annotate(has_overdue=Exists(_open_deadlines(today)))


@dataclass
class TrackerRow:
    notification: Notification
    clocks: list


def tracker_rows(page, today: date) -> list[TrackerRow]:
    return [TrackerRow(n, notification_clocks(n, today)) for n in page]


def timeline_of(notification: Notification):
    return notification.timeline.select_related("actor")


# --- Recommendations register ---------------------------------------------------------------


def register_base(visible: QuerySet[Recommendation], today: date) -> QuerySet[Recommendation]:
    """Recommendations flagged by the database: a recommendation is implemented when it has
    actions and none is still open (a complete action always has evidence: a DB constraint)."""
    actions = Action.objects.filter(recommendation=OuterRef("pk"))
    open_actions = actions.exclude(status=ActionStatus.COMPLETE)
    return visible.annotate(
        has_actions=Exists(actions),
        has_open_action=Exists(open_actions),
        has_overdue_action=Exists(open_actions.filter(target_date__lt=today)),
    )


IMPLEMENTED = Q(has_actions=True, has_open_action=False)


def with_action_counts(queryset: QuerySet[Recommendation], today: date) -> QuerySet[Recommendation]:
    return queryset.select_related("review__notification", "owning_agency").annotate(
        total_actions=Count("actions", distinct=True),
        complete_actions=Count("actions", filter=Q(actions__status=ActionStatus.COMPLETE), distinct=True),
        overdue_actions=Count(
            "actions",
            filter=Q(actions__target_date__lt=today) & ~Q(actions__status=ActionStatus.COMPLETE),
            distinct=True,
        ),
    )


def implementation_rate(queryset: QuerySet[Recommendation]) -> dict:
    """How many of the (register_base) recommendations are implemented, in one query."""
    totals = queryset.order_by().aggregate(total=Count("pk"), implemented=Count("pk", filter=IMPLEMENTED))
    total, done = totals["total"] or 0, totals["implemented"] or 0
    return {"total": total, "implemented": done, "percent": round(100 * done / total) if total else None}


def recommendation_status(rec) -> str:
    if rec.total_actions == 0:
        return "No actions yet"
    if rec.complete_actions == rec.total_actions:
        return "Implemented"
    return "In progress"
