"""The DHR clocks (DOMAIN §2) as pure functions, and the rule that turns a notification into
stored deadlines for the platform's registry. All offsets are settings."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings

from somerset_safety.core.dates import add_months
from somerset_safety.deadlines.registry import DeadlineSpec
from somerset_safety.meetings.deadlines import owned_action_deadline

from .models.review import Stage

KIND_DECISION = "dhr_decision_due"
KIND_COMPLETION = "dhr_completion_due"
KIND_AGENCY_REPORT = "dhr_agency_report_due"
KIND_COMMISSIONER = "dhr_commissioner_copy_due"
KIND_ACTION = "dhr_action_due"
KIND_ONLINE = "dhr_report_online_until"

KINDS = {
    KIND_DECISION: "DHR decision due",
    KIND_COMPLETION: "DHR completion due",
    KIND_AGENCY_REPORT: "DHR agency report due",
    KIND_COMMISSIONER: "DHR copy to the Domestic Abuse Commissioner due",
    KIND_ACTION: "DHR recommendation action due",
    KIND_ONLINE: "DHR published report must stay online until",
}


def decision_months() -> int:
    return getattr(settings, "DHR_DECISION_DUE_MONTHS", 1)


def completion_months() -> int:
    return getattr(settings, "DHR_COMPLETION_MONTHS", 6)


def commissioner_copy_days() -> int:
    return getattr(settings, "DHR_COMMISSIONER_COPY_DAYS", 0)


def agency_report_weeks() -> int:
    return getattr(settings, "DHR_AGENCY_REPORT_WEEKS", 6)


def online_months() -> int:
    return getattr(settings, "DHR_PUBLISHED_ONLINE_MONTHS", 12)


def due_soon_days() -> int:
    return getattr(settings, "DHR_DUE_SOON_DAYS", 14)


def decision_due(notified_on: date) -> date:
    """One calendar month after notification, clamped: 31 January → 28 (or 29) February."""
    return add_months(notified_on, decision_months())


def paused_days(pauses: Iterable[tuple[date, date | None]], *, since: date) -> int:
    """Calendar days covered by the ended pauses on or after `since`, each day counted once.

    Both ends of a pause count (1–10 March is 10 days). Overlapping pauses are merged rather
    than added. A pause still open is not counted yet: while it lasts the clock is paused,
    and its days are added (fixing the new due date) when it ends.
    """
    intervals = []
    for start, end in pauses:
        if end is None:
            continue
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


def completion_due(decision_date: date, pauses: Iterable[tuple[date, date | None]]) -> date:
    """Six calendar months after the decision to review, plus every day of the ended pauses."""
    base = add_months(decision_date, completion_months())
    return base + timedelta(days=paused_days(pauses, since=decision_date))


def default_report_due(requested_on: date) -> date:
    return requested_on + timedelta(weeks=agency_report_weeks())


def commissioner_copy_due(published_on: date) -> date:
    """As soon as reasonably practicable after completion: on publication by default."""
    return published_on + timedelta(days=commissioner_copy_days())


def online_until(published_on: date) -> date:
    """The published report stays online at least 12 months: 31 March 2026 → 31 March 2027;
    29 February 2028 → 28 February 2029. It may come down on this date or later."""
    return add_months(published_on, online_months())


# The review's own clocks, as the review page and the tracker name them.
CLOCK_NAMES = {
    KIND_DECISION: "Decision",
    KIND_COMPLETION: "Completion",
    KIND_COMMISSIONER: "Commissioner copy",
}

REVIEW_CLOSED = "Review closed before it arrived"
REQUEST_ENDED = {"withdrawn": "Request withdrawn", "not_needed": "Report not needed"}


def rule(notification) -> list[DeadlineSpec]:
    """Deadlines of one notification, from its record alone (no clock reading). Labels carry
    the DHR reference only, no personal data.

    While a pause is open the completion clock is paused: its due date stays where the ended
    pauses put it, and the new date follows when the pause ends. When the review is closed,
    an agency report still outstanding is closed with it; so is one whose request was
    withdrawn or marked not needed.
    """
    ref = notification.reference
    officer = [notification.case_officer] if notification.case_officer_id else []
    specs = [
        DeadlineSpec(
            kind=KIND_DECISION,
            label=f"{ref}: decide whether to hold a review",
            due_date=decision_due(notification.notified_on),
            responsible_users=officer,
            met_on=notification.decision_date if notification.decision != "pending" else None,
        )
    ]
    if notification.decision != "review":
        return specs
    review = notification.review
    pauses = [(p.started_on, p.ended_on) for p in review.pauses.all()]
    open_pause = min((start for start, end in pauses if end is None), default=None)
    specs.append(
        DeadlineSpec(
            kind=KIND_COMPLETION,
            label=f"{ref}: complete the review (submit to Home Office quality assurance)",
            due_date=completion_due(notification.decision_date, pauses),
            responsible_users=officer,
            met_on=review.first_submitted_on,
            paused_since=open_pause,
        )
    )
    closed = review.stage == Stage.CLOSED
    for request in review.report_requests.select_related("agency"):
        specs.append(
            DeadlineSpec(
                kind=KIND_AGENCY_REPORT,
                key=str(request.pk),
                label=f"{ref}: {request.get_report_type_display()} from {request.agency.name}",
                due_date=request.due_on,
                responsible_agency=request.agency,
                met_on=request.received_on,
                closed_reason=REQUEST_ENDED.get(request.ended) or (REVIEW_CLOSED if closed else ""),
            )
        )
    if review.published_on:
        specs.append(
            DeadlineSpec(
                kind=KIND_COMMISSIONER,
                label=f"{ref}: send the report to the Domestic Abuse Commissioner",
                due_date=commissioner_copy_due(review.published_on),
                responsible_users=officer,
                met_on=review.commissioner_copy_sent_on,
            )
        )
        # Nothing is to be done by this date, only nothing undone before it: the product refuses
        # a take-down date before it, so the clock is met on its own date ("due soon" before,
        # "met on time" from then on, when the report may come down) and sends no reminders.
        until = online_until(review.published_on)
        specs.append(
            DeadlineSpec(
                kind=KIND_ONLINE,
                label=f"{ref}: the published report must stay online until this date, then may come down",
                due_date=until,
                responsible_users=officer,
                met_on=until,
            )
        )
    return specs


def action_rule(action) -> list[DeadlineSpec]:
    """A recommendation's action is due on its target date and belongs to the recommendation's
    owning agency (its lead officer is a name, not a user). It is met on the date the agency
    completed the action and sent its evidence of outcome (late when after the target date), and
    stays met when an officer accepts the evidence; evidence returned, or the action reopened,
    opens it again. So the clock and the action's "Overdue" tag never disagree."""
    from .models import EVIDENCED_STATUSES

    rec = action.recommendation
    return [
        owned_action_deadline(
            kind=KIND_ACTION,
            label=f"{rec.review.reference} recommendation {rec.number}: action for {rec.owning_agency.name}",
            due_date=action.target_date,
            agency=rec.owning_agency,
            completed_on=action.completed_on if action.status in EVIDENCED_STATUSES else None,
        )
    ]


def register() -> None:
    from somerset_safety.deadlines import registry
    from somerset_safety.deadlines.registry import DeadlineKind

    from .models import Action, Notification
    from .permissions import (
        actions_managed_by,
        actions_visible_to,
        notifications_managed_by,
        notifications_visible_to,
    )

    def kind(key, *, statutory):
        return DeadlineKind(key, KINDS[key], statutory=statutory, due_soon_days=due_soon_days)

    registry.register(
        model=Notification,
        rule=rule,
        visible_to=notifications_visible_to,
        manageable_by=notifications_managed_by,
        kinds=[
            kind(KIND_DECISION, statutory=True),
            kind(KIND_COMPLETION, statutory=True),
            kind(KIND_AGENCY_REPORT, statutory=False),
            kind(KIND_COMMISSIONER, statutory=True),
            kind(KIND_ONLINE, statutory=False),
        ],
    )
    registry.register(
        model=Action,
        rule=action_rule,
        visible_to=actions_visible_to,
        manageable_by=actions_managed_by,
        kinds=[kind(KIND_ACTION, statutory=False)],
    )
