"""Every write that is particular to partnership boards: members, meetings, papers, decisions and
the forward plan. Attendance, minutes, actions and their carry-forward are the platform meetings
mechanism's own services (somerset_safety.meetings.services), called as they are: a board meeting
is a row of it, through the proxies in partnerships.models.boards. Raises BoardError, whose
message is safe to show.
"""

from collections.abc import Iterable
from datetime import date, time

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core import references
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.transitions import transition
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.models import MeetingStatus

from ..exceptions import BoardError
from ..models import (
    SECTION_FOR_PURPOSE,
    Board,
    BoardAgendaItem,
    BoardMeeting,
    BoardMember,
    BoardPaper,
    Decision,
    ForwardPlanItem,
)
from ..states import FORWARD_PLAN_MOVES

# --- Members ---------------------------------------------------------------------------------------


@transaction.atomic
def board_member_add(*, actor, board: Board, user, role: str, joined_on: date) -> BoardMember:
    """Put a person on a board for their agency. Raises BoardError if they have no agency or are
    already a current member."""
    if user.agency_id is None:
        raise BoardError("This person has no agency. Members sit on a board for their agency.")
    if BoardMember.objects.filter(board=board, user=user, left_on__isnull=True).exists():
        raise BoardError(f"{user.full_name or user.email} is already a member of {board.name}.")
    if joined_on > local_today():
        raise BoardError("The date they joined cannot be in the future.")
    member = BoardMember.objects.create(
        board=board, user=user, agency_id=user.agency_id, role=role, joined_on=joined_on
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=member, changed_fields=["user", "agency", "role"]
    )
    return member


@transaction.atomic
def board_member_leave(*, actor, member: BoardMember, left_on: date) -> BoardMember:
    """Record that a member left the board. They keep their place in past decisions."""
    member = BoardMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise BoardError("This member has already left the board.")
    if left_on < member.joined_on or left_on > local_today():
        raise BoardError("The date they left must be between the date they joined and today.")
    save_changes(member, {"left_on": left_on}, actor)
    return member


# --- Meetings and papers ------------------------------------------------------------------------


def current_member_agencies(board: Board):
    from somerset_safety.accounts.models import Agency

    return Agency.objects.filter(
        pk__in=BoardMember.objects.filter(board=board, left_on__isnull=True).values("agency_id")
    )


def _agencies(n: int) -> str:
    return f"{n} agenc{'y' if n == 1 else 'ies'}"


def quorum_out_of_reach(board: Board, quorum: int | None) -> str | None:
    """Why no meeting of the board could be quorate now (a member left, so the current members
    come from fewer agencies than the quorum), in the words the board's page shows; or None."""
    if not quorum:
        return None
    agencies = current_member_agencies(board).count()
    if quorum <= agencies:
        return None
    return (
        f"The quorum is {_agencies(quorum)}, but the board's current members come from "
        f"{_agencies(agencies)}, so no meeting can be quorate. Change the quorum or add members."
    )


@transaction.atomic
def board_quorum_set(*, actor, board: Board, quorum: int | None, expected_version: str = ""):
    """Set how many of the invited agencies must be present for the board's meetings to be
    quorate, or None for a board without a quorum. A meeting invites the agencies of the current
    members, so the quorum cannot be more than their number. Raises BoardError, or StaleEdit if
    someone changed the board's meeting settings after `expected_version` (the form's)."""
    body = meetings.body_for(board)
    body = type(body).objects.select_for_update().get(pk=body.pk)
    if quorum is not None:
        agencies = current_member_agencies(board).count()
        if quorum < 1:
            raise BoardError("The quorum must be at least 1 agency, or leave it blank.", field="quorum")
        if agencies == 0:
            raise BoardError(
                "The board has no members yet, so no agency could be present: add its members first, "
                "or leave the quorum blank.",
                field="quorum",
            )
        if quorum > agencies:
            raise BoardError(
                f"The board's current members come from {_agencies(agencies)}, "
                f"so the quorum cannot be more than {agencies}.",
                field="quorum",
            )
    save_changes(body, {"quorum": quorum}, actor, expected_version=expected_version)
    return body


