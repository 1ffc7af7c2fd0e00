"""The one meetings mechanism: a body that meets, its meetings, the agencies invited and who came,
an agenda of items that point at the owning app's subjects, minutes per item, and actions with an
owner, a due date, progress and carry-forward.

A body belongs to a record of the owning app (a MARAC area, the Disruption Panel, a partnership
board, a contract) through `owner`. Each app declares proxies of these models (its URLs, labels
and deadline rules) and registers them with `somerset_safety.meetings.registry`; the rules that
are the same for every body live here and in `services`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class OwnedByManager(models.Manager):
    """The rows that belong to one app's bodies (`owner` of `app_label.model`), for that app's
    proxies: `path` leads from the row to its body's owner type."""

    def __init__(self, app_label: str, model: str, path: str):
        super().__init__()
        self.owner = (app_label, model)
        self.path = path

    def get_queryset(self):
        owners = ContentType.objects.filter(app_label=self.owner[0], model=self.owner[1])
        return super().get_queryset().filter(**{f"{self.path}__in": owners})


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, "First"
    SECOND = 2, "Second"
    THIRD = 3, "Third"
    FOURTH = 4, "Fourth"
    LAST = -1, "Last"


class Body(models.Model):
    """Something that holds meetings, with its usual pattern and the defaults for a new meeting.

    `owner` is the app's record (a MARAC area, a board). The pattern (e.g. the second Tuesday of
    each month, or every other Wednesday from a first date) is what the year's meetings are
    proposed from; `quorum` is how many invited agencies must be present, where the body has one.
    """

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, null=True, blank=True, help_text="The usual day of the meeting."
    )
    week_of_month = models.SmallIntegerField(
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text="For monthly and quarterly meetings: which week of the month.",
    )
    first_date = models.DateField(
        null=True, blank=True, help_text="For fortnightly meetings: a date the body met, to count from."
    )
    start_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    item_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Minutes allowed for each item, for the time slots on the agenda."
    )
    quorum = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many invited agencies must be present, if the body has a quorum.",
    )
    standing_agencies = models.ManyToManyField(
        "accounts.Agency", blank=True, related_name="+", help_text="Agencies invited to every meeting."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id"], name="meetings_body_one_per_owner"),
            models.CheckConstraint(
                condition=Q(week_of_month__isnull=True) | Q(week_of_month__in=[1, 2, 3, 4, -1]),
                name="meetings_body_week_of_month",
            ),
        ]

    def __str__(self) -> str:
        return str(self.owner) if self.owner is not None else f"Body {self.pk}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CONCLUDED = "concluded", "Concluded"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting of a body. Papers go out (`agenda_sent_on`), the chair opens it
    (`started_at`), items are minuted, it concludes, and its minutes are approved."""

    # Its status moves only through meetings/states.py MEETING_MOVES.

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agenda_generated_at = models.DateTimeField(null=True, blank=True)
    agenda_sent_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    minutes_approved_on = models.DateField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "body_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date"],
                condition=~Q(status="cancelled"),
                name="meetings_meeting_one_per_body_per_day",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]) | Q(started_at__isnull=False),
                name="meetings_meeting_started_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="meetings_meeting_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(minutes_approved_on__isnull=True) | Q(status="concluded"),
                name="meetings_meeting_minutes_approved_when_concluded",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meetings_meeting_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["body", "date"])]

    def __str__(self) -> str:
        return f"{self.body}, {self.date:%-d %B %Y}"

    @property
    def reference(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    INFORMATION_SENT = "information_sent", "Apologies, information sent"
    ABSENT = "absent", "Did not attend"


class Attendance(models.Model):
    """An agency invited to a meeting, and whether it came. Its people see the meeting's papers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    representative = models.CharField(max_length=200, blank=True, help_text="Name and role of who attended.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="meetings_attendance_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.get_status_display()}"


class AgendaItem(models.Model):
    """One item of an agenda. `subject` is what it is about (a MARAC victim's case, an organised
    crime group, a board paper); an item without one is any other business, named by `title`.
    Items are ordered by the owning app's sections, then `position`; their numbers run through
    the whole agenda (see selectors.agenda)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    section = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField()
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    minutes = models.TextField(blank=True)
    discussed = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["added_at"])

    class Meta:
        ordering = ["section", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "subject_type", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="meetings_item_subject_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=(Q(subject_type__isnull=True) & Q(subject_id__isnull=True))
                | (Q(subject_type__isnull=False) & Q(subject_id__isnull=False)),
                name="meetings_item_subject_whole",
            ),
            models.CheckConstraint(
                condition=Q(subject_id__isnull=False) | ~Q(title=""), name="meetings_item_named"
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.title or f"Item {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CARRIED_FORWARD = "carried_forward", "Carried forward"


class CarryReason(models.TextChoices):
    """Why an incomplete action goes on to a later meeting (SafeLives' two reasons [C])."""

    CIRCUMSTANCES_CHANGED = "circumstances_changed", "Could not be done because circumstances changed"
    AGENCY_DID_NOT_COMPLETE = "agency_did_not_complete", "The agency did not complete it"


class Action(models.Model):
    """An action agreed at a meeting for one agency, with a named owner in it.

    It comes back for review at `review_at`, or, when that is empty, at the body's next meeting
    after `meeting`. Carried forward, the row is closed and an open copy (pointing back through
    `carried_from`) is made at the meeting where that was decided, for review at the meeting
    chosen: so an action can skip meetings and still reach the right one.
    """

    # Its status moves only through meetings/states.py ACTION_MOVES.

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The named person in the agency who will do it.",
    )
    description = models.TextField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    carry_reason = models.CharField(max_length=30, choices=CarryReason.choices, blank=True)
    review_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_for_review"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | (Q(completed_on__isnull=False) & ~Q(outcome="")),
                name="meetings_action_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(carried_from__isnull=True) | ~Q(carry_reason=""),
                name="meetings_action_carried_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} for {self.agency}"

    @property
    def reference(self) -> str:
        """What people call the action, in deadline lists and reminders: its number among the
        actions its meeting agreed and the meeting's date, never a database id."""
        earlier = Action._base_manager.filter(meeting_id=self.meeting_id, pk__lt=self.pk).count()
        return f"Action {earlier + 1}, meeting of {self.meeting.date:%-d %b %Y}"


class ActionUpdate(models.Model):
    """A progress note on an action, by whoever is working on it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Update on action {self.action_id}"


class Papers(models.TextChoices):
    AGENDA = "agenda", "Agenda"
    MINUTES = "minutes", "Minutes"


class PapersNotice(models.Model):
    """One "papers are ready" email to one person: written before it is sent, so a task run twice
    sends it once."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    papers = models.CharField(max_length=20, choices=Papers.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "papers", "recipient"], name="meetings_papers_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_papers_display()} notice for meeting {self.meeting_id}"
