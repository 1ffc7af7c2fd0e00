from django.conf import settings
from django.db import models

from somerset_safety.core.uploads import PrivateFileField

from .periods import PeriodKind, ReportPeriod, report_period

# The council's own paper, in the order of an Executive (Cabinet) report: (field, heading).
# Sections are numbered in order as printed (a section left empty prints nothing) and their
# paragraphs within them (1.1, 1.2, 3.1 …). The generated sections (reviews, MARAC …) follow
# GENERATED_AFTER.
NARRATIVE_SECTIONS = [
    ("summary", "Summary"),
    ("issues_for_consideration", "Issues for consideration / recommendations"),
    ("reasons_for_recommendations", "Reasons for recommendations"),
    ("other_options", "Other options considered"),
    ("council_plan_links", "Links to the Council Plan and the medium-term financial plan"),
    ("consultations", "Consultations undertaken"),
    ("background_partnerships", "Background: partnerships"),
    ("background_commissioning", "Background: commissioning"),
    ("background_policy", "Background: policy development"),
    ("going_well", "What is going well"),
    ("challenges", "Current challenges"),
    ("future_plans", "Future plans"),
    ("implications_financial", "Implications: financial"),
    ("implications_legal", "Implications: legal"),
    ("implications_hr", "Implications: HR"),
    ("implications_equalities", "Implications: equalities"),
    ("implications_community_safety", "Implications: community safety"),
    ("implications_sustainability", "Implications: sustainability"),
    ("implications_health_safety", "Implications: health and safety"),
    ("implications_privacy", "Implications: privacy"),
    ("implications_risk", "Implications: risk"),
    ("scrutiny_comments", "Scrutiny comments"),
    ("background_papers", "Background papers"),
]
NARRATIVE_FIELDS = [field for field, _heading in NARRATIVE_SECTIONS]
GENERATED_AFTER = "background_policy"

# The report sign-off table: who signed the paper off for each of these, and when.
SIGN_OFF_ROLES = [
    ("legal", "Legal"),
    ("finance", "Finance"),
    ("hr", "Human resources"),
    ("procurement", "Procurement"),
    ("senior_manager", "Senior manager"),
    ("cabinet_member", "Cabinet member"),
    ("local_member", "Local member"),
]


class Publication(models.TextChoices):
    PUBLIC = "public", "Public"
    EXEMPT = "exempt", "Exempt (Part II) appendix"


class ExecutiveReport(models.Model):
    """The council's community safety paper to its Executive (Cabinet), written here and
    generated from live data into frozen, versioned PDFs."""

    title = models.CharField(max_length=200)
    meeting = models.CharField(max_length=200, help_text="For example, Executive.")
    meeting_date = models.DateField()
    decision_body = models.CharField(max_length=100)
    lead_officer = models.CharField(max_length=200)
    author_and_contact = models.CharField(max_length=300)
    cabinet_member = models.CharField(max_length=200)
    division_and_local_member = models.CharField(max_length=300, blank=True)
    key_decision = models.BooleanField(default=False)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.PUBLIC)
    forward_plan_reference = models.CharField(
        max_length=60, blank=True, help_text="Key decisions must be on the Forward Plan 28 clear days before."
    )
    period_end = models.DateField(
        "figures as at", help_text="Every figure in the paper is worked out as it stood on this date."
    )
    period_kind = models.CharField(
        "period the report covers", max_length=20, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    period_start = models.DateField("period from", null=True, blank=True)
    summary = models.TextField(blank=True)
    issues_for_consideration = models.TextField(blank=True)
    reasons_for_recommendations = models.TextField(blank=True)
    other_options = models.TextField(blank=True)
    council_plan_links = models.TextField(blank=True)
    consultations = models.TextField(blank=True)
    background_partnerships = models.TextField(blank=True)
    background_commissioning = models.TextField(blank=True)
    background_policy = models.TextField(blank=True)
    going_well = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    future_plans = models.TextField(blank=True)
    implications_financial = models.TextField(blank=True)
    implications_legal = models.TextField(blank=True)
    implications_hr = models.TextField(blank=True)
    implications_equalities = models.TextField(blank=True)
    implications_community_safety = models.TextField(blank=True)
    implications_sustainability = models.TextField(blank=True)
    implications_health_safety = models.TextField(blank=True)
    implications_privacy = models.TextField(blank=True)
    implications_risk = models.TextField(blank=True)
    scrutiny_comments = models.TextField(blank=True)
    background_papers = models.TextField(blank=True)
    other_appendices = models.TextField(
        blank=True, help_text="Appendices published with the paper that are not generated here, one a line."
    )
    detailed_appendices = models.BooleanField(
        "detailed figures as PDF appendices",
        default=False,
        help_text="Also publish the detailed figures (every MARAC area's) as PDF files, drawn with "
        "the paper. Their CSV files are published either way.",
    )
    sign_off = models.JSONField(
        default=dict, blank=True, help_text="{role: {name, date}} for the sign-off table."
    )
    exempt_information = models.TextField(
        blank=True,
        help_text="Exempt (Part II) information. It goes only in a separate confidential appendix, "
        "never in the public paper.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.meeting} {self.meeting_date:%d %B %Y})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period(self) -> ReportPeriod:
        return report_period(self.period_kind, self.period_end, self.period_start)


class VersionStatus(models.TextChoices):
    QUEUED = "queued", "Being generated"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportVersion(models.Model):
    """A generated report: the data snapshot it was made from, its PDF and SHA-256.

    Never changed after it is ready; regenerating makes a new version.
    """

    report = models.ForeignKey(ExecutiveReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="Figures of the generated sections, as at generation.")
    content = models.JSONField(help_text="Header and narrative, as at generation.")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    period_kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField("figures as at")
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.QUEUED)
    pdf = PrivateFileField(blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    confidential_pdf = PrivateFileField(blank=True)
    confidential_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report.title}, version {self.number}"

    @property
    def period(self) -> ReportPeriod:
        return ReportPeriod(self.period_kind, self.period_start, self.period_end)


class VersionAttachment(models.Model):
    """A file published with a version's paper (listed among its appendices), made from the
    version's frozen figures as the paper shows them, with its SHA-256. Never changed."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=100)
    file = PrivateFileField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "file_name"], name="report_attachment_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.file_name}"
