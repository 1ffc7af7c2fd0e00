from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.uploads import PrivateFileField


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
    """The owning agency's progress and the officer's judgement of its evidence: an action
    counts as implemented only once "complete", which only the officer's acceptance reaches
    (ACTION_MOVES in reviews/states.py)."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Evidence awaiting acceptance"
    RETURNED = "returned", "Evidence returned"
    COMPLETE = "complete", "Complete"


# The states in which the agency says the work is done, so a completion date and evidence exist.
EVIDENCED_STATUSES = (ActionStatus.SUBMITTED, ActionStatus.COMPLETE)


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
                condition=~Q(status__in=["submitted", "complete"])
                | (Q(completed_on__isnull=False) & ~Q(evidence_of_outcome="")),
                name="reviews_complete_action_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("reviews:action", args=[self.recommendation_id, self.pk])

    @property
    def reference(self) -> str:
        """How lists of deadlines name it: "DHR-0042 recommendation 2"."""
        return str(self.recommendation)

    @property
    def agency_id(self):
        return self.recommendation.owning_agency_id


class ActionEntryKind(models.TextChoices):
    PROGRESS = "progress", "Progress update"
    STARTED = "started", "Started"
    SUBMITTED = "submitted", "Marked complete, evidence sent"
    RETURNED = "returned", "Evidence returned"
    ACCEPTED = "accepted", "Evidence accepted"
    REOPENED = "reopened", "Reopened"


class ActionEntry(models.Model):
    """The action's history as its owning agency and the officer write it: progress updates
    and every move of its status with the note or reason given."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=ActionEntryKind.choices)
    occurred_on = models.DateField()
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at", "-id"]
        verbose_name_plural = "action entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%-d %B %Y}"


class ActionEvidence(models.Model):
    """A file of evidence of outcome, stored privately (S17); none is overwritten."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence_files")
    file = PrivateFileField()
    original_name = models.CharField(max_length=200)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "action evidence"

    def __str__(self) -> str:
        return self.original_name
