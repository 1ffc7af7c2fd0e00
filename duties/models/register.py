"""The register of statutory duties, their recurring obligations and the evidence that each
obligation was met. Duties and obligations are reference data (loaded by a data migration,
edited by an administrator); evidence is recorded by community safety officers."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.dates import add_months
from somerset_safety.core.uploads import PrivateFileField


def due_soon_days() -> int:
    return getattr(settings, "DUTIES_DUE_SOON_DAYS", 60)


def register_started_on() -> date:
    """The day the council began keeping the register here (DUTIES_REGISTER_STARTED_ON)."""
    return getattr(settings, "DUTIES_REGISTER_STARTED_ON", date(2026, 4, 1))


def first_due(*, cycle_months: int, in_force_on: date | None, started_on: date) -> date:
    """When an obligation never evidenced is first due: one cycle after the register started, or
    after its duty came into force if that is later. Evidence dated before then counts."""
    since = max(started_on, in_force_on) if in_force_on is not None else started_on
    return add_months(since, cycle_months)


class DutyStatus(models.TextChoices):
    """Computed from the obligations' stored deadlines, never typed. Ordered from best to
    worst: a duty takes its worst obligation's. Every obligation has a due date (its first
    one until evidence is recorded), so one never evidenced is due soon or overdue in time;
    "no evidence" is one not yet due."""

    MET = "met", "Met"
    MET_LATE = "met_late", "Met, but late last time"
    NO_EVIDENCE = "no_evidence", "No evidence"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


STATUS_RANK = {
    DutyStatus.MET: 0,
    DutyStatus.MET_LATE: 1,
    DutyStatus.NO_EVIDENCE: 2,
    DutyStatus.DUE_SOON: 3,
    DutyStatus.OVERDUE: 4,
}
STATUS_BY_RANK = {rank: status for status, rank in STATUS_RANK.items()}


class PreventArea(models.TextChoices):
    """The areas of local delivery of the Prevent duty (Counter-Terrorism and Security Act 2015 s26)."""

    PARTNERSHIP_GROUP = "partnership_group", "Multi-agency partnership group"
    RISK_ASSESSMENT = "risk_assessment", "Local risk assessment"
    PARTNERSHIP_PLAN = "partnership_plan", "Prevent partnership plan"
    REFERRAL_PATHWAY = "referral_pathway", "Referral pathway"
    CHANNEL_PANEL = "channel_panel", "Channel panel"
    TRAINING = "training", "Training"
    PERMISSIVE_ENVIRONMENTS = "permissive_environments", "Reducing permissive environments"
    COMMUNICATIONS = "communications", "Communications and engagement"


class Duty(models.Model):
    """One statutory duty on the council or the Community Safety Partnership."""

    code = models.SlugField(max_length=60, unique=True, help_text="Short stable code, e.g. cda-s17.")
    title = models.CharField(max_length=200)
    act = models.CharField(max_length=200, help_text="The Act, e.g. Crime and Disorder Act 1998.")
    section = models.CharField(max_length=200, help_text="Section, part or schedule of the Act.")
    summary = models.TextField(help_text="What the duty asks of us, in plain English.")
    owner = models.CharField(max_length=200, help_text="The post that owns this duty.")
    partnership_body = models.CharField(max_length=200, help_text="The board or panel that oversees it.")
    in_force_on = models.DateField(
        "in force since",
        null=True,
        blank=True,
        help_text="When the duty came into force. Its obligations are first due one cycle after the "
        "register's start date, or after this date if that is later.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(
        default=True, help_text="Untick when a duty is repealed; it stays on record."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "title"]
        verbose_name_plural = "duties"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duties:duty_detail", args=[self.pk])


class Obligation(models.Model):
    """A recurring thing a duty requires, with a cycle. Its last-met and next-due dates are
    derived from its evidence by `duties.services` and never typed."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="obligations")
    code = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What counts as evidence that this was done.")
    cycle_months = models.PositiveSmallIntegerField(
        help_text="How often it must be done, in months: 12 for annual, 36 for every three years."
    )
    first_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it is first due, until evidence is recorded. Leave blank for one cycle after the "
        "register's start date (or after the duty came into force, if later).",
    )
    prevent_area = models.CharField(
        max_length=40,
        choices=PreventArea.choices,
        blank=True,
        help_text="For the Prevent duty: the area of local delivery this covers.",
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Gets the reminders for this obligation.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)
    last_met_on = models.DateField(null=True, blank=True, editable=False)
    next_due_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["duty__display_order", "display_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_months__gte=1) & Q(cycle_months__lte=120), name="obligation_cycle_range"
            ),
            models.UniqueConstraint(
                fields=["prevent_area"], condition=~Q(prevent_area=""), name="obligation_one_per_prevent_area"
            ),
        ]
        indexes = [models.Index(fields=["active", "next_due_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('duties:duty_detail', args=[self.duty_id])}#obligation-{self.pk}"

    @property
    def reference(self) -> str:
        return self.code.upper()

    def first_due_date(self) -> date:
        """The date typed in the admin site, or else the register's rule (`first_due`)."""
        if self.first_due_on is not None:
            return self.first_due_on
        try:
            in_force = self.duty.in_force_on
        except Duty.DoesNotExist:
            in_force = None
        return first_due(
            cycle_months=self.cycle_months, in_force_on=in_force, started_on=register_started_on()
        )

    def next_due_after(self, last_met_on: date | None) -> date:
        """The next due date follows from the cycle: calendar months after it was last met, or
        its first due date while it has never been met."""
        if last_met_on is None:
            return self.first_due_date()
        return add_months(last_met_on, self.cycle_months)


class EvidenceItem(models.Model):
    """Evidence that an obligation was met on a date: a document, a link or an assessment."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="evidence")
    met_on = models.DateField("date it was met")
    summary = models.TextField(help_text="What was done.")
    document = PrivateFileField(blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    assessment = models.ForeignKey(
        "duties.ImpactAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        ordering = ["-met_on", "-recorded_at"]
        verbose_name = "evidence item"
        constraints = [
            models.CheckConstraint(
                condition=~Q(document="") | ~Q(link="") | Q(assessment__isnull=False),
                name="evidence_has_document_link_or_assessment",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="evidence_withdrawal_has_reason",
            ),
            models.UniqueConstraint(
                fields=["obligation", "assessment"],
                condition=Q(assessment__isnull=False),
                name="evidence_one_per_assessment_and_obligation",
            ),
        ]
        indexes = [models.Index(fields=["obligation", "withdrawn_at", "-met_on"])]

    def __str__(self) -> str:
        return f"Evidence for {self.obligation} ({self.met_on:%d %b %Y})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
