from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class RecommendationScope(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"


class Recommendation(models.Model):
    """A review's recommendation. It is implemented when every one of its actions is complete
    with evidence of outcome (worked out in selectors, never stored)."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    scope = models.CharField(max_length=20, choices=RecommendationScope.choices)
    owning_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="reviews_recommendation_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.review.reference} recommendation {self.number}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Action(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    lead_officer = models.CharField(max_length=200, help_text="Name and job title of the officer leading.")
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    evidence_of_outcome = models.TextField(
        blank=True,
        help_text="What changed and how you know: for example an audit result, a revised policy in use, "
        "training attendance figures. Required to complete the action.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="complete")
                | (Q(completed_on__isnull=False) & ~Q(evidence_of_outcome="")),
                name="reviews_complete_action_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
