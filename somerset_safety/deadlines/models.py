from django.conf import settings
from django.db import models
from django.db.models import Q


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"


class Deadline(models.Model):
    """One dated obligation on a domain record, kept in step by the services that change it.

    Rows are written only by `deadlines.services.deadlines_sync` from the rules each app
    registers, so "everything due" across the product is one indexed query.
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
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    met_on = models.DateField(null=True, blank=True)
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
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["responsible_user", "status", "due_date"]),
            models.Index(fields=["responsible_agency", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_date:%d %b %Y})"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReminderChannel(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate email"
    DIGEST = "digest", "Daily digest"


class ReminderSend(models.Model):
    """The send log (S21). A row is written before anything is sent; the unique constraint
    means a retried, duplicated or concurrent sweep can never send the same reminder twice."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=30)
    escalation = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "recipient", "step"], name="reminder_sent_once"),
        ]
        indexes = [models.Index(fields=["channel", "status", "recipient"])]

    def __str__(self) -> str:
        return f"{self.step} reminder for deadline {self.deadline_id} to user {self.recipient_id}"
