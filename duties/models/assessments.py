"""Section 17 (crime and disorder) and equality impact assessments of council decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

AFTER_DECISION = "After the decision — not evidence of due regard"


class AssessmentKind(models.TextChoices):
    DECISION = "decision", "Decision"
    POLICY = "policy", "Policy"
    STRATEGY = "strategy", "Strategy"
    PLAN = "plan", "Plan"
    BUDGET = "budget", "Budget"
    COMMISSIONING = "commissioning", "Commissioning or procurement"
    OTHER = "other", "Other"


class AssessmentOutcome(models.TextChoices):
    """The usual outcomes of an equality impact assessment, used for both kinds of assessment."""

    NO_CHANGE = "no_change", "No major change needed"
    ADJUSTED = "adjusted", "Adjusted to remove risks or barriers"
    CONTINUE = "continue", "Continue despite risks, with mitigations"
    STOP = "stop", "Stop and rethink"


class ImpactAssessment(models.Model):
    """A council decision, policy or plan assessed for its crime and disorder implications
    (Crime and Disorder Act 1998 s17) and/or its equality impact (Equality Act 2010 s149)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    decision_body = models.CharField(max_length=200)
    decision_date = models.DateField(null=True, blank=True)
    assessed_on = models.DateField()
    assessor = models.CharField(max_length=200, help_text="Name and job title of the person who assessed it.")
    covers_crime_and_disorder = models.BooleanField(default=True)
    covers_equality = models.BooleanField(default=False)
    crime_disorder_implications = models.TextField(blank=True)
    equality_impact = models.TextField(blank=True)
    mitigations = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    after_decision_label = AFTER_DECISION

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(covers_crime_and_disorder=True) | Q(covers_equality=True),
                name="assessment_covers_something",
            ),
            models.CheckConstraint(
                condition=Q(covers_crime_and_disorder=False) | ~Q(crime_disorder_implications=""),
                name="assessment_crime_disorder_has_implications",
            ),
            models.CheckConstraint(
                condition=Q(covers_equality=False) | ~Q(equality_impact=""),
                name="assessment_equality_has_impact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("duties:assessment_detail", args=[self.pk])

    @property
    def after_decision(self) -> bool:
        """Assessed after the decision it is about: it could not have informed the decision, so it
        does not show due regard and is not counted as evidence."""
        return self.decision_date is not None and self.assessed_on > self.decision_date

    @property
    def types_label(self) -> str:
        parts = []
        if self.covers_crime_and_disorder:
            parts.append("Section 17")
        if self.covers_equality:
            parts.append("Equality")
        return " and ".join(parts)
