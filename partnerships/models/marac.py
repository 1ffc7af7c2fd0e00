"""MARAC: areas, the people referred, referrals (the case record), meetings, agendas and actions.

Each record that changes over time keeps its history (django-simple-history). The allowed
moves of each state machine are tables on the model; one service per move enforces them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.choices import Ethnicity, Sex, YesNoNotKnown


class MeetingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    WEEKLY = "weekly", "Weekly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class MaracArea(models.Model):
    """A MARAC area: its adult female (16+) population gives the rate per 10,000."""

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. MENDIP.")
    name = models.CharField(max_length=200, unique=True)
    adult_female_population = models.PositiveIntegerField(
        help_text="Women aged 16 and over living in the area, for the cases per 10,000 rate."
    )
    meeting_frequency = models.CharField(
        max_length=20, choices=MeetingFrequency.choices, default=MeetingFrequency.MONTHLY
    )
    meeting_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, null=True, blank=True, help_text="The usual day of the meeting."
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adult_female_population__gt=0), name="marac_area_population_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RiskQuestion(models.Model):
    """One item of the 24-item risk identification checklist. Seeded with short topic labels of
    our own; the council may load its licensed wording into `wording`."""

    number = models.PositiveSmallIntegerField(unique=True)
    topic = models.CharField(max_length=120)
    wording = models.TextField(blank=True, help_text="The licensed question wording, if loaded.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=24), name="risk_question_number_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.topic}"

    @property
    def text(self) -> str:
        return self.wording or self.topic


class PersonRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Perpetrator"


class Person(models.Model):
    """A victim or perpetrator. Name, date of birth and address are restricted fields: only the
    MARAC coordinator and the agencies on the person's cases see them (see permissions)."""

    role = models.CharField(max_length=20, choices=PersonRole.choices)
    source_ref = models.CharField(
        max_length=60, blank=True, help_text="The stable pseudonymous id from an imported system."
    )
    full_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "source_ref"], condition=~Q(source_ref=""), name="person_unique_source_ref"
            )
        ]
        indexes = [models.Index(fields=["role", "date_of_birth"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The system reference: V or P and the record number, never a name."""
        prefix = "V" if self.role == PersonRole.VICTIM else "P"
        return f"{prefix}{self.pk:07d}" if self.pk else ""


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    LISTED = "listed", "On an agenda"
    HEARD = "heard", "Heard"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ImportBatch(models.Model):
    """One accepted import file: who loaded it, when, and how many referrals it held."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.row_count} referrals)"


class Referral(models.Model):
    """A MARAC referral: the case record. Heard cases are what the data return counts."""

    TRANSITIONS = {
        ReferralStatus.REFERRED: {ReferralStatus.LISTED, ReferralStatus.WITHDRAWN},
        ReferralStatus.LISTED: {ReferralStatus.REFERRED, ReferralStatus.HEARD, ReferralStatus.WITHDRAWN},
        ReferralStatus.HEARD: set(),
        ReferralStatus.WITHDRAWN: set(),
    }

    reference = models.CharField(max_length=60, unique=True)
    # No single-column indexes on area, victim and referring agency: the indexes below lead with
    # each of them (a redundant index slows every insert, the import above all).
    area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="referrals", db_index=False)
    victim = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals_as_victim", db_index=False
    )
    perpetrator = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_as_perpetrator"
    )
    referral_date = models.DateField()
    incident_date = models.DateField(null=True, blank=True)
    referring_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dash_answers = models.JSONField(default=dict, blank=True)
    dash_score = models.PositiveSmallIntegerField(null=True, blank=True)
    visible_high_risk = models.BooleanField(default=False)
    professional_judgement = models.BooleanField(default=False)
    professional_judgement_reasons = models.TextField(blank=True)
    potential_escalation = models.BooleanField(default=False)
    incidents_in_period = models.PositiveSmallIntegerField(null=True, blank=True)
    is_repeat = models.BooleanField(default=False)
    children_in_household = models.PositiveSmallIntegerField(default=0)
    victim_sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    victim_age = models.PositiveSmallIntegerField(null=True, blank=True)
    victim_ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN)
    victim_disabled = models.CharField(
        max_length=20, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    victim_lgbt = models.CharField(
        max_length=20, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    perpetrator_age = models.PositiveSmallIntegerField(null=True, blank=True)
    idva_allocated = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    heard_date = models.DateField(null=True, blank=True)
    heard_at = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="heard_referrals"
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only the coordinator and the agencies on the case see it; others see 'Restricted'.",
    )
    review_at_12_months = models.BooleanField(
        default=False, help_text="Bring the case back to MARAC when 12 months have passed since it was heard."
    )
    withdrawn_reason = models.TextField(blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at", "dash_answers"])

    class Meta:
        ordering = ["-referral_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dash_score__isnull=True) | Q(dash_score__lte=24), name="referral_dash_score_range"
            ),
            models.CheckConstraint(
                condition=Q(victim_age__isnull=True) | Q(victim_age__lte=120),
                name="referral_victim_age_range",
            ),
            models.CheckConstraint(
                condition=Q(perpetrator_age__isnull=True) | Q(perpetrator_age__lte=120),
                name="referral_perpetrator_age_range",
            ),
            models.CheckConstraint(
                condition=Q(status="heard", heard_date__isnull=False)
                | (~Q(status="heard") & Q(heard_date__isnull=True)),
                name="referral_heard_has_date",
            ),
            models.CheckConstraint(
                condition=Q(professional_judgement=False)
                | ~Q(professional_judgement_reasons="")
                | Q(import_batch__isnull=False),
                name="referral_judgement_has_reasons",
            ),
            models.CheckConstraint(
                condition=Q(incident_date__isnull=True) | Q(incident_date__lte=models.F("referral_date")),
                name="referral_incident_before_referral",
            ),
        ]
        indexes = [
            models.Index(fields=["-referral_date", "-id"], name="referral_newest_first"),
            # An agency representative's list: the agency's own referrals, newest first.
            models.Index(
                fields=["referring_agency", "-referral_date", "-id"], name="referral_agency_newest_first"
            ),
            models.Index(fields=["area", "heard_date"]),
            models.Index(fields=["victim", "referral_date"]),
            models.Index(fields=["status", "area"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("partnerships:referral_detail", args=[self.pk])

    @property
    def criteria_labels(self) -> list[str]:
        labels = []
        if self.visible_high_risk:
            labels.append("Visible high risk")
        if self.professional_judgement:
            labels.append("Professional judgement")
        if self.potential_escalation:
            labels.append("Potential escalation")
        if self.is_repeat:
            labels.append("Repeat")
        return labels


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CONCLUDED = "concluded", "Concluded"


class Meeting(models.Model):
    TRANSITIONS = {
        MeetingStatus.SCHEDULED: {MeetingStatus.IN_PROGRESS},
        MeetingStatus.IN_PROGRESS: {MeetingStatus.CONCLUDED},
        MeetingStatus.CONCLUDED: set(),
    }

    area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    confidentiality_confirmed_at = models.DateTimeField(null=True, blank=True)
    confidentiality_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agenda_generated_at = models.DateTimeField(null=True, blank=True)
    agenda_sent_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "date"], name="meeting_one_per_area_per_day"),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(confidentiality_confirmed_at__isnull=False),
                name="meeting_started_after_confidentiality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} MARAC, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:meeting_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.area.code} {self.date:%Y-%m-%d}"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    INFORMATION_SENT = "information_sent", "Apologies, information sent"


class MeetingAttendance(models.Model):
    """An agency invited to a meeting. Its representatives see that meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    representative = models.CharField(max_length=200, blank=True, help_text="Name and role of who attended.")

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.get_status_display()}"


class AgendaSection(models.IntegerChoices):
    """In the order the agenda is taken (DOMAIN §3)."""

    CARRIED_ACTIONS = 1, "Incomplete actions from the last meeting"
    NEW_WITH_CHILDREN = 2, "New cases with children in the household"
    NEW_WITHOUT_CHILDREN = 3, "New cases without children in the household"
    TWELVE_MONTHS = 4, "Cases where 12 months have passed since the last MARAC"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="agenda_items")
    section = models.PositiveSmallIntegerField(choices=AgendaSection.choices)
    position = models.PositiveIntegerField()
    minutes = models.TextField(blank=True)
    discussed = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="agenda_item_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting.reference} item {self.position}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CARRIED_FORWARD = "carried_forward", "Carried forward"


class CarryReason(models.TextChoices):
    CIRCUMSTANCES_CHANGED = "circumstances_changed", "Could not be done because circumstances changed"
    AGENCY_DID_NOT_COMPLETE = "agency_did_not_complete", "The agency did not complete it"


class Action(models.Model):
    """An action agreed at a meeting for one agency. Incomplete actions are carried forward to
    the next meeting with a reason; the carried copy points back to the original."""

    TRANSITIONS = {
        ActionStatus.OPEN: {ActionStatus.COMPLETED, ActionStatus.CARRIED_FORWARD},
        ActionStatus.COMPLETED: set(),
        ActionStatus.CARRIED_FORWARD: set(),
    }

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    carry_reason = models.CharField(max_length=30, choices=CarryReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | (Q(completed_on__isnull=False) & ~Q(outcome="")),
                name="action_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(carried_from__isnull=True) | ~Q(carry_reason=""), name="action_carried_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_date"])]

    def __str__(self) -> str:
        return f"Action {self.pk} for {self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:action_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.referral.reference} action {self.pk}"