@transaction.atomic
def board_meeting_schedule(
    *,
    actor,
    board: Board,
    date: date,
    chair=None,
    start_time: time | None = None,
    end_time: time | None = None,
    venue: str = "",
    online_link: str = "",
) -> BoardMeeting:
    """Schedule a meeting of a board and invite the agencies of its current members. Raises
    MeetingError (from the platform) if the board already meets that day."""
    return meetings.meeting_schedule(
        actor=actor,
        body=meetings.body_for(board),
        date=date,
        agencies=current_member_agencies(board),
        chair=chair,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        online_link=online_link,
    )


@transaction.atomic
def board_paper_add(
    *,
    actor,
    meeting: BoardMeeting,
    title: str,
    author: str,
    author_agency,
    purpose: str,
    document,
    summary: str = "",
    exempt: bool = False,
    exempt_reason: str = "",
    readers: Iterable[BoardMember] = (),
    plan_item: ForwardPlanItem | None = None,
) -> BoardPaper:
    """Table a paper at a meeting that has not started: store the document and put it on the
    agenda in the section for its purpose. An exempt paper needs its reason and is read only by
    the members named; a paper from the forward plan marks that item tabled. Raises BoardError."""
    meeting = BoardMeeting._base_manager.select_for_update().select_related("body").get(pk=meeting.pk)
    meeting.__class__ = BoardMeeting
    board = meeting.body.owner
    if meeting.status != MeetingStatus.SCHEDULED:
        raise BoardError("Papers can be added only before the meeting starts.")
    readers = list(readers)
    if any(member.board_id != board.pk or not member.current for member in readers):
        raise BoardError("Only current members of the board can be named as readers.")
    if exempt and not exempt_reason.strip():
        raise BoardError("Enter why the paper is exempt from publication.")
    if not exempt and readers:
        raise BoardError("Readers are named only for an exempt paper: every member reads a public one.")
    if plan_item is not None and (
        plan_item.board_id != board.pk or plan_item.status not in FORWARD_PLAN_MOVES.sources_of("table")
    ):
        raise BoardError("Choose an item of this board's forward plan that has not been tabled yet.")
    paper = BoardPaper.objects.create(
        meeting=meeting,
        title=" ".join(title.split()),
        author=author.strip(),
        author_agency=author_agency,
        purpose=purpose,
        summary=summary.strip(),
        exempt=exempt,
        exempt_reason=exempt_reason.strip() if exempt else "",
        document=document,
        file_name=document.name[:200],
        uploaded_by=actor,
    )
    paper.readers.set(readers)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=paper,
        changed_fields=["title", "author", "purpose", "exempt", "readers", "document"],
    )
    meetings.agenda_add(
        actor=actor,
        meeting=meeting,
        entries=[meetings.AgendaEntry(section=SECTION_FOR_PURPOSE[purpose], subject=paper)],
    )
    if plan_item is not None:
        transition(plan_item, "table", machine=FORWARD_PLAN_MOVES, actor=actor, values={"paper": paper})
    return paper


# --- Decisions -----------------------------------------------------------------------------------


def decision_kind(board: Board) -> str:
    """Decisions are numbered per board and year: one reference kind per board, declared the first
    time the board records one (boards are data an administrator adds). The text starts with the
    board's code as it is when the number is taken."""
    kind = f"board_decision_{board.pk}"
    if kind not in references.kinds():
        board_id = board.pk

        def text(number: int, year: int) -> str:
            code = Board.objects.values_list("code", flat=True).get(pk=board_id)
            return f"{code.upper()}/{year}/{number:03d}"

        references.register(kind, text, yearly=True)
    return kind


