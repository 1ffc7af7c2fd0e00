from django.conf import settings
from django.db import models
from django.db.models import F, Q


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


class DisposalRefusal(models.Model):
    """A record due under a rule that needs no review that the nightly run could not dispose of,
    and why, in words that name no record (no reference, no name). The run tries it again every
    night and keeps this while it stays refused; the retention schedule page counts them by kind
    of record and reason, so a records manager sees what the rule alone will not dispose of."""

    record_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=300)
    first_refused_on = models.DateField()
    last_refused_on = models.DateField()

    class Meta:
        ordering = ["record_type", "first_refused_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="one_refusal_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.object_id} not disposed of"


class Regime(models.TextChoices):
    UK_GDPR = "uk_gdpr", "UK GDPR (Article 15)"
    PART_3 = "dpa_part_3", "Data Protection Act 2018 Part 3 (law enforcement, section 45)"


class SarStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Waiting for the requester"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SubjectAccessRequest(models.Model):
    """A person's request for a copy of the personal data the service holds about them. Its
    response deadline (one calendar month, extended or paused as the law allows) is a stored
    deadline (records/deadlines.py); its status moves only through records/states.py SAR_MOVES.
    What was found, disclosed and withheld is kept as item references and reasons (SarItem)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    regime = models.CharField(max_length=20, choices=Regime.choices)
    received_on = models.DateField("date received")
    subject_name = models.CharField("name of the person the request is about", max_length=200)
    other_names = models.TextField(
        "other names", blank=True, help_text="Previous names or other spellings, one a line."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    known_references = models.TextField(
        "references the person gave",
        blank=True,
        help_text="Case or record references (a MARAC, DHR, NRM or modern slavery reference), one a line.",
    )
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.OPEN)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person answering the request: reminders of its deadline go to them.",
    )
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    requester_told_on = models.DateField(
        "date the requester was told of the extension", null=True, blank=True
    )
    completed_on = models.DateField("date the response was sent", null=True, blank=True)
    withdrawn_on = models.DateField("date the request was withdrawn", null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "subject access request"
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=2), name="sar_extension_at_most_two_months"
            ),
            models.CheckConstraint(
                condition=Q(extension_months=0) | Q(requester_told_on__isnull=False),
                name="sar_extension_has_notice_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="sar_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("records:sar_detail", args=[self.pk])

    @property
    def names(self) -> list[str]:
        """Every name to search for: the name given first, then the others."""
        others = [line.strip() for line in self.other_names.splitlines() if line.strip()]
        return [self.subject_name, *others]

    @property
    def references(self) -> list[str]:
        return [line.strip() for line in self.known_references.splitlines() if line.strip()]


class PauseReason(models.TextChoices):
    IDENTITY = "identity", "Waiting for proof of identity"
    CLARIFICATION = "clarification", "Waiting for clarification of what is asked for"


class SarPause(models.Model):
    """A time the clock stood still. Waiting for proof of identity: the month starts again on
    the day it arrives. Waiting for clarification: the days from asking to the answer (both
    included) do not count."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    started_on = models.DateField("date asked")
    ended_on = models.DateField("date received", null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="sar_pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(ended_on__isnull=True), name="sar_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_on:%-d %B %Y}"


class ItemDecision(models.TextChoices):
    PENDING = "pending", "To review"
    DISCLOSE = "disclose", "Disclose"
    WITHHOLD = "withhold", "Withhold"


class SarItem(models.Model):
    """One record a search for the request's person found, by its app's source key, id and
    system reference, with the officer's decision: disclose it, or withhold it (third-party
    information) with the reason. No copy of the record's personal data is kept here."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=80, help_text="The record's system reference, never a name.")
    description = models.CharField(max_length=200, help_text="What kind of record it is, in fixed words.")
    matched_on = models.CharField(max_length=60, blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=ItemDecision.choices, default=ItemDecision.PENDING)
    withhold_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source", "reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "source", "object_id"], name="sar_item_once_per_request"
            ),
            models.CheckConstraint(
                condition=~Q(decision="withhold") | ~Q(withhold_reason=""),
                name="sar_withheld_item_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SarSearch(models.Model):
    """One search for the request's person: who searched, when, which sources they could search
    (each finds only what that person may see) and which they could not."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="searches")
    searched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    searched_at = models.DateTimeField(auto_now_add=True)
    sources = models.JSONField(default=list, help_text="The source keys searched.")
    not_searched = models.JSONField(default=list, help_text="The source keys this person may not search.")
    found = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-searched_at", "-id"]

    def __str__(self) -> str:
        return f"Search for {self.request} at {self.searched_at:%Y-%m-%d %H:%M}"
