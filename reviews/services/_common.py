"""Helpers shared by the review services: the timeline, the not-in-the-future check, the row lock."""

from datetime import date

from django.conf import settings

from somerset_safety.core.dates import refuse_future

from ..exceptions import ReviewError
from ..models import (
    Notification,
    Review,
    TimelineEntry,
)
from ..states import closed_refusal

REFERENCE_KIND = "dhr_notification"


def reference_prefix() -> str:
    return getattr(settings, "DHR_REFERENCE_PREFIX", "DHR-")


def _timeline(notification: Notification, *, actor, occurred_on: date, summary: str) -> None:
    TimelineEntry.objects.create(
        notification=notification, occurred_on=occurred_on, actor=actor, summary=summary
    )


def _not_future(day: date | None, what: str, *, field: str | None) -> None:
    refuse_future(day, what, ReviewError, field=field)


def _refuse_if_closed(review: Review) -> None:
    refusal = closed_refusal(review)
    if refusal:
        raise ReviewError(refusal)


def _lock_review(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("notification").get(pk=review.pk)
