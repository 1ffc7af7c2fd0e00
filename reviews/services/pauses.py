"""Pauses: the completion clock is paused while a review is (the deadline's paused state, with
no reminders); when the pause ends its days move the due date on, once."""

from datetime import date

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import ReviewError
from ..models import (
    Pause,
    Review,
)
from ..states import pause_refusal
from ._common import _lock_review, _not_future, _timeline


@transaction.atomic
def pause_start(*, actor, review: Review, reason: str, started_on: date, detail: str = "") -> Pause:
    """Pause the review. Its completion clock stops until the pause ends. Raises ReviewError if
    already paused, closed, or dated before the decision."""
    review = _lock_review(review)
    refusal = pause_refusal(review)
    if refusal:
        raise ReviewError(refusal)
    _not_future(started_on, "The pause start date", field="started_on")
    if started_on < review.notification.decision_date:
        raise ReviewError("A pause cannot start before the decision to hold the review.")
    pause = Pause.objects.create(
        review=review, reason=reason, detail=detail.strip(), started_on=started_on, created_by=actor
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=pause, changed_fields=["reason", "detail", "started_on"]
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=started_on,
        summary=f"Review paused: {pause.get_reason_display()}",
    )
    deadlines_sync(subject=review.notification)
    return pause


@transaction.atomic
def pause_end(*, actor, pause: Pause, ended_on: date) -> Pause:
    """End an open pause. Raises ReviewError if it has ended or the date is before its start."""
    pause = Pause.objects.select_for_update().select_related("review__notification").get(pk=pause.pk)
    if pause.ended_on is not None:
        raise ReviewError("This pause has already ended.")
    _not_future(ended_on, "The pause end date", field="ended_on")
    if ended_on < pause.started_on:
        raise ReviewError(f"The pause cannot end before it started on {pause.started_on:%-d %B %Y}.")
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=pause, changed_fields=["ended_on"])
    _timeline(
        pause.review.notification,
        actor=actor,
        occurred_on=ended_on,
        summary=f"Pause ended ({pause.get_reason_display().lower()})",
    )
    deadlines_sync(subject=pause.review.notification)
    return pause
