from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from somerset_safety.core.uploads import PrivateFileField


class ReportType(models.TextChoices):
    IMR = "imr", "Individual Management Review"
    SUMMARY = "summary", "Summary of involvement"
    CHRONOLOGY = "chronology", "Chronology"


class RequestEnd(models.TextChoices):
    """Why a request still outstanding was closed without a report: its deadline closes too."""

    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_NEEDED = "not_needed", "Not needed"


class AgencyReportRequest(models.Model):
    """A request to an agency for its report. The agency's representatives see only these.

    One still outstanding can be withdrawn or marked not needed (`ended`, with the reason, who
    and when): its deadline is then closed, not overdue for ever. A closed request can be
    reinstated with a reason (`RequestReinstatement` keeps the closing it undid): its deadline
    opens again."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="report_requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    report_type = models.CharField(max_length=20, choices=ReportType.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    requested_on = models.DateField()
    due_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    document = PrivateFileField(null=True, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    ended = models.CharField(
        max_length=20, choices=RequestEnd.choices, blank=True, help_text="Withdrawn or not needed."
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["document", "contact_name", "notes", "ended_reason"])

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("requested_on")), name="reviews_request_due_after"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("requested_on")),
                name="reviews_request_received_after",
            ),
            # One live request per agency and type; a withdrawn one may be asked for again.
            models.UniqueConstraint(
                fields=["review", "agency", "report_type"],
                condition=Q(ended=""),
                name="reviews_one_request_per_agency_type",
            ),
            models.CheckConstraint(
                condition=Q(ended="") | (Q(ended_on__isnull=False) & ~Q(ended_reason="")),
                name="reviews_request_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended="") | Q(received_on__isnull=True), name="reviews_request_ended_not_received"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} from {self.agency}"

    @property
    def outstanding(self) -> bool:
        return self.received_on is None and not self.ended


class RequestReinstatement(models.Model):
    """A closed request opened again: the closing it undid (withdrawn or not needed, when, by whom
    and why) and the reason it is wanted after all, by whom and when."""

    request = models.ForeignKey(AgencyReportRequest, on_delete=models.CASCADE, related_name="reinstatements")
    ended = models.CharField(max_length=20, choices=RequestEnd.choices)
    ended_on = models.DateField()
    ended_reason = models.TextField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reinstated_on = models.DateField()
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["reinstated_on", "id"]

    def __str__(self) -> str:
        return f"{self.request} reinstated on {self.reinstated_on:%-d %B %Y}"


class ChaseEntry(models.Model):
    request = models.ForeignKey(AgencyReportRequest, on_delete=models.CASCADE, related_name="chases")
    chased_on = models.DateField()
    method = models.CharField(max_length=100, help_text="For example: email, phone call, letter.")
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["chased_on", "id"]

    def __str__(self) -> str:
        return f"Chased {self.chased_on:%d %b %Y} by {self.method}"


class Consent(models.TextChoices):
    GIVEN = "given", "Consent given"
    DECLINED = "declined", "Declined"
    NOT_ASKED = "not_asked", "Not yet asked"


class FamilyContact(models.Model):
    """One contact with the victim's family or friends."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="family_contacts")
    contacted_on = models.DateField()
    contact_relationship = models.CharField(
        "relationship to the victim", max_length=100, help_text="For example: mother, sister, friend."
    )
    method = models.CharField(max_length=100, help_text="For example: meeting, phone call, letter.")
    advocate_organisation = models.CharField(
        max_length=200, blank=True, help_text="A specialist advocate, for example AAFDA, if one is involved."
    )
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED)
    pseudonym_agreed = models.CharField(
        max_length=100, blank=True, help_text="If a pseudonym was agreed at this contact, enter it."
    )
    leaflet_given = models.BooleanField("Home Office leaflet given", default=False)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"Family contact on {self.contacted_on:%d %b %Y}"


class Meeting(models.Model):
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    agencies_attending = models.ManyToManyField("accounts.Agency", related_name="+", blank=True)
    attendees = models.TextField(blank=True, help_text="Names and roles of those who attended.")
    apologies = models.TextField(blank=True)
    minutes = models.TextField(
        blank=True, help_text="A summary of decisions. Upload the full minutes as a paper."
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Panel meeting on {self.held_on:%d %b %Y}"


class DocumentKind(models.TextChoices):
    OVERVIEW_DRAFT = "overview_draft", "Overview report (draft)"
    SUMMARY_DRAFT = "summary_draft", "Executive summary (draft)"
    ACTION_PLAN_DRAFT = "action_plan_draft", "Action plan (draft)"
    QA_LETTER = "qa_letter", "Home Office quality assurance letter"
    OVERVIEW_PUBLISHED = "overview_published", "Overview report (published)"
    SUMMARY_PUBLISHED = "summary_published", "Executive summary (published)"
    ACTION_PLAN_PUBLISHED = "action_plan_published", "Action plan (published)"
    PANEL_PAPER = "panel_paper", "Panel paper"
    MINUTES = "minutes", "Meeting minutes"


# Agencies sitting on the panel see these kinds; the rest are for the council and the chair.
PANEL_PAPER_KINDS = {
    DocumentKind.PANEL_PAPER,
    DocumentKind.MINUTES,
    DocumentKind.OVERVIEW_DRAFT,
    DocumentKind.SUMMARY_DRAFT,
    DocumentKind.ACTION_PLAN_DRAFT,
}


class ReviewDocument(models.Model):
    """A versioned document. Each upload of a kind is the next version; none is overwritten."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField()
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers"
    )
    file = PrivateFileField()
    original_name = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "version"], name="reviews_document_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
