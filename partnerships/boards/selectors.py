"""Reads of partnership boards: a meeting's agenda with its papers, decisions and actions as the
viewer may see them, and the board's decisions log and action log."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from somerset_safety.meetings import selectors as meeting_selectors

from ..models import (
    ActionStatus,
    BoardAction,
    BoardAgendaItem,
    BoardMeeting,
    BoardPaper,
    BoardSection,
    Decision,
)
from . import permissions


@dataclass
class AgendaLine:
    number: int
    item: BoardAgendaItem
    starts: object
    readable: bool
    paper: BoardPaper | None = None
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)


@dataclass
class MeetingAgenda:
    sections: list[dict]
    reviewed: list[BoardAction]
    paper_ids: list[int]


def meeting_agenda(user, meeting: BoardMeeting, today: date) -> MeetingAgenda:
    """The numbered agenda, section by section: every item keeps its number, and an exempt paper
    the viewer may not read shows as exempt without its title, minutes, decisions or actions. The
    action log part lists the actions that come back to this meeting."""
    items = list(BoardAgendaItem.objects.filter(meeting=meeting))
    readable_ids = set(
        permissions.items_visible_to(user).filter(meeting=meeting).values_list("pk", flat=True)
    )
    papers = {
        p.pk: p
        for p in BoardPaper.objects.filter(
            pk__in=[i.subject_id for i in items if i.subject_id]
        ).select_related("author_agency")
    }
    decisions: dict[int, list] = {}
    for decision in Decision.objects.filter(meeting=meeting, item_id__in=readable_ids).select_related(
        "proposed_by__user", "proposed_by__agency", "seconded_by__user"
    ):
        decisions.setdefault(decision.item_id, []).append(decision)
    actions: dict[int, list] = {}
    for action in meeting_selectors.with_state(
        BoardAction.objects.filter(
            meeting=meeting, item_id__in=readable_ids, carried_from__isnull=True
        ).select_related("agency", "owner"),
        today,
    ):
        action.state = meeting_selectors.action_state(action)
        actions.setdefault(action.item_id, []).append(action)
    lines = []
    for row in meeting_selectors.agenda(meeting, items):
        readable = row.item.pk in readable_ids
        lines.append(
            AgendaLine(
                number=row.number,
                item=row.item,
                starts=row.starts,
                readable=readable,
                paper=papers.get(row.item.subject_id) if readable else None,
                decisions=decisions.get(row.item.pk, []),
                actions=actions.get(row.item.pk, []),
            )
        )
    reviewed = list(
        meeting_selectors.with_state(
            meeting_selectors.reviewed_at(meeting, permissions.actions_visible_to(user)).select_related(
                "agency", "owner", "meeting"
            ),
            today,
        )
    )
    for action in reviewed:
        action.state = meeting_selectors.action_state(action)
    sections = [
        {"section": section, "lines": [line for line in lines if line.item.section == section]}
        for section in BoardSection
        if section != BoardSection.ACTIONS
    ]
    return MeetingAgenda(sections, reviewed, [line.paper.pk for line in lines if line.paper])


def decisions_log(user, board, *, words: str = "", year: int | None = None) -> QuerySet[Decision]:
    """The board's decisions the viewer may see, newest first, narrowed by words and year."""
    decisions = permissions.decisions_visible_to(user).filter(board=board)
    if year:
        decisions = decisions.filter(year=year)
    for word in words.split()[:10]:
        decisions = decisions.filter(Q(wording__icontains=word) | Q(reference__icontains=word))
    return decisions.select_related("meeting", "proposed_by__user", "proposed_by__agency", "paper").order_by(
        "-decided_on", "-number"
    )


def action_log(user, board, *, today: date, show: str = "open") -> QuerySet[BoardAction]:
    """The board's action log: by default the open actions (a carried-forward action is open under
    its latest row), the overdue ones, or every row; each with its deadline's state on `today`
    (meetings.selectors.with_state)."""
    actions = meeting_selectors.with_state(
        permissions.actions_visible_to(user)
        .filter(meeting__body__owner_id=board.pk)
        .select_related("agency", "owner", "meeting", "item"),
        today,
    )
    if show == "open":
        actions = actions.filter(status=ActionStatus.OPEN)
    elif show == "overdue":
        actions = meeting_selectors.overdue(actions, today)
    return actions.order_by("due_date", "id")


def board_chairs(board, *, keep=None):
    """The people who may chair a board's meeting: its current members who are active users
    (and `keep`, the meeting's chair now, so that saving never drops them)."""
    from django.db.models import Q

    from somerset_safety.accounts.models import User

    people = Q(is_active=True, board_memberships__board=board, board_memberships__left_on__isnull=True)
    if keep is not None:
        people |= Q(pk=keep.pk)
    return User.objects.filter(pk__in=User.objects.filter(people).values("pk"))


def meetings_body(board):
    """The board's row of the platform meetings mechanism (its pattern and quorum), or None for a
    board that has never had one: read without making it."""
    from django.contrib.contenttypes.models import ContentType

    from somerset_safety.meetings.models import Body

    return Body.objects.filter(owner_type=ContentType.objects.get_for_model(board), owner_id=board.pk).first()