@transaction.atomic
def decision_record(
    *,
    actor,
    item: BoardAgendaItem,
    wording: str,
    proposed_by: BoardMember,
    seconded_by: BoardMember | None = None,
) -> Decision:
    """Record a decision taken on an item of a meeting in progress. It takes the board's next number
    for the year of the meeting (SSP/2026/004). The proposer (and seconder) must be current
    members. Raises BoardError otherwise."""
    item = BoardAgendaItem.objects.select_related("meeting__body").get(pk=item.pk)
    meeting = item.meeting
    board = meeting.body.owner
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise BoardError("Decisions can be recorded only while the meeting is in progress.")
    wording = wording.strip()
    if not wording:
        raise BoardError("Enter the wording of the decision.")
    for who in (proposed_by, seconded_by):
        if who is not None and (who.board_id != board.pk or not who.current):
            raise BoardError("The proposer and seconder must be current members of the board.")
    if seconded_by is not None and seconded_by.pk == proposed_by.pk:
        raise BoardError("The seconder must be someone other than the proposer.")
    reference = references.next_reference(decision_kind(board), year=meeting.date.year)
    paper = item.subject if item.subject_id else None
    decision = Decision.objects.create(
        board=board,
        reference=reference.text,
        year=meeting.date.year,
        number=reference.number,
        meeting=meeting,
        item=item,
        paper=paper,
        wording=wording,
        decided_on=meeting.date,
        proposed_by=proposed_by,
        seconded_by=seconded_by,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=decision,
        changed_fields=["reference", "wording", "proposed_by", "seconded_by"],
    )
    return decision


# --- The partnership's annual public meeting ------------------------------------------------------

PUBLIC_MEETING_OBLIGATION = "pja-public-meeting"


def public_meeting_link(meeting: BoardMeeting) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}"


def public_meeting_refusal(meeting: BoardMeeting) -> str | None:
    """Why this meeting cannot be recorded as the partnership's public meeting, or None."""
    if meeting.body.owner.body.parent_id is not None:
        return "Only a meeting of the partnership itself counts as its public meeting."
    if meeting.status != MeetingStatus.CONCLUDED:
        return "Record the public meeting once it has concluded."
    return None


@transaction.atomic
def public_meeting_record(*, actor, meeting: BoardMeeting):
    """Record a concluded meeting of the partnership board as the evidence of its statutory
    annual public meeting, in the duties register (through the duties app's service, which
    audits it and moves the duty's next due date). Raises BoardError or DutiesError."""
    from duties.services import evidence_record_from_app

    meeting = BoardMeeting.objects.select_related("body").get(pk=meeting.pk)
    refusal = public_meeting_refusal(meeting)
    if refusal:
        raise BoardError(refusal)
    return evidence_record_from_app(
        actor=actor,
        obligation_code=PUBLIC_MEETING_OBLIGATION,
        met_on=meeting.date,
        summary=f"The public meeting of the {meeting.board.name} on {meeting.date:%-d %B %Y}: its agenda, papers "
        "and minutes are in Safer Somerset.",
        link=public_meeting_link(meeting),
    )


# --- Forward plan ------------------------------------------------------------------------------


@transaction.atomic
def forward_plan_add(
    *, actor, board: Board, title: str, purpose: str, planned_for: date, lead_agency
) -> ForwardPlanItem:
    """Add an item to a board's forward plan."""
    title = " ".join(title.split())
    if not title:
        raise BoardError("Enter what the item is about.")
    item = ForwardPlanItem.objects.create(
        board=board, title=title, purpose=purpose, planned_for=planned_for, lead_agency=lead_agency
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=item, changed_fields=["title", "purpose", "planned_for"]
    )
    return item


@transaction.atomic
def forward_plan_move(*, actor, item: ForwardPlanItem, move: str) -> ForwardPlanItem:
    """Defer, plan again or withdraw an item of the forward plan (tabling happens by adding its
    paper). Raises BoardError when the item cannot make that move now."""
    if move == "table":
        raise BoardError("An item is tabled by adding its paper to a meeting.")
    return transition(item, move, machine=FORWARD_PLAN_MOVES, actor=actor)
