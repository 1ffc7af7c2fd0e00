from django.conf import settings
from django.db import models
from django.db.models import Q


class DeadlineStatus(models.TextChoices):
    """What is stored. What pages show (on track, due soon, overdue, met on time, met late …)
    follows from it and the dates: see `deadlines.state.clock_state`."""

    OPEN = "open", "Open"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"
    CLOSED = "closed", "Closed"


# Still to be done: the statuses a waiver applies to and the team page counts as outstanding.
OUTSTANDING = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)


class Deadline(models.Model):
    """One dated obligation on a domain record: the one truth about that clock.

    Rows are written only by `deadlines.services` from the rules each app registers (and by a
    waiver), so "everything due" across the product is one indexed query, and every page,
    figure and reminder reads the same row.
    """

    subject_type = models.CharField(max_length=100)
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=80)
    key = models.CharField(max_length=80, blank=True, default="")
    label = models.CharField(max_length=200, help_text="Shown in lists and emails: no personal data.")
    subject_reference = models.CharField(max_length=60, blank=True)
    subject_url = models.CharField(max_length=300)
    due_date = models.DateField()
    statutory = models.BooleanField(default=False)
    responsible_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    responsible_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    met_on = models.DateField(null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=120, blank=True)
    waived_reason = models.TextField(blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "key"], name="deadline_unique_per_subject"
            ),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_on__isnull=False), name="deadline_met_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waived_reason=""), name="deadline_waived_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="paused") | Q(paused_since__isnull=False), name="deadline_paused_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closed_reason=""), name="deadline_closed_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["responsible_agency", "status", "due_date"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_date:%d %b %Y})"

    @property
    def days_late(self) -> int | None:
        if self.status != DeadlineStatus.MET or self.met_on is None:
            return None
        return max((self.met_on - self.due_date).days, 0)


class DeadlineEventAction(models.TextChoices):
    WAIVED = "waived", "Waived"
    UNWAIVED = "unwaived", "Waiver withdrawn"


class DeadlineEvent(models.Model):
    """A person's decision about a deadline (a waiver, or withdrawing one), with the reason.
    Kept for good alongside the audit event, so a deadline's history can be shown."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=DeadlineEventAction.choices)
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="deadline_event_has_reason")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} deadline {self.deadline_id}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent: no longer due"


class ReminderChannel(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate email"
    DIGEST = "digest", "Daily digest"


class ReminderSend(models.Model):
    """The send log (S21). A row is written before anything is sent; the unique constraint
    means a retried, duplicated or concurrent sweep can never log the same reminder twice, and
    a row is sent only by the process that claimed it (pending -> sending, with the time)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=30)
    escalation = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, help_text="Which sender holds the row.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "recipient", "step"], name="reminder_sent_once"),
        ]
        indexes = [
            models.Index(fields=["channel", "status", "recipient"]),
            models.Index(fields=["status", "claimed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.step} reminder for deadline {self.deadline_id} to user {self.recipient_id}"
