"""The Disruption Panel's register: organised crime groups (County Lines among them), how they
are assessed, the problem profiles the panel works from, and the people and places involved.

Police-sensitive throughout. Names, dates of birth, addresses and line names are restricted
fields: history keeps none of them (the audit event names the fields changed). Scales, group
types and bands are data the panel maintains, not code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.records.restriction import Restriction


class DisruptionPanel(models.Model):
    """The panel itself: the owner of its meetings on the platform meetings mechanism."""

    name = models.CharField(max_length=200, unique=True)
    body = models.OneToOneField(
        "partnerships.PartnershipBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupType(models.Model):
    """A kind of group (County Line, drugs supply, exploitation …): configurable."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    is_county_line = models.BooleanField(
        default=False, help_text="Groups of this type run a deal line: record the line type."
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class GroupStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ADOPTED = "adopted", "Adopted"
    ACTIVE = "active", "Active"
    REDUCED = "reduced", "Reduced"
    ARCHIVED = "archived", "Archived"


class LineType(models.TextChoices):
    """As the national County Lines figures count them."""

    IMPORTED = "imported", "Run from outside the area"
    LOCAL = "local", "Run within the area"
    NOT_KNOWN = "not_known", "Not known"


class OrganisedCrimeGroup(models.Model):
    """An organised crime group the panel considers: the case record of the Disruption Panel.

    Its status moves only through partnerships/disruption/states.py GROUP_MOVES."""

    reference = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, help_text="The group's name or the operation name.")
    operation_name = models.CharField(max_length=200, blank=True)
    group_type = models.ForeignKey(GroupType, on_delete=models.PROTECT, related_name="groups")
    areas = models.CharField(max_length=300, help_text="The areas where the group operates.")
    status = models.CharField(max_length=20, choices=GroupStatus.choices, default=GroupStatus.REFERRED)
    status_reason = models.TextField(blank=True, help_text="Why the group was last moved to its status.")
    status_changed_on = models.DateField(null=True, blank=True)
    referred_on = models.DateField()
    referring_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    lead_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    senior_responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_date = models.DateField(
        null=True, blank=True, help_text="When the panel next reviews the group (set by its band's cycle)."
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    line_type = models.CharField(max_length=20, choices=LineType.choices, blank=True)
    line_names = models.TextField(
        blank=True, help_text="Deal-line 'brand' names and numbers. Restricted: shown to panel members only."
    )
    linked_groups = models.ManyToManyField("self", blank=True, symmetrical=True)
    restricted = models.BooleanField(
        default=False, help_text="Only the people named on the group see it, whatever their role."
    )
    named_people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "line_names"])

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = "organised crime group"
        indexes = [
            models.Index(fields=["-referred_on", "-id"], name="ocg_newest_first"),
            models.Index(fields=["status", "review_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:ocg_detail", args=[self.pk])


class ScaleKind(models.TextChoices):
    OCG_MAPPING = "ocg_mapping", "OCG mapping"
    MORILE = "morile", "MoRiLE"


class AssessmentScale(models.Model):
    """A scale from the police: its method and version. OCG mapping and MoRiLE scales are kept
    apart and never combined into one number."""

    kind = models.CharField(max_length=20, choices=ScaleKind.choices)
    name = models.CharField(max_length=200)
    method = models.TextField(help_text="How the scale is applied, in the words of its owner.")
    version = models.CharField(max_length=40)
    score_max = models.PositiveSmallIntegerField(
        default=5, help_text="MoRiLE scales: the highest score on each of the four measures."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "version"], name="assessment_scale_unique_version"
            ),
            models.CheckConstraint(condition=Q(score_max__gte=1), name="assessment_scale_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class ThreatBand(models.Model):
    """A band of an OCG mapping scale and the review cycle it sets: band 1 monthly, for example."""

    scale = models.ForeignKey(AssessmentScale, on_delete=models.PROTECT, related_name="bands")
    code = models.CharField(max_length=10)
    label = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(help_text="1 is the highest threat.")
    review_months = models.PositiveSmallIntegerField(
        help_text="How often the panel reviews a group in this band."
    )

    class Meta:
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="threat_band_unique_code"),
            models.CheckConstraint(condition=Q(review_months__gte=1), name="threat_band_cycle_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class MappingAssessment(models.Model):
    """An OCG mapping band, as supplied by the regional organised crime unit: recorded, never
    worked out here."""

    group = models.ForeignKey(
        OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="mapping_assessments"
    )
    scale = models.ForeignKey(AssessmentScale, on_delete=models.PROTECT, related_name="+")
    band = models.ForeignKey(ThreatBand, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveIntegerField(null=True, blank=True, help_text="The mapping score, if supplied.")
    supplied_by = models.CharField(max_length=200, help_text="Who supplied the band.")
    supplied_on = models.DateField()
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-supplied_on", "-id"]
        indexes = [models.Index(fields=["group", "-supplied_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.band} on {self.supplied_on:%-d %B %Y}"


class MorileAssessment(models.Model):
    """A MoRiLE-style assessment: four measures kept as they were scored, with the scale's method
    and version. There is no total."""

    group = models.ForeignKey(
        OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="morile_assessments"
    )
    scale = models.ForeignKey(AssessmentScale, on_delete=models.PROTECT, related_name="+")
    harm = models.PositiveSmallIntegerField()
    likelihood = models.PositiveSmallIntegerField()
    organisational_position = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    assessed_on = models.DateField()
    assessed_by = models.CharField(max_length=200)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"MoRiLE assessment on {self.assessed_on:%-d %B %Y}"


class ProfileKind(models.TextChoices):
    SOC_LOCAL = "soc_local", "Serious and organised crime local profile"
    COUNTY_LINES = "county_lines", "County Lines profile"
    OTHER = "other", "Other problem profile"


class ProblemProfile(models.Model):
    """A problem profile the panel works from; each version is kept (see ProfileVersion)."""

    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    title = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProfileVersion(models.Model):
    """One published version of a problem profile and when it must next be refreshed."""

    profile = models.ForeignKey(ProblemProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    published_on = models.DateField()
    next_refresh_due = models.DateField()
    summary = models.TextField(help_text="What this version found, and where the document is kept.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique_number"),
            models.CheckConstraint(
                condition=Q(next_refresh_due__gt=models.F("published_on")),
                name="profile_refresh_after_publication",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:profile_list")


class NominalRole(models.TextChoices):
    LEADER = "leader", "Leader"
    LIEUTENANT = "lieutenant", "Lieutenant"
    ENFORCER = "enforcer", "Enforcer"
    RUNNER = "runner", "Runner"
    DEALER = "dealer", "Street dealer"
    MONEY = "money", "Money handler"
    FACILITATOR = "facilitator", "Facilitator"
    OTHER = "other", "Other"


class Vulnerability(models.TextChoices):
    CHILD = "child", "Child"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    DEBT = "debt", "Debt bondage"
    HOUSING = "housing", "Insecure housing"
    CARE_LEAVER = "care_leaver", "Care leaver"


class Nominal(models.Model):
    """A member of a group. Name and date of birth are restricted fields."""

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="nominals")
    role = models.CharField(max_length=20, choices=NominalRole.choices)
    full_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="If the date of birth is not known."
    )
    vulnerabilities = models.JSONField(default=list, blank=True)
    also_victim = models.BooleanField(default=False, help_text="The person is also exploited by the group.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at", "full_name", "date_of_birth"])

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(age__isnull=True) | Q(age__lte=120), name="nominal_age_range"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"N{self.pk:06d}" if self.pk else ""

    def vulnerability_labels(self) -> list[str]:
        return [Vulnerability(v).label for v in self.vulnerabilities if v in Vulnerability.values]


class LocationKind(models.TextChoices):
    CUCKOOED = "cuckooed", "Cuckooed home"
    TRAP_HOUSE = "trap_house", "Trap house"
    BUSINESS = "business", "Business premises"
    OTHER = "other", "Other place"


class RiskLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Location(models.Model):
    """An address or premises the group uses. The address is a restricted field."""

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="locations")
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    address = models.TextField()
    risk = models.CharField(max_length=10, choices=RiskLevel.choices)
    closure_history = models.TextField(
        blank=True, help_text="Closure notices and orders sought or made on these premises, with dates."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at", "address", "closure_history"])

    class Meta:
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"L{self.pk:06d}" if self.pk else ""


class PersonAge(models.TextChoices):
    CHILD = "child", "Child (under 18)"
    ADULT = "adult", "Adult"


class ExploitationType(models.TextChoices):
    CRIMINAL = "criminal", "Criminal exploitation"
    CUCKOOING = "cuckooing", "Cuckooing"
    SEXUAL = "sexual", "Sexual exploitation"
    LABOUR = "labour", "Labour exploitation"
    FINANCIAL = "financial", "Financial exploitation"
    OTHER = "other", "Other"


class ExploitedPerson(models.Model):
    """A child or adult the group exploits. Name and date of birth are restricted fields. A
    child is never saved without a safeguarding referral, or the reason one is not yet made."""

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="exploited_people")
    age_group = models.CharField(max_length=10, choices=PersonAge.choices)
    full_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    exploitation_types = models.JSONField(default=list)
    safeguarding_referral_made = models.BooleanField(default=False)
    safeguarding_referral_to = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safeguarding_referral_on = models.DateField(null=True, blank=True)
    no_referral_reason = models.TextField(blank=True)
    nrm_reference = models.CharField(
        max_length=20,
        blank=True,
        help_text="The modern slavery record (NRM referral) in the duties register.",
    )
    missing_episodes = models.PositiveSmallIntegerField(default=0)
    last_missing_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(
        excluded_fields=["created_at", "full_name", "date_of_birth", "no_referral_reason"]
    )

    class Meta:
        ordering = ["group", "id"]
        verbose_name_plural = "exploited people"
        constraints = [
            models.CheckConstraint(
                condition=Q(safeguarding_referral_made=False)
                | (Q(safeguarding_referral_to__isnull=False) & Q(safeguarding_referral_on__isnull=False)),
                name="exploited_referral_has_agency_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(age_group="child")
                | Q(safeguarding_referral_made=True)
                | ~Q(no_referral_reason=""),
                name="exploited_child_has_safeguarding_referral",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"E{self.pk:06d}" if self.pk else ""

    @property
    def is_child(self) -> bool:
        return self.age_group == PersonAge.CHILD

    def exploitation_labels(self) -> list[str]:
        return [ExploitationType(v).label for v in self.exploitation_types if v in ExploitationType.values]


class NominalRestriction(Restriction):
    """A restriction of the processing of a group member's record (somerset_safety.records.restriction):
    kept but not processed. At most one open for a member at a time; it goes with the record."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="processing_restrictions")

    class Meta(Restriction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["nominal"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_restriction_per_nominal",
            )
        ]

    def __str__(self) -> str:
        return f"Restriction of {self.nominal.reference}"


class ExploitedPersonRestriction(Restriction):
    """A restriction of the processing of the record of a person a group exploits
    (somerset_safety.records.restriction). At most one open at a time; it goes with the record."""

    person = models.ForeignKey(
        ExploitedPerson, on_delete=models.CASCADE, related_name="processing_restrictions"
    )

    class Meta(Restriction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_restriction_per_exploited_person",
            )
        ]

    def __str__(self) -> str:
        return f"Restriction of {self.person.reference}"
