"""MARAC: areas, the people referred, referrals (the case record), and MARAC's proxies of the
platform meetings mechanism (somerset_safety.meetings): meetings, attendance, agenda items (one
per victim, with every referral listed under it) and actions.

Each record that changes over time keeps its history (django-simple-history). The allowed
moves of each state machine are tables on the model; one service per move enforces them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.choices import Ethnicity, Sex, YesNoNotKnown
from somerset_safety.core.uploads import PrivateFileField
from somerset_safety.meetings import models as meetings
from somerset_safety.records.restriction import Restriction


class MaracArea(models.Model):
    """A MARAC area: its adult female (16+) population gives the rate per 10,000."""

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. MENDIP.")
    name = models.CharField(max_length=200, unique=True)
    adult_female_population = models.PositiveIntegerField(
        help_text="Women aged 16 and over living in the area, for the cases per 10,000 rate."
    )
    active = models.BooleanField(default=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text=(
            "The MARAC coordinators of this area: the area's agenda and 12-month review deadlines "
            "are theirs, with their reminders. With none named, every MARAC coordinator has them."
        ),
    )
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

    @property
    def meetings(self):
        return Meeting.objects.filter(body__owner_id=self.pk)


class DashAnswer(models.TextChoices):
    """An answer on the risk checklist. Only "yes" counts towards the score; "not known" and
    "declined" (the victim chose not to answer) are recorded so the gaps show."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Declined to answer"


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
    # The name as matching compares it (services set it with the name: core.names.normalise_name).
    normalised_name = models.CharField(max_length=200, blank=True, default="", db_index=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Restriction of processing (UK GDPR article 18): since when the record is kept but not
    # processed, or None. The open ProcessingRestriction's time, kept here for the lists' queries;
    # set and cleared only by services.person_restrict_processing and person_lift_restriction.
    processing_restricted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # History keeps no restricted personal field (the audit event names the fields changed).
    history = HistoricalRecords(
        excluded_fields=["created_at", "full_name", "normalised_name", "date_of_birth", "address"]
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "source_ref"], condition=~Q(source_ref=""), name="person_unique_source_ref"
            )
        ]
        indexes = [
            models.Index(fields=["role", "date_of_birth"]),
            # The few restricted people, read by every list and match (permissions.hidden_people).
            models.Index(
                fields=["processing_restricted_at"],
                condition=Q(processing_restricted_at__isnull=False),
                name="person_processing_restricted",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def processing_restricted(self) -> bool:
        return self.processing_restricted_at is not None

    @property
    def reference(self) -> str:
        """The system reference: V or P and the record number, never a name."""
        prefix = "V" if self.role == PersonRole.VICTIM else "P"
        return f"{prefix}{self.pk:07d}" if self.pk else ""


class ProcessingRestriction(Restriction):
    """A restriction of the processing of a person's record (somerset_safety.records.restriction),
    with why, who and when, and its lifting. At most one is open (not lifted) for a person at a time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="processing_restrictions")

    class Meta(Restriction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="one_open_restriction_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Restriction of {self.person.reference}"


class VictimConsent(models.TextChoices):
    NOT_ASKED = "not_asked", "Not yet asked"
    GIVEN = "given", "Consents to the referral"
    DECLINED = "declined", "Does not consent (referred without consent)"


class IdvaEngagement(models.TextChoices):
    NOT_YET = "not_yet", "Not yet contacted"
    ENGAGED = "engaged", "Engaged with the IDVA"
    DECLINED = "declined", "Declined support"
    NOT_CONTACTABLE = "not_contactable", "Could not be contacted"
    CLOSED = "closed", "Support completed"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    LISTED = "listed", "On an agenda"
    HEARD = "heard", "Heard"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged into another referral"


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

    # Its status moves only through partnerships/states.py REFERRAL_MOVES.

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
    possible_duplicate = models.BooleanField(
        default=False,
        help_text="Another referral of the same victim has the same referral date, and the coordinator "
        "has not yet merged them or confirmed them as separate.",
    )
    confirmed_separate = models.BooleanField(
        default=False, help_text="The coordinator confirmed it is not a duplicate of a same-day referral."
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_referrals"
    )
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
    # Who completed the risk checklist, and who to contact about the referral.
    dash_completed_on = models.DateField(null=True, blank=True)
    dash_completed_by = models.CharField(max_length=200, blank=True, help_text="Name and role.")
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True, help_text="Work telephone or email.")
    children_ages = models.CharField(
        max_length=100, blank=True, help_text="Ages in years of the children in the household, e.g. 2, 7, 15."
    )
    perpetrator_sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    interpreter_language = models.CharField(
        max_length=100, blank=True, help_text="The language the victim needs an interpreter for, if any."
    )
    # The IDVA who represents the victim at MARAC.
    idva = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idva_name = models.CharField(
        max_length=200, blank=True, help_text="If the IDVA is not a user of the service."
    )
    idva_contact_on = models.DateField(
        null=True, blank=True, help_text="When the IDVA first reached the victim."
    )
    victim_consent = models.CharField(
        max_length=20, choices=VictimConsent.choices, default=VictimConsent.NOT_ASKED
    )
    victim_views = models.TextField(
        blank=True, help_text="The victim's views and wishes, as the IDVA reports them."
    )
    idva_engagement = models.CharField(
        max_length=20, choices=IdvaEngagement.choices, default=IdvaEngagement.NOT_YET
    )
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    heard_date = models.DateField(null=True, blank=True)
    heard_at = models.ForeignKey(
        "partnerships.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="heard_referrals",
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
    history = HistoricalRecords(
        excluded_fields=[
            "created_at",
            "dash_answers",
            "professional_judgement_reasons",
            "withdrawn_reason",
            "victim_views",
            "referrer_name",
            "referrer_contact",
        ]
    )

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
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="referral_merged_names_the_kept_one",
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
            # Cases not yet heard, by status and area (the agenda's new cases, the awaiting count):
            # heard referrals, nearly all of them and nearly all of an import, are left out, so
            # writing one costs this index nothing (a status of heard is never looked up by it).
            models.Index(
                fields=["status", "area"], name="referral_unheard_status_area", condition=~Q(status="heard")
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("partnerships:referral_detail", args=[self.pk])

    @property
    def idva_display(self) -> str:
        if self.idva_id:
            return self.idva.full_name
        return self.idva_name or ("Allocated, not named" if self.idva_allocated else "Not allocated")

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


class MonthlySummary(models.Model):
    """The data return's counts for one area and one calendar month of hearings, kept by the
    services that hear, import, withdraw or re-flag referrals (partnerships/summary.py), and
    rebuilt by `manage.py rebuild_marac_summary`. The dashboard and the Executive report read
    whole months from here, so their cost does not grow with the number of referrals."""

    area = models.ForeignKey(
        MaracArea, on_delete=models.CASCADE, related_name="monthly_summaries", db_index=False
    )
    month = models.DateField(help_text="The first day of the month the cases were heard in.")
    cases = models.PositiveIntegerField(default=0)
    victims_repeat = models.PositiveIntegerField(default=0)
    police = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    minoritised = models.PositiveIntegerField(default=0)
    lgbt = models.PositiveIntegerField(default=0)
    disabled = models.PositiveIntegerField(default=0)
    male = models.PositiveIntegerField(default=0)
    aged_16_17 = models.PositiveIntegerField(default=0)
    perpetrators_under_18 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "monthly summaries"
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="marac_summary_one_per_area_month"),
        ]
        indexes = [models.Index(fields=["month", "area"], name="marac_summary_by_month")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%B %Y}"


class AgendaSection(models.IntegerChoices):
    """In the order the agenda is taken (DOMAIN §3). Item numbers run through all of them."""

    CARRIED_ACTIONS = 10, "Incomplete actions from the last meeting"
    CARRIED_FORWARD = 15, "Actions carried forward"
    NEW_WITH_CHILDREN = 20, "New cases with children in the household"
    NEW_WITHOUT_CHILDREN = 30, "New cases without children in the household"
    TWELVE_MONTHS = 40, "Cases where 12 months have passed since the last MARAC"
    ANY_OTHER_BUSINESS = 90, "Any other business"


NEW_CASE_SECTIONS = (AgendaSection.NEW_WITH_CHILDREN, AgendaSection.NEW_WITHOUT_CHILDREN)


def _MaracManager(path: str) -> meetings.OwnedByManager:
    """Only the rows that belong to MARAC areas' meetings."""
    return meetings.OwnedByManager("partnerships", "maracarea", path)


class Meeting(meetings.Meeting):
    """A MARAC meeting of one area, on the platform meetings mechanism."""

    objects = _MaracManager("body__owner_type")

    class Meta:
        proxy = True
        ordering = ["-date", "body_id"]

    def __str__(self) -> str:
        name = self.area.name
        return f"{name if 'MARAC' in name else name + ' MARAC'}, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:meeting_detail", args=[self.pk])

    @property
    def area(self) -> MaracArea:
        return self.body.owner

    # A MARAC meeting starts once everyone present has agreed the confidentiality statement.
    @property
    def confidentiality_confirmed_at(self):
        return self.started_at

    @confidentiality_confirmed_at.setter
    def confidentiality_confirmed_at(self, value) -> None:
        self.started_at = value

    @property
    def confidentiality_confirmed_by(self):
        return self.started_by

    @confidentiality_confirmed_by.setter
    def confidentiality_confirmed_by(self, value) -> None:
        self.started_by = value

    @property
    def area_id(self) -> int:
        return self.body.owner_id

    @property
    def reference(self) -> str:
        return f"{self.area.code} {self.date:%Y-%m-%d}"


class MeetingAttendance(meetings.Attendance):
    """An agency invited to a MARAC meeting. Its representatives see that meeting's agenda."""

    objects = _MaracManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["agency__name"]


class AgendaItem(meetings.AgendaItem):
    """One victim on a MARAC agenda (the subject is the victim), with every referral of theirs
    being heard or reviewed listed under it (`cases`); or an item of any other business."""

    objects = _MaracManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.title or f"{self.victim_reference} at {self.meeting_id}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:agenda_item", args=[self.pk])

    @property
    def victim_reference(self) -> str:
        return Person(pk=self.subject_id, role=PersonRole.VICTIM).reference if self.subject_id else ""

    def get_section_display(self) -> str:
        return AgendaSection(self.section).label


