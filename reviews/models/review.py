from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Stage(models.TextChoices):
    DECISION_MADE = "decision_made", "Decision made"
    PANEL_FORMED = "panel_formed", "Chair appointed and panel formed"
    TOR_AGREED = "tor_agreed", "Terms of reference agreed"
    REPORTS_REQUESTED = "reports_requested", "Agency reports requested"
    GATHERING = "gathering", "Information gathering and panel meetings"
    DRAFT = "draft", "Draft overview report"
    FAMILY_VIEWED = "family_viewed", "Family viewed draft"
    SIGNED_OFF = "signed_off", "Partnership signed off"
    SUBMITTED = "submitted", "Submitted to Home Office quality assurance"
    QA_APPROVED = "qa_approved", "Quality assurance: approved"
    QA_CHANGES = "qa_changes", "Quality assurance: approved subject to changes"
    QA_RESUBMIT = "qa_resubmit", "Quality assurance: resubmit"
    PUBLISHED = "published", "Published"
    COMMISSIONER_SENT = "commissioner_sent", "Domestic Abuse Commissioner copy sent"
    MONITORING = "monitoring", "Action plan monitoring"
    CLOSED = "closed", "Closed"


STAGE_ORDER = [choice.value for choice in Stage]


class QaOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES = "changes", "Approved subject to changes"
    RESUBMIT = "resubmit", "Resubmit"


class Review(models.Model):
    """The review that follows a decision to hold one. Its stage changes only through the
    services, through its state machine in reviews/states.py."""

    notification = models.OneToOneField(
        "reviews.Notification", on_delete=models.PROTECT, related_name="review"
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.DECISION_MADE)
    stage_changed_on = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_reviews",
        help_text="The independent chair. Sees this review only, and the victim's real name.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authored_reviews",
        help_text="The overview report author, if not the chair. Sees this review only, with the pseudonym.",
    )
    chair_appointed_on = models.DateField(
        null=True, blank=True, help_text="The date the appointment was made, not the date it was recorded."
    )
    panel_formed_on = models.DateField(null=True, blank=True)
    tor_agreed_on = models.DateField("terms of reference agreed on", null=True, blank=True)
    scope_start = models.DateField("scope period from", null=True, blank=True)
    scope_end = models.DateField("scope period to", null=True, blank=True)
    key_lines_of_enquiry = models.TextField(blank=True)
    reports_requested_on = models.DateField(null=True, blank=True)
    gathering_started_on = models.DateField(null=True, blank=True)
    draft_on = models.DateField(null=True, blank=True)
    family_viewed_on = models.DateField(null=True, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    first_submitted_on = models.DateField(
        null=True, blank=True, help_text="The first submission completes the review for its clock."
    )
    submitted_on = models.DateField(null=True, blank=True)
    qa_outcome = models.CharField(max_length=20, choices=QaOutcome.choices, blank=True)
    qa_outcome_on = models.DateField(null=True, blank=True)
    qa_outcome_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    qa_reference = models.CharField(
        "Home Office quality assurance panel reference",
        max_length=50,
        blank=True,
        help_text="The reference the Home Office gives the review when it is submitted.",
    )
    changes_after_qa = models.TextField(
        "changes made after quality assurance",
        blank=True,
        help_text="What was changed in the report after the panel's letter. Required before publication.",
    )
    published_on = models.DateField(null=True, blank=True)
    report_taken_down_on = models.DateField(
        "date the published report came down",
        null=True,
        blank=True,
        help_text="At least 12 months after publication (DHR_PUBLISHED_ONLINE_MONTHS).",
    )
    commissioner_copy_sent_on = models.DateField(null=True, blank=True)
    monitoring_started_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-notification__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_start__isnull=True)
                | Q(scope_end__isnull=True)
                | Q(scope_start__lte=F("scope_end")),
                name="reviews_scope_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.notification.reference}"

    def get_absolute_url(self) -> str:
        return self.notification.get_absolute_url()

    @property
    def reference(self) -> str:
        return self.notification.reference


class QaSubmission(models.Model):
    """One submission of the review to the Home Office quality assurance panel: the first, then
    each resubmission after a "resubmit" letter, with the outcome of its letter."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="qa_submissions")
    number = models.PositiveSmallIntegerField(
        help_text="1 for the first submission, 2 for the first resubmission …"
    )
    submitted_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=QaOutcome.choices, blank=True)
    outcome_on = models.DateField("date of the quality assurance letter", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="reviews_qa_submission_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return "First submission" if self.number == 1 else f"Resubmission {self.number - 1}"


class PauseReason(models.TextChoices):
    CRIMINAL_TRIAL = "criminal_trial", "Criminal trial"
    INQUEST = "inquest", "Inquest"
    FAMILY = "family", "Family's pace"
    OTHER = "other", "Other"


class Pause(models.Model):
    """A period when the review stood still. Its days extend the completion clock."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    detail = models.TextField(blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="reviews_pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["review"], condition=Q(ended_on__isnull=True), name="reviews_one_open_pause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} pause from {self.started_on:%d %b %Y}"


class PanelMember(models.Model):
    """A member of the review panel. An agency that sits on the panel sees the panel papers."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="panel_members")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="For example, Detective Inspector, Safeguarding Lead.")
    email = models.EmailField(blank=True)
    is_agency_contact = models.BooleanField(
        default=False, help_text="This person is the agency's contact for report requests."
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency", "name"], name="reviews_panel_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class TimelineEntry(models.Model):
    """One line of a review's timeline: what happened and when. Summaries carry no victim name."""

    notification = models.ForeignKey(
        "reviews.Notification", on_delete=models.CASCADE, related_name="timeline"
    )
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["occurred_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.summary}"
