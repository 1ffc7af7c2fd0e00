"""The DHR clocks (DOMAIN §2) as pure functions, and the rule that turns a notification into
stored deadlines for the platform's registry. All offsets are settings."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from somerset_safety.core.dates import add_months
from somerset_safety.deadlines.registry import DeadlineSpec

KIND_DECISION = "dhr_decision_due"
KIND_COMPLETION = "dhr_completion_due"
KIND_AGENCY_REPORT = "dhr_agency_report_due"
KIND_COMMISSIONER = "dhr_commissioner_copy_due"

KINDS = {
    KIND_DECISION: "DHR decision due",
    KIND_COMPLETION: "DHR completion due",
    KIND_AGENCY_REPORT: "DHR agency report due",
    KIND_COMMISSIONER: "DHR copy to the Domestic Abuse Commissioner due",
}


def decision_months() -> int:
    return getattr(settings, "DHR_DECISION_DUE_MONTHS", 1)


def completion_months() -> int:
    return getattr(settings, "DHR_COMPLETION_MONTHS", 6)


def commissioner_copy_days() -> int:
    return getattr(settings, "DHR_COMMISSIONER_COPY_DAYS", 0)


def agency_report_weeks() -> int:
    return getattr(settings, "DHR_AGENCY_REPORT_WEEKS", 6)


def due_soon_days() -> int:
    return getattr(settings, "DHR_DUE_SOON_DAYS", 14)


def decision_due(notified_on: date) -> date:
    """One calendar month after notification, clamped: 31 January → 28 (or 29) February."""
    return add_months(notified_on, decision_months())


def paused_days(pauses: Iterable[tuple[date, date | None]], *, since: date, today: date) -> int:
    """Calendar days covered by the pauses on or after `since`, each day counted once.

    Both ends of a pause count (1–10 March is 10 days). An open pause runs to today, so the
    clock keeps moving while it lasts. Overlapping pauses are merged rather than added.
    """
    intervals = []
    for start, end in pauses:
        end = today if end is None else end
        start = max(start, since)
        if end >= start:
            intervals.append((start, end))
    intervals.sort()
    total = 0
    current_start = current_end = None
    for start, end in intervals:
        if current_end is not None and start <= current_end + timedelta(days=1):
            current_end = max(current_end, end)
            continue
        if current_end is not None:
            total += (current_end - current_start).days + 1
        current_start, current_end = start, end
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return total


def completion_due(decision_date: date, pauses: Iterable[tuple[date, date | None]], *, today: date) -> date:
    """Six calendar months after the decision to review, plus every paused day."""
    base = add_months(decision_date, completion_months())
    return base + timedelta(days=paused_days(pauses, since=decision_date, today=today))


def default_report_due(requested_on: date) -> date:
    return requested_on + timedelta(weeks=agency_report_weeks())


def commissioner_copy_due(published_on: date) -> date:
    """As soon as reasonably practicable after completion: on publication by default."""
    return published_on + timedelta(days=commissioner_copy_days())


@dataclass(frozen=True)
class ClockState:
    name: str
    due: date | None
    met_on: date | None
    status: str  # on_track, due_soon, overdue, met, not_started
    paused: bool = False

    @property
    def label(self) -> str:
        return {
            "on_track": "On track",
            "due_soon": f"Due within {due_soon_days()} days",
            "overdue": "Overdue",
            "met": "Met",
            "not_started": "Not started",
        }[self.status]

    @property
    def tag_class(self) -> str:
        return {
            # The same colours as My deadlines: met is green, on track blue.
            "on_track": "govuk-tag--blue",
            "due_soon": "govuk-tag--yellow",
            "overdue": "govuk-tag--red",
            "met": "govuk-tag--green",
            "not_started": "govuk-tag--grey",
        }[self.status]


def clock_status(due: date | None, met_on: date | None, today: date) -> str:
    if met_on is not None:
        return "met"
    if due is None:
        return "not_started"
    if due < today:
        return "overdue"
    if (due - today).days <= due_soon_days():
        return "due_soon"
    return "on_track"


def clock(name: str, due: date | None, met_on: date | None, today: date, paused: bool = False) -> ClockState:
    return ClockState(name, due, met_on, clock_status(due, met_on, today), paused)


def notification_clocks(notification, today: date) -> list[ClockState]:
    """Every clock of a notification and its review, for the review page and the tracker.

    Reads `notification.review`, its pauses and report requests; prefetch them for lists.
    """
    clocks = [clock("Decision", decision_due(notification.notified_on), notification.decision_date, today)]
    review = getattr(notification, "review", None) if notification.decision == "review" else None
    if review is None:
        return clocks
    pauses = [(p.started_on, p.ended_on) for p in review.pauses.all()]
    open_pause = any(end is None for _, end in pauses)
    clocks.append(
        clock(
            "Completion",
            completion_due(notification.decision_date, pauses, today=today),
            review.first_submitted_on,
            today,
            paused=open_pause,
        )
    )
    if review.published_on:
        clocks.append(
            clock(
                "Commissioner copy",
                commissioner_copy_due(review.published_on),
                review.commissioner_copy_sent_on,
                today,
            )
        )
    return clocks


def rule(notification) -> list[DeadlineSpec]:
    """Deadlines of one notification. Labels carry the DHR reference only, no personal data."""
    from somerset_safety.core.dates import today as local_today

    ref = notification.reference
    specs = [
        DeadlineSpec(
            kind=KIND_DECISION,
            label=f"{ref}: decide whether to hold a review",
            due_date=decision_due(notification.notified_on),
            responsible_user=notification.case_officer,
            met_on=notification.decision_date if notification.decision != "pending" else None,
        )
    ]
    if notification.decision != "review":
        return specs
    review = notification.review
    pauses = [(p.started_on, p.ended_on) for p in review.pauses.all()]
    specs.append(
        DeadlineSpec(
            kind=KIND_COMPLETION,
            label=f"{ref}: complete the review (submit to Home Office quality assurance)",
            due_date=completion_due(notification.decision_date, pauses, today=local_today()),
            responsible_user=notification.case_officer,
            met_on=review.first_submitted_on,
        )
    )
    for request in review.report_requests.select_related("agency"):
        specs.append(
            DeadlineSpec(
                kind=KIND_AGENCY_REPORT,
                key=str(request.pk),
                label=f"{ref}: {request.get_report_type_display()} from {request.agency.name}",
                due_date=request.due_on,
                responsible_agency=request.agency,
                met_on=request.received_on,
            )
        )
    if review.published_on:
        specs.append(
            DeadlineSpec(
                kind=KIND_COMMISSIONER,
                label=f"{ref}: send the report to the Domestic Abuse Commissioner",
                due_date=commissioner_copy_due(review.published_on),
                statutory=True,
                responsible_user=notification.case_officer,
                met_on=review.commissioner_copy_sent_on,
            )
        )
    return specs


def register() -> None:
    from somerset_safety.deadlines import registry

    from .models import Notification
    from .permissions import notifications_visible_to

    registry.register(model=Notification, rule=rule, visible_to=notifications_visible_to, kinds=KINDS)
