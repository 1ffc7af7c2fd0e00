"""The DHR records on the council's retention schedule (somerset_safety.records)."""

from django.db.models.functions import TruncDate

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger


def register_records() -> None:
    from .models import Notification, NotificationStatus, Review

    registry.register(
        registry.RecordType(
            key="dhr_notification",
            label="DHR notification without a review",
            model=Notification,
            queryset=lambda: Notification.objects.filter(status=NotificationStatus.CLOSED_NO_REVIEW),
            triggers={
                RetentionTrigger.CREATED: TruncDate("created_at"),
                RetentionTrigger.CLOSED: "decision_date",
            },
            default=registry.Default(years=6, trigger=RetentionTrigger.CLOSED, action=RetentionAction.REVIEW),
            order=10,
        )
    )
    registry.register(
        registry.RecordType(
            key="dhr_review",
            label="DHR review and its documents",
            model=Review,
            queryset=lambda: Review.objects.select_related("notification"),
            # The notification holds the victim's details: it goes with its review.
            destroy_with=lambda review: [review.notification],
            triggers={
                RetentionTrigger.CLOSED: "closed_on",
                RetentionTrigger.PUBLICATION: "published_on",
            },
            default=registry.Default(years=6, trigger=RetentionTrigger.CLOSED, action=RetentionAction.REVIEW),
            order=11,
        )
    )
