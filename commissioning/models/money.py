"""The partnership's pooled budget, and grants and funding bids."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ..clocks import financial_year_label


class BudgetContribution(models.Model):
    """A partner's contribution to the pooled budget for one financial year."""

    year = models.PositiveSmallIntegerField(help_text="The financial year that starts in April of this year.")
    partner = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    received_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "partner__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="commissioning_contribution_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.partner} {financial_year_label(self.year)}: £{self.amount:,.2f}"


class SpendCategory(models.TextChoices):
    DHR_CHAIR = "dhr_chair", "DHR chair's fee"
    DHR_AUTHOR = "dhr_author", "DHR author's fee"
    DHR_OTHER = "dhr_other", "Other DHR cost"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


DHR_CATEGORIES = frozenset({SpendCategory.DHR_CHAIR, SpendCategory.DHR_AUTHOR, SpendCategory.DHR_OTHER})


class BudgetSpend(models.Model):
    """A spending line against the pooled budget. DHR costs name the review by its reference,
    checked against the reviews app's own list (no personal details are copied here)."""

    year = models.PositiveSmallIntegerField(editable=False)
    spent_on = models.DateField()
    category = models.CharField(max_length=20, choices=SpendCategory.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    dhr_reference = models.CharField("DHR", max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="commissioning_spend_not_negative"),
            models.CheckConstraint(
                condition=~Q(category__in=["dhr_chair", "dhr_author", "dhr_other"]) | ~Q(dhr_reference=""),
                name="commissioning_dhr_spend_names_review",
            ),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount:,.2f}"


class GrantStatus(models.TextChoices):
    PREPARING = "preparing", "Preparing the bid"
    SUBMITTED = "submitted", "Submitted, awaiting decision"
    AWARDED = "awarded", "Awarded"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Grant(models.Model):
    """A bid for funds, made by the council or by a partner the partnership helps."""

    funder = models.CharField(max_length=200)
    scheme = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    partner = models.CharField(max_length=200, help_text="The organisation bidding.")
    partnership_body = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True, help_text="The area or communities it is for.")
    amount_requested = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    amount_awarded = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    bid_deadline = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    decision_expected_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=GrantStatus.choices, default=GrantStatus.PREPARING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-bid_deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="awarded") | Q(amount_awarded__isnull=False, decided_on__isnull=False),
                name="commissioning_awarded_grant_has_amount_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} ({self.funder})"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:grant_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"Bid {self.pk}"


class GrantReport(models.Model):
    """A report the funder asks for, on a date: a deadline until it is sent."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    description = models.CharField(max_length=200)
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["grant", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.description} due {self.due_on:%d %b %Y}"