class AgendaCase(models.Model):
    """A referral listed under the agenda item of its victim: heard there if it is new, or
    reviewed (its actions, or 12 months on)."""

    item = models.ForeignKey("meetings.AgendaItem", on_delete=models.CASCADE, related_name="cases")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="listings")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral__referral_date", "referral_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "referral"], name="agenda_case_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.referral} under item {self.item_id}"


class Action(meetings.Action):
    """An action agreed at a MARAC meeting on one referral (its subject), for one agency and a
    named owner in it."""

    objects = _MaracManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Action {self.pk} for {self.agency}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:action_detail", args=[self.pk])

    @property
    def referral(self) -> Referral:
        return self.subject

    @property
    def referral_id(self) -> int:
        return self.subject_id

    @property
    def reference(self) -> str:
        """The case's reference and the action's number among the case's actions, never an id."""
        earlier = type(self)._base_manager.filter(
            subject_type_id=self.subject_type_id, subject_id=self.subject_id, pk__lt=self.pk
        )
        return f"{self.referral.reference} action {earlier.count() + 1}"


class ResearchReturn(models.Model):
    """What one invited agency found when it searched its own systems for one case on a meeting's
    agenda, recorded before the meeting (SafeLives: research by every agency)."""

    meeting = models.ForeignKey("partnerships.Meeting", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="research_returns")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    information_held = models.BooleanField(help_text="Whether the agency holds information on the case.")
    summary = models.TextField(blank=True)
    risks = models.TextField(blank=True, help_text="Risks the agency knows of.")
    researched_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["summary", "risks", "recorded_at"])

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "referral", "agency"], name="research_return_once_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(information_held=False) | ~Q(summary=""), name="research_return_held_has_summary"
            ),
        ]

    def __str__(self) -> str:
        return f"Research return by {self.agency} on {self.referral}"


