from django.conf import settings
from django.db import models
from django.db.models import Q


class RetentionTrigger(models.TextChoices):
    CREATED = "created", "Created"
    CLOSED = "closed", "Closed"
    LAST_REFERRAL = "last_referral", "Last referral for the person"
    CONTRACT_END = "contract_end", "Contract end"
    PUBLICATION = "publication", "Publication"


class RetentionAction(models.TextChoices):
    REVIEW = "review", "Review by a person first"
    DESTROY = "destroy", "Destroy"
    ANONYMISE = "anonymise", "Anonymise: keep the figures, drop the identity"


class RetentionRule(models.Model):
    """The council's retention schedule: for one kind of record, how long it is kept after its
    trigger and what then happens to it. One rule per registered record type."""

    record_type = models.CharField(max_length=60, unique=True)
    period_months = models.PositiveIntegerField(
        "retention period in months",
        help_text="How long the record is kept after the trigger. 6 years is 72 months.",
    )
    trigger = models.CharField(max_length=20, choices=RetentionTrigger.choices)
    action = models.CharField(max_length=20, choices=RetentionAction.choices)
    notes = models.TextField(
        blank=True, help_text="Where the rule comes from, for example the schedule's line number."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_months__gte=1), name="retention_period_at_least_a_month"
            ),
        ]

    def __str__(self) -> str:
        return self.record_type

    @property
    def period_label(self) -> str:
        years, months = divmod(self.period_months, 12)
        parts = []
        if years:
            parts.append(f"{years} year{'s' if years != 1 else ''}")
        if months:
            parts.append(f"{months} month{'s' if months != 1 else ''}")
        return " ".join(parts)


class HoldStatus(models.TextChoices):
    ACTIVE = "active", "In force"
    RELEASED = "released", "Released"


class LegalHold(models.Model):
    """A stop on disposal of one record (litigation, an inquiry, a further review). A record
    with a hold in force is never due for disposal, whatever its retention rule says."""

    record_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=60, help_text="The record's reference when the hold was placed.")
    reason = models.TextField()
    review_on = models.DateField("review the hold on")
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"],
                condition=Q(status="active"),
                name="one_legal_hold_in_force_per_record",
            ),
        ]
        indexes = [models.Index(fields=["record_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"Legal hold on {self.reference}"


class DisposalAction(models.TextChoices):
    DESTROY = "destroy", "Destroyed"
    ANONYMISE = "anonymise", "Anonymised"


class ErasureLog(models.Model):
    """One disposal: which record (by type, id and system reference), what was done under which
    rule, who approved it (nobody: the nightly run, under a rule that needs no review) and when. It holds no personal data, is never changed and is kept
    after the record has gone. One disposal per record (a database constraint), so approving the
    same record twice disposes of it once."""

    record_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=60, help_text="The record's system reference, never a name.")
    action = models.CharField(max_length=10, choices=DisposalAction.choices)
    rule_period_months = models.PositiveIntegerField("retention period in months")
    rule_trigger = models.CharField("kept from", max_length=20, choices=RetentionTrigger.choices)
    rule_action = models.CharField("the rule's action", max_length=20, choices=RetentionAction.choices)
    trigger_date = models.DateField()
    rows_removed = models.PositiveIntegerField(
        default=0, help_text="Rows deleted or overwritten, history rows included."
    )
    files_removed = models.PositiveIntegerField(default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when the nightly run disposed of it under a rule that needs no review.",
    )
    disposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="one_disposal_per_record"),
        ]
        indexes = [models.Index(fields=["-disposed_at", "-id"], name="erasure_newest_first")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_action_display().lower()}"

    @property
    def rule_period_label(self) -> str:
        return RetentionRule(period_months=self.rule_period_months).period_label
