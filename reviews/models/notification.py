from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.choices import Ethnicity, Sex


class Area(models.TextChoices):
    MENDIP = "mendip", "Mendip"
    SEDGEMOOR = "sedgemoor", "Sedgemoor"
    SOMERSET_WEST_TAUNTON = "swt", "Somerset West and Taunton"
    SOUTH_SOMERSET = "south_somerset", "South Somerset"
    OUTSIDE = "outside", "Outside Somerset"


class Relationship(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", "Intimate partner"
    EX_PARTNER = "ex_partner", "Former intimate partner"
    FAMILIAL = "familial", "Family member"
    HOUSEHOLD = "household", "Member of the same household"
    OTHER = "other", "Other"


class DeathType(models.TextChoices):
    HOMICIDE = "homicide", "Homicide"
    SUICIDE = "suicide", "Suicide with a history of abuse"
    UNEXPLAINED = "unexplained", "Unexplained death"


class CriminalJusticeStatus(models.TextChoices):
    NONE = "none", "No criminal proceedings"
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charged"
    TRIAL = "trial", "Awaiting or at trial"
    VERDICT = "verdict", "Verdict given"
    SENTENCE = "sentence", "Sentenced"
    PERPETRATOR_DECEASED = "perpetrator_deceased", "Perpetrator deceased"


class InquestStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    OPENED = "opened", "Opened and adjourned"
    SCHEDULED = "scheduled", "Scheduled"
    CONCLUDED = "concluded", "Concluded"
    NOT_KNOWN = "not_known", "Not yet known"


class ParallelReview(models.TextChoices):
    SAR = "sar", "Safeguarding Adults Review"
    CSPR = "cspr", "Child Safeguarding Practice Review"
    MENTAL_HEALTH = "mental_health", "Mental health homicide review"
    IOPC = "iopc", "IOPC investigation"


class StatutoryBasis(models.TextChoices):
    DVCVA_2004_S9 = "dvcva_2004_s9", "Domestic Violence, Crime and Victims Act 2004 s9"
    VPA_2024_S19 = "vpa_2024_s19", "Victims and Prisoners Act 2024 s19 (DARDR)"


class Decision(models.TextChoices):
    PENDING = "pending", "Not yet decided"
    REVIEW = "review", "Hold a review"
    NO_REVIEW = "no_review", "Do not hold a review"


class NotificationStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    REVIEW = "review", "Review under way"
    CLOSED_NO_REVIEW = "closed_no_review", "Closed: no review"


class Notification(models.Model):
    """A death notified to the partnership. Every notification gets a reference, whether or
    not a review follows (so published review numbers have gaps)."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(
        max_length=30, choices=NotificationStatus.choices, default=NotificationStatus.AWAITING_DECISION
    )
    statutory_basis = models.CharField(
        max_length=30, choices=StatutoryBasis.choices, default=StatutoryBasis.DVCVA_2004_S9
    )
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The community safety officer running this notification and any review.",
    )
    notified_on = models.DateField("date notified")
    notifying_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    date_of_death = models.DateField()
    area = models.CharField(max_length=30, choices=Area.choices)
    victim_name = models.CharField("victim's name", max_length=200)
    victim_pseudonym = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name agreed with the family for reports. Everyone except council officers "
        "and the chair sees only this.",
    )
    victim_age = models.PositiveSmallIntegerField(null=True, blank=True)
    victim_sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    victim_ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN)
    victim_other_characteristics = models.TextField(blank=True)
    perpetrator_age = models.PositiveSmallIntegerField(null=True, blank=True)
    perpetrator_sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    perpetrator_ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    perpetrator_other_characteristics = models.TextField(blank=True)
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    death_type = models.CharField(max_length=30, choices=DeathType.choices)
    criminal_justice_status = models.CharField(
        max_length=30, choices=CriminalJusticeStatus.choices, default=CriminalJusticeStatus.NONE
    )
    trial_date = models.DateField(null=True, blank=True)
    verdict = models.CharField(max_length=200, blank=True)
    sentence = models.CharField(max_length=200, blank=True)
    inquest_status = models.CharField(
        max_length=30, choices=InquestStatus.choices, default=InquestStatus.NOT_KNOWN
    )
    parallel_reviews = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_date = models.DateField(null=True, blank=True)
    decision_maker = models.CharField(max_length=200, blank=True)
    decision_rationale = models.TextField(blank=True)
    home_office_told_on = models.DateField("date the Home Office was told", null=True, blank=True)
    family_told_on = models.DateField("date the family was told of the decision", null=True, blank=True)
    family_told_by = models.CharField("who told the family", max_length=200, blank=True)
    family_told_how = models.CharField("how the family was told", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History keeps no name or free-text description of the victim or perpetrator (the audit
    # event names the fields changed).
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "victim_name",
            "victim_other_characteristics",
            "perpetrator_other_characteristics",
        ]
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="reviews_notification_number_unique"),
            models.CheckConstraint(
                condition=Q(decision="pending")
                | (Q(decision_date__isnull=False) & ~Q(decision_rationale="") & ~Q(decision_maker="")),
                name="reviews_decision_has_date_maker_rationale",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__lte=models.F("notified_on")),
                name="reviews_death_before_notification",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", args=[self.pk])

    @property
    def pseudonym_display(self) -> str:
        return self.victim_pseudonym or "Pseudonym not yet agreed"

    def parallel_review_labels(self) -> list[str]:
        labels = dict(ParallelReview.choices)
        return [labels.get(code, code) for code in self.parallel_reviews]
