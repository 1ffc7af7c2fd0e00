from django.conf import settings
from django.db import models

from somerset_safety.core.uploads import PrivateFileField

# The council's own paper, in order: (field, number, heading). Paragraphs are numbered
# within their section as in the council's paper (1.1, 1.2, 3.1 …).
NARRATIVE_SECTIONS = [
    ("summary", "1", "Summary"),
    ("issues_for_consideration", "2", "Issues for consideration / recommendations"),
    ("background_partnerships", "3", "Background: partnerships"),
    ("background_commissioning", "4", "Background: commissioning"),
    ("background_policy", "5", "Background: policy development"),
    ("going_well", "6", "What is going well"),
    ("challenges", "7", "Current challenges"),
    ("future_plans", "8", "Future plans"),
    ("consultations", "9", "Consultations undertaken"),
    ("implications_financial", "10", "Implications: financial"),
    ("implications_legal", "11", "Implications: legal"),
    ("implications_equalities", "12", "Implications: equalities"),
    ("implications_risk", "13", "Implications: risk"),
    ("background_papers", "14", "Background papers"),
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
    summary = models.TextField(blank=True)
    issues_for_consideration = models.TextField(blank=True)
    background_partnerships = models.TextField(blank=True)
    background_commissioning = models.TextField(blank=True)
    background_policy = models.TextField(blank=True)
    going_well = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    future_plans = models.TextField(blank=True)
    consultations = models.TextField(blank=True)
    implications_financial = models.TextField(blank=True)
    implications_legal = models.TextField(blank=True)
    implications_equalities = models.TextField(blank=True)
    implications_risk = models.TextField(blank=True)
    background_papers = models.TextField(blank=True)
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
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.QUEUED)
    pdf = PrivateFileField(blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    confidential_pdf = PrivateFileField(blank=True)
    confidential_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report.title}, version {self.number}"
