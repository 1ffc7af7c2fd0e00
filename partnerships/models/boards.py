"""Partnership boards: the Safer Somerset Partnership board, the Prevent Board, the Hinkley
Community Safety Group, One Team oversight and any other body an administrator sets up. Each has
members (a person, their agency and their role on the board), a forward plan, and meetings on the
platform meetings mechanism (somerset_safety.meetings) through the proxies below: an agenda of
papers, attendance and quorum, minutes per item, numbered decisions and an action log carried
forward from meeting to meeting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.uploads import PrivateFileField
from somerset_safety.meetings import models as meetings


class Board(models.Model):
    """A partnership body that holds board meetings. `code` starts its decision numbers
    (SSP/2026/004) and its address in the service."""

    body = models.OneToOneField(
        "partnerships.PartnershipBody", on_delete=models.PROTECT, related_name="board"
    )
    code = models.SlugField(
        max_length=20,
        unique=True,
        help_text="Short code for its address, e.g. ssp. Decision numbers start with it in capitals (SSP/2026/004).",
    )
    terms_of_reference = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name"]

    def __str__(self) -> str:
        return self.body.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_detail", args=[self.code])

    @property
    def name(self) -> str:
        return self.body.name

    @property
    def meetings(self):
        return BoardMeeting.objects.filter(body__owner_id=self.pk)


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    ADVISER = "adviser", "Adviser (not voting)"
    OFFICER = "officer", "Supporting officer"


class BoardMember(models.Model):
    """A person on a board, for their agency, in a role. Members see the board's meetings,
    papers (exempt papers only when named on them), minutes, decisions and actions. A member who
    leaves keeps their row, with the date, so past decisions still name who proposed them."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_memberships"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "agency__name", "user__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "user"], condition=Q(left_on__isnull=True), name="board_member_once"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="board_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        name = self.user.full_name or self.user.email
        return f"{name} ({self.agency.name}, {self.get_role_display().lower()})"

    @property
    def current(self) -> bool:
        return self.left_on is None


class PaperPurpose(models.TextChoices):
    DECISION = "decision", "For decision"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


class BoardSection(models.IntegerChoices):
    """The parts of a board agenda, in the order they are taken. Item numbers run through all."""

    ACTIONS = 10, "Minutes of the last meeting and the action log"
    DECISION = 20, "Papers for decision"
    DISCUSSION = 30, "Papers for discussion"
    INFORMATION = 40, "Papers for information"
    ANY_OTHER_BUSINESS = 90, "Any other business"


SECTION_FOR_PURPOSE = {
    PaperPurpose.DECISION: BoardSection.DECISION,
    PaperPurpose.DISCUSSION: BoardSection.DISCUSSION,
    PaperPurpose.INFORMATION: BoardSection.INFORMATION,
}


class BoardPaper(models.Model):
    """A paper tabled at one meeting: the uploaded document, who wrote it, what the board is
    asked to do with it, and whether it is public or exempt. An exempt paper (and its minutes
    and decisions) is seen only by the officers and the members named on it."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="board_papers")
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, help_text="Name and role of who wrote it.")
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=PaperPurpose.choices)
    summary = models.TextField(
        blank=True, help_text="What the paper is about and what the board is asked to do."
    )
    exempt = models.BooleanField(
        default=False,
        help_text="Exempt papers are not published and are seen only by the members named on them.",
    )
    exempt_reason = models.CharField(max_length=300, blank=True)
    readers = models.ManyToManyField(
        BoardMember,
        blank=True,
        related_name="exempt_papers",
        help_text="Members who may read an exempt paper.",
    )
    document = PrivateFileField()
    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=False) | ~Q(exempt_reason=""), name="board_paper_exempt_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_paper", args=[self.pk])


class ForwardPlanStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    TABLED = "tabled", "Paper tabled"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ForwardPlanItem(models.Model):
    """Something the board expects to consider: by when, for what purpose and who will bring it.
    Tabled once its paper is on a meeting's agenda."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="forward_plan")
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=20, choices=PaperPurpose.choices)
    planned_for = models.DateField(help_text="The meeting month it is planned for.")
    lead_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ForwardPlanStatus.choices, default=ForwardPlanStatus.PLANNED
    )
    paper = models.OneToOneField(
        BoardPaper, null=True, blank=True, on_delete=models.PROTECT, related_name="forward_plan_item"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_for", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="tabled") | Q(paper__isnull=False), name="forward_plan_tabled_has_paper"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision of a board, numbered per board and year (SSP/2026/004) from the reference
    generator, with its wording, the meeting and item it was taken at and who proposed it."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="decisions")
    reference = models.CharField(max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="board_decisions")
    item = models.ForeignKey("meetings.AgendaItem", on_delete=models.PROTECT, related_name="board_decisions")
    paper = models.ForeignKey(
        BoardPaper, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    wording = models.TextField()
    decided_on = models.DateField()
    proposed_by = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="+")
    seconded_by = models.ForeignKey(
        BoardMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        ordering = ["-decided_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year", "number"], name="board_decision_number_once"),
        ]
        indexes = [models.Index(fields=["board", "-decided_on", "-number"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_meeting", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def exempt(self) -> bool:
        return bool(self.paper_id) and self.paper.exempt


def _BoardManager(path: str) -> meetings.OwnedByManager:
    """Only the rows that belong to boards' meetings."""
    return meetings.OwnedByManager("partnerships", "board", path)


class BoardMeeting(meetings.Meeting):
    """A meeting of a board, on the platform meetings mechanism."""

    objects = _BoardManager("body__owner_type")

    class Meta:
        proxy = True
        ordering = ["-date", "body_id"]

    def __str__(self) -> str:
        return f"{self.board.name}, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_meeting", args=[self.pk])

    @property
    def board(self) -> Board:
        return self.body.owner

    @property
    def reference(self) -> str:
        return f"{self.board.code} {self.date:%Y-%m-%d}"


class BoardAttendance(meetings.Attendance):
    objects = _BoardManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["agency__name"]


class BoardAgendaItem(meetings.AgendaItem):
    """A paper on a board agenda (its subject), or an item of any other business."""

    objects = _BoardManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["section", "position", "id"]

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_item", args=[self.pk])

    def get_section_display(self) -> str:
        return BoardSection(self.section).label


class BoardAction(meetings.Action):
    """An action of a board's action log, for one agency and a named owner in it."""

    objects = _BoardManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["due_date", "id"]

    def get_absolute_url(self) -> str:
        return reverse("partnerships:board_action", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.meeting.body.owner.code} {meetings.Action.reference.fget(self)}"