class ResearchAccess(models.Model):
    """The coordinator's decision that an invited agency may research a restricted case on one
    meeting's agenda (unrestricted cases need no decision)."""

    meeting = models.ForeignKey("partnerships.Meeting", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral", "agency"], name="research_access_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency} may research {self.referral}"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    READY = "ready", "Checked: confirm to import"
    REJECTED = "rejected", "Problems found: nothing saved"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Could not be finished: nothing saved"


class ImportJob(models.Model):
    """An uploaded referrals file on its way in: checked in the background, previewed (what it
    would write), confirmed by the officer and written in the background. Its status moves only
    through partnerships/states.py IMPORT_MOVES; the result stays for the officer to come back to."""

    file = PrivateFileField()
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    batch = models.OneToOneField(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="job"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:import_job", args=[self.pk])

    @property
    def reference(self) -> str:
        """The system reference (retention schedule, erasure log): never the file's name."""
        return f"IMPORT-{self.pk:06d}" if self.pk else ""

    @property
    def percent(self) -> int:
        return int(self.rows_checked * 100 / self.rows_total) if self.rows_total else 0


class ReferralTransfer(models.Model):
    """A case moved to another MARAC area (the victim moved): the referral, its history, actions
    and agenda listings stay as they are; the area changes and the receiving coordinators are
    told, once (`notified_at` is claimed before the email is sent)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transfers")
    from_area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["transferred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_area=models.F("to_area")), name="transfer_to_another_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral} moved from {self.from_area} to {self.to_area}"
