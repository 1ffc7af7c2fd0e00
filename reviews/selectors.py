"""Reads for the tracker, the review page, the recommendations register, the tracker exports and
the partnership dashboard and Executive report figures."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .deadlines import KIND_COMPLETION, KIND_DECISION, due_soon_days, notification_clocks
from .models import (
    Action,
    ActionStatus,
    Notification,
    NotificationStatus,
    Pause,
    Recommendation,
    RecommendationScope,
    Review,
    Stage,
)


def _open_deadlines(today: date | None = None):
    deadlines = Deadline.objects.filter(
        subject_type=Notification._meta.label_lower, subject_id=OuterRef("pk"), status=DeadlineStatus.OPEN
    )
    if today is not None:
        deadlines = deadlines.filter(due_date__lt=today)
    return deadlines


def stage_clock_overdue(today: date):
    """The decision or completion deadline past its date and not met: what the dashboard's
    "overdue" column counts, as a filter for the tracker."""
    return _open_deadlines(today).filter(kind__in=[KIND_DECISION, KIND_COMPLETION])


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


EXPORT_CLOCKS = ("Decision", "Completion", "Commissioner copy")


def tracker_export_table(rows: list[TrackerRow], *, show_pseudonym: bool) -> tuple[list[str], list[list]]:
    """The tracker's columns as a table for CSV and PDF: what the page shows this viewer, no more
    (never the real name; the pseudonym only where the page shows it)."""
    header = ["Reference", "Date notified", "Area"]
    if show_pseudonym:
        header.append("Pseudonym")
    header += ["Stage or status", "Paused"]
    for name in EXPORT_CLOCKS:
        header += [f"{name} clock", f"{name} due", f"{name} met"]
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
            line += (
                [c.label, c.due.isoformat() if c.due else "", c.met_on.isoformat() if c.met_on else ""]
                if c
                else ["", "", ""]
            )
        cells.append(line)
    return header, cells


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


# --- Partnership dashboard and the Executive report -----------------------------------------

AWAITING_DECISION = "awaiting_decision"


def _stored_due(kind: str, notification_ref: str):
    """The due date of a notification's stored deadline of `kind`. The deadline rule keeps it
    current (pauses move the completion date on daily), so the database can count clocks."""
    return Subquery(
        Deadline.objects.filter(
            subject_type=Notification._meta.label_lower, subject_id=OuterRef(notification_ref), kind=kind
        ).values("due_date")[:1]
    )


def _clock_counts(met: Q, as_of: date) -> dict:
    """The clock columns of the stage table, as conditional counts on an annotated `due`."""
    soon = as_of + timedelta(days=due_soon_days())
    unmet = ~met
    return {
        "total": Count("pk"),
        "met": Count("pk", filter=met),
        "overdue": Count("pk", filter=unmet & Q(due__lt=as_of)),
        "due_soon": Count("pk", filter=unmet & Q(due__gte=as_of, due__lte=soon)),
        "on_track": Count("pk", filter=unmet & (Q(due__gt=soon) | Q(due__isnull=True))),
    }


def dhr_position(as_of: date) -> dict:
    """DHRs by stage against their clocks, and recommendations implemented with evidence.

    Aggregate figures only (no references, names or pseudonyms): this is stored as the frozen
    snapshot of an Executive report version. Three queries whatever the number of reviews.
    A notification awaiting decision runs against its decision clock (one month); a review
    against its completion clock (six months from the decision, plus paused days), met when
    first submitted to Home Office quality assurance.
    """
    paused_on_day = Pause.objects.filter(review=OuterRef("pk"), started_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
    )
    by_stage = {
        row["stage"]: row
        for row in Review.objects.annotate(
            due=_stored_due(KIND_COMPLETION, "notification_id"), is_paused=Exists(paused_on_day)
        )
        .values("stage")
        .annotate(
            **_clock_counts(Q(first_submitted_on__isnull=False, first_submitted_on__lte=as_of), as_of),
            paused=Count("pk", filter=Q(is_paused=True)),
        )
        .order_by()
    }
    awaiting = (
        Notification.objects.filter(status=NotificationStatus.AWAITING_DECISION)
        .annotate(due=_stored_due(KIND_DECISION, "pk"))
        .aggregate(**_clock_counts(Q(decision_date__isnull=False), as_of))
    )
    stages = []
    if awaiting["total"]:
        stages.append({"key": AWAITING_DECISION, "label": "Awaiting decision", **awaiting, "paused": 0})
    for stage in Stage:
        row = by_stage.get(stage.value)
        if row:
            stages.append({"key": stage.value, "label": stage.label, **row})
    for row in stages:
        row.pop("stage", None)
    clock_totals = {
        key: sum(row[key] for row in stages)
        for key in ("total", "on_track", "due_soon", "overdue", "met", "paused")
    }
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
