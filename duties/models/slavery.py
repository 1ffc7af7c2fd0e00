"""Modern Slavery Act 2015 s52: the duty to notify the Home Office of potential victims.

Children and consenting adults are referred into the National Referral Mechanism (NRM);
an adult who does not consent is notified anonymously on form MS1, and no name or other
identifying detail is kept for them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.records.restriction import Restriction


class AgeGroup(models.TextChoices):
    CHILD = "child", "Child (under 18)"
    ADULT = "adult", "Adult (18 or over)"


class Consent(models.TextChoices):
    YES = "yes", "Yes, the adult consents to an NRM referral"
    NO = "no", "No, the adult does not consent"
    NOT_NEEDED = "not_needed", "Not needed (child)"


class Route(models.TextChoices):
    NRM = "nrm", "National Referral Mechanism referral"
    MS1 = "ms1", "Anonymous MS1 notification"


class ExploitationType(models.TextChoices):
    LABOUR = "labour", "Labour"
    SEXUAL = "sexual", "Sexual"
    CRIMINAL = "criminal", "Criminal, including County Lines"
    DOMESTIC_SERVITUDE = "domestic_servitude", "Domestic servitude"
    ORGAN_HARVESTING = "organ_harvesting", "Organ harvesting"
    OTHER = "other", "Other"


class Decision(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class NotificationStatus(models.TextChoices):
    MS1_SUBMITTED = "ms1_submitted", "MS1 notification submitted"
    AWAITING_RG = "awaiting_rg", "Awaiting reasonable-grounds decision"
    RG_POSITIVE = "rg_positive", "Positive reasonable grounds: recovery period"
    RG_NEGATIVE = "rg_negative", "Negative reasonable grounds"
    CG_POSITIVE = "cg_positive", "Positive conclusive grounds"
    CG_NEGATIVE = "cg_negative", "Negative conclusive grounds"


def route_for(age_group: str, consent: str) -> str | None:
    """The only route the law allows for this person, or None if the answers do not fit."""
    if age_group == AgeGroup.CHILD and consent == Consent.NOT_NEEDED:
        return Route.NRM
    if age_group == AgeGroup.ADULT and consent == Consent.YES:
        return Route.NRM
    if age_group == AgeGroup.ADULT and consent == Consent.NO:
        return Route.MS1
    return None


class SlaveryNotification(models.Model):
    """One duty-to-notify record: an NRM referral or an anonymous MS1 notification."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    encounter_date = models.DateField()
    age_group = models.CharField(max_length=10, choices=AgeGroup.choices)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    route = models.CharField(max_length=5, choices=Route.choices)
    exploitation_other = models.CharField("other exploitation", max_length=200, blank=True)
    # Identifying details: NRM referrals only. An MS1 notification is anonymous.
    person_name = models.CharField("name of the potential victim", max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nrm_reference = models.CharField("Home Office NRM reference", max_length=40, blank=True)
    first_responder = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first responder organisation.",
    )
    submitted_on = models.DateField()
    status = models.CharField(max_length=20, choices=NotificationStatus.choices, editable=False)
    rg_expected_on = models.DateField(
        "reasonable-grounds decision expected", null=True, blank=True, editable=False
    )
    rg_decision_on = models.DateField(
        "reasonable-grounds decision date", null=True, blank=True, editable=False
    )
    recovery_period_ends_on = models.DateField(null=True, blank=True, editable=False)
    cg_decision_on = models.DateField(
        "conclusive-grounds decision date", null=True, blank=True, editable=False
    )
    safeguarding_referral_made = models.BooleanField(default=False)
    safeguarding_referral_on = models.DateField(null=True, blank=True)
    safeguarding_referral_to = models.CharField(max_length=200, blank=True)
    safeguarding_not_made_reason = models.TextField(
        "why no safeguarding referral has been made",
        blank=True,
        help_text="A child's record needs the referral to children's services or this reason.",
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History keeps no name, date of birth or free text (the audit event names the fields changed).
    history = HistoricalRecords(
        excluded_fields=[
            "person_name",
            "date_of_birth",
            "notes",
            "exploitation_other",
            "safeguarding_not_made_reason",
        ]
    )

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = "modern slavery duty-to-notify record"
        constraints = [
            models.CheckConstraint(
                condition=Q(route=Route.NRM, age_group=AgeGroup.CHILD, consent=Consent.NOT_NEEDED)
                | Q(route=Route.NRM, age_group=AgeGroup.ADULT, consent=Consent.YES)
                | Q(route=Route.MS1, age_group=AgeGroup.ADULT, consent=Consent.NO),
                name="slavery_route_follows_age_and_consent",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.MS1)
                | (Q(person_name="") & Q(date_of_birth__isnull=True) & Q(nrm_reference="")),
                name="slavery_ms1_is_anonymous",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.MS1) | Q(status=NotificationStatus.MS1_SUBMITTED),
                name="slavery_ms1_has_no_decisions",
            ),
            models.CheckConstraint(
                condition=Q(submitted_on__gte=F("encounter_date")), name="slavery_submitted_after_encounter"
            ),
            models.CheckConstraint(
                condition=Q(recovery_period_ends_on__isnull=True)
                | Q(recovery_period_ends_on__gt=F("rg_decision_on")),
                name="slavery_recovery_after_rg_decision",
            ),
            models.CheckConstraint(
                condition=Q(safeguarding_referral_made=True) | Q(safeguarding_referral_on__isnull=True),
                name="slavery_safeguarding_date_only_if_made",
            ),
            models.CheckConstraint(
                condition=~Q(age_group=AgeGroup.CHILD)
                | Q(safeguarding_referral_made=True)
                | ~Q(safeguarding_not_made_reason=""),
                name="slavery_child_has_safeguarding_referral_or_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "rg_expected_on"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("duties:slavery_detail", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return self.route == Route.MS1


class NotificationExploitation(models.Model):
    """One type of exploitation identified for a record (a record may have several)."""

    notification = models.ForeignKey(
        SlaveryNotification, on_delete=models.CASCADE, related_name="exploitations"
    )
    exploitation_type = models.CharField(max_length=30, choices=ExploitationType.choices)

    class Meta:
        ordering = ["exploitation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "exploitation_type"], name="slavery_exploitation_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_exploitation_type_display()


class SlaveryRestriction(Restriction):
    """A restriction of the processing of a modern slavery record (somerset_safety.records.restriction):
    kept but not processed while the person contests its accuracy or objects to its processing. At
    most one is open (not lifted) for a record at a time; it goes with the record."""

    notification = models.ForeignKey(
        SlaveryNotification, on_delete=models.CASCADE, related_name="processing_restrictions"
    )

    class Meta(Restriction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_restriction_per_slavery_record",
            )
        ]

    def __str__(self) -> str:
        return f"Restriction of {self.notification.reference}"
