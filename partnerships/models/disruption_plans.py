"""The Disruption Panel's work on a group: its meetings (proxies of the platform meetings
mechanism), the 4P plan with its actions (platform actions with the strand and tactic beside
them), the tactics library, and the disruptions recorded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.meetings import models as meetings

from .disruption import LineType, OrganisedCrimeGroup


class Strand(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class TacticTarget(models.Model):
    """The part of a group's activity a tactic targets: people, places, finance … A retired
    target is no longer offered for new tactics; the tactics that have it keep it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Tactic(models.Model):
    """A power or tactic from the library: its legal basis and which agency can use it."""

    CHILD_ABDUCTION_WARNING_NOTICE = "cawn"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    target = models.ForeignKey(TacticTarget, on_delete=models.PROTECT, related_name="tactics")
    legal_basis = models.CharField(max_length=300, blank=True)
    used_by = models.CharField(max_length=300, help_text="Which agency or agencies can use it.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["target__order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cawn(self) -> bool:
        return self.code == self.CHILD_ABDUCTION_WARNING_NOTICE


class DisruptionGrading(models.Model):
    """How much a disruption hurt the group, as the panel grades it (major, moderate, minor). A
    retired grading is no longer offered for new disruptions; those graded with it keep it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(help_text="1 is the greatest disruption.")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class DisruptionPlan(models.Model):
    """A group's 4P plan: one per group, owned by one agency, built on a profile version."""

    group = models.OneToOneField(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="plan")
    owning_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    profile_version = models.ForeignKey(
        "partnerships.ProfileVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    aim = models.TextField(help_text="What the plan sets out to achieve against the group.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    def __str__(self) -> str:
        return f"4P plan for {self.group.reference}"


class PanelSection(models.IntegerChoices):
    """In the order the panel takes its agenda. Item numbers run through all of them."""

    DUE_FOR_REVIEW = 10, "Groups due for review"
    NEW_REFERRALS = 20, "New referrals"
    OVERDUE_ACTIONS = 30, "Groups with overdue actions"
    ANY_OTHER_BUSINESS = 90, "Any other business"


def _PanelManager(path: str) -> meetings.OwnedByManager:
    """Only the rows that belong to the Disruption Panel's meetings."""
    return meetings.OwnedByManager("partnerships", "disruptionpanel", path)


class PanelMeeting(meetings.Meeting):
    """A meeting of the Disruption Panel."""

    objects = _PanelManager("body__owner_type")

    class Meta:
        proxy = True
        ordering = ["-date", "body_id"]

    def __str__(self) -> str:
        return f"Disruption Panel, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:panel_meeting", args=[self.pk])


class PanelAttendance(meetings.Attendance):
    objects = _PanelManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["agency__name"]


class PanelAgendaItem(meetings.AgendaItem):
    """One group on a panel agenda (the subject is the group), or other business."""

    objects = _PanelManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.title or f"Group item {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:panel_item", args=[self.pk])

    def get_section_display(self) -> str:
        return PanelSection(self.section).label


class PanelAction(meetings.Action):
    """A 4P action tasked at a panel meeting on one group (its subject), for one agency."""

    objects = _PanelManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"4P action {self.pk} for {self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:panel_action", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"4P action {self.pk}"


class CawnType(models.TextChoices):
    UNDER_16 = "under_16", "Child under 16"
    UNDER_18_IN_CARE = "under_18_in_care", "Child under 18 in care under a care order"


class PlanAction(models.Model):
    """What the 4P plan adds to a platform action: its strand, the tactic, and the checks made
    before a tactic that affects a child was agreed. Carried forward, the copy gets its own."""

    action = models.OneToOneField("meetings.Action", on_delete=models.CASCADE, related_name="plan_detail")
    plan = models.ForeignKey(DisruptionPlan, on_delete=models.PROTECT, related_name="actions")
    strand = models.CharField(max_length=10, choices=Strand.choices)
    tactic = models.ForeignKey(Tactic, on_delete=models.PROTECT, related_name="+")
    affects_child = models.BooleanField(default=False)
    child_check = models.TextField(
        blank=True, help_text="The proportionality and trauma-informed check made before it was agreed."
    )
    cawn_type = models.CharField(max_length=20, choices=CawnType.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(affects_child=False) | ~Q(child_check=""), name="plan_action_child_checked"
            ),
        ]
        indexes = [models.Index(fields=["plan", "strand"])]

    def __str__(self) -> str:
        return f"{self.get_strand_display()}: {self.tactic}"


class OutcomeType(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"
    LINE_CLOSED = "line_closed", "Line closed"
    CLOSURE_ORDER = "closure_order", "Closure order"
    EVICTION = "eviction", "Eviction"
    INJUNCTION = "injunction", "Injunction"
    LICENCE_ACTION = "licence_action", "Licence action"
    ASSET_SEIZURE = "asset_seizure", "Asset seizure"
    SAFEGUARDED = "safeguarded", "Person safeguarded"
    OTHER = "other", "Other"


class DisruptionOutcome(models.Model):
    """A disruption achieved against a group, by one agency, graded by the panel. `number` is
    how many (three arrests on one warrant are one record of 3)."""

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="outcomes")
    action = models.ForeignKey(
        "meetings.Action", null=True, blank=True, on_delete=models.PROTECT, related_name="disruptions"
    )
    outcome_type = models.CharField(max_length=20, choices=OutcomeType.choices)
    strand = models.CharField(max_length=10, choices=Strand.choices)
    occurred_on = models.DateField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    grading = models.ForeignKey(DisruptionGrading, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Asset seizures: the value in pounds.",
    )
    line_type = models.CharField(max_length=20, choices=LineType.choices, blank=True)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["recorded_at", "description"])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="disruption_number_positive"),
            models.CheckConstraint(
                condition=~Q(outcome_type="asset_seizure") | Q(value__gt=0),
                name="disruption_seizure_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(outcome_type="line_closed") | ~Q(line_type=""), name="disruption_line_has_type"
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_on", "strand"]),
            models.Index(fields=["group", "-occurred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_type_display()} on {self.occurred_on:%-d %B %Y}"
