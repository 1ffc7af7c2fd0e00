"""The whole access policy of partnership boards and the performance framework (S7).

- Community safety officers run the boards: they see and change everything, exempt papers too.
- A board's current chair runs its meetings, so may also set its quorum (that board's only), with
  the same rules and audit as an officer; nothing else of the board.
- A board's current members see its meetings, its public papers, the exempt papers they are named
  on, the minutes, decisions and actions of what they may read, and its action log.
- Partnership leads read every performance framework as aggregates; a board's members read its
  framework. Only officers see values still restricted (police data not yet approved for
  release); others see provisional and public values, and small counts of people suppressed
  (reports.permissions.can_see_small_counts). They see a board's papers only as its members.
- Nobody else sees a board. A record the user may not see is a 404; seen but not theirs to change
  is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.reads import audited_read

from ..models import (
    Board,
    BoardAction,
    BoardAgendaItem,
    BoardMeeting,
    BoardMember,
    BoardPaper,
    Decision,
    Framework,
    Indicator,
    MemberRole,
    Release,
)

MANAGE_ROLES = frozenset({Role.OFFICER})
# Who finds "Partnership boards" in the navigation: officers, and the roles members hold.
BOARD_ROLES = frozenset(
    {Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.AGENCY_REP, Role.MARAC_COORDINATOR, Role.COMMISSIONING_OFFICER}
)


def can_manage(user) -> bool:
    return user.has_role(*MANAGE_ROLES)


def chairs(user, board: Board) -> bool:
    """The user is the board's current chair."""
    return _memberships(user).filter(board_id=board.pk, role=MemberRole.CHAIR).exists()


def can_set_quorum(user, board: Board) -> bool:
    """Officers, and the board's current chair (chairs run the board's meetings)."""
    return can_manage(user) or chairs(user, board)


def managed_by(model):
    """`user -> queryset` of the `model` records the user may manage (and waive deadlines of)."""

    def records(user) -> QuerySet:
        return model.objects.all() if can_manage(user) else model.objects.none()

    return records


def _memberships(user) -> QuerySet[BoardMember]:
    return BoardMember.objects.filter(user_id=user.pk, left_on__isnull=True)


def boards_visible_to(user) -> QuerySet[Board]:
    boards = Board.objects.select_related("body")
    if can_manage(user):
        return boards
    return boards.filter(Exists(_memberships(user).filter(board_id=OuterRef("pk"))))


@audited_read()
def get_board_for_user_or_404(user, code: str, action: str = "view") -> Board:
    board = boards_visible_to(user).filter(code=code).first()
    if board is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return board


def meetings_visible_to(user) -> QuerySet[BoardMeeting]:
    meetings = BoardMeeting.objects.all()
    if can_manage(user):
        return meetings
    return meetings.filter(body__owner_id__in=_memberships(user).values("board_id"))


@audited_read()
def get_meeting_for_user_or_404(user, pk: int, action: str = "view") -> BoardMeeting:
    meeting = meetings_visible_to(user).select_related("body", "chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return meeting


def _readable_paper(user) -> Q:
    """Papers (by id) the user may read, for a filter on a `paper` path of any model."""
    return Q(exempt=False) | Q(readers__in=_memberships(user))


def papers_visible_to(user) -> QuerySet[BoardPaper]:
    papers = BoardPaper.objects.filter(meeting__in=meetings_visible_to(user))
    if can_manage(user):
        return papers
    readable = BoardPaper.objects.filter(_readable_paper(user)).values("pk")
    return papers.filter(pk__in=readable)


def can_read_paper(user, paper: BoardPaper) -> bool:
    return papers_visible_to(user).filter(pk=paper.pk).exists()


def get_paper_for_user_or_404(user, pk: int) -> BoardPaper:
    paper = papers_visible_to(user).select_related("meeting__body", "author_agency").filter(pk=pk).first()
    if paper is None:
        raise Http404
    return paper


def items_visible_to(user) -> QuerySet[BoardAgendaItem]:
    """Agenda items of visible meetings; an exempt paper's item only for its readers."""
    items = BoardAgendaItem.objects.filter(meeting__in=meetings_visible_to(user))
    if can_manage(user):
        return items
    return items.filter(Q(subject_id__isnull=True) | Q(subject_id__in=papers_visible_to(user).values("pk")))


def get_item_for_user_or_404(user, pk: int, action: str = "view") -> BoardAgendaItem:
    item = items_visible_to(user).select_related("meeting__body").filter(pk=pk).first()
    if item is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return item


def decisions_visible_to(user) -> QuerySet[Decision]:
    decisions = Decision.objects.all()
    if can_manage(user):
        return decisions
    return decisions.filter(board__in=boards_visible_to(user)).filter(
        Q(paper__isnull=True) | Q(paper__in=papers_visible_to(user))
    )


def actions_visible_to(user) -> QuerySet[BoardAction]:
    actions = BoardAction.objects.all()
    if can_manage(user):
        return actions
    return actions.filter(meeting__in=meetings_visible_to(user)).filter(
        Q(item__isnull=True) | Q(item__in=items_visible_to(user))
    )


def can_update_action(user, action: BoardAction) -> bool:
    """Officers, and the action's named owner, may record progress and complete it."""
    return can_manage(user) or (action.owner_id is not None and action.owner_id == user.pk)


@audited_read()
def get_action_for_user_or_404(user, pk: int, action: str = "view") -> BoardAction:
    found = (
        actions_visible_to(user)
        .select_related("meeting__body", "agency", "owner", "carried_from__meeting", "review_at", "item")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if action == "view" or can_manage(user):
        return found
    if action == "update" and can_update_action(user, found):
        return found
    raise PermissionDenied


def meeting_paper_recipients(meeting) -> QuerySet:
    """Who is told a board meeting's papers are ready: its current members."""
    from somerset_safety.accounts.models import User

    return User.objects.filter(
        is_active=True,
        board_memberships__board_id=meeting.body.owner_id,
        board_memberships__left_on__isnull=True,
    ).distinct()


# --- Performance framework -------------------------------------------------------------------------

PERFORMANCE_ROLES = BOARD_ROLES


def frameworks_visible_to(user) -> QuerySet[Framework]:
    frameworks = Framework.objects.select_related("board__body")
    if user.has_role(Role.OFFICER, Role.PARTNERSHIP_LEAD):
        return frameworks
    return frameworks.filter(board__in=boards_visible_to(user))


@audited_read()
def get_framework_for_user_or_404(user, pk: int, action: str = "view") -> Framework:
    framework = frameworks_visible_to(user).filter(pk=pk).first()
    if framework is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return framework


def indicators_visible_to(user) -> QuerySet[Indicator]:
    return Indicator.objects.filter(framework__in=frameworks_visible_to(user))


@audited_read()
def get_indicator_for_user_or_404(user, pk: int, action: str = "view") -> Indicator:
    indicator = (
        indicators_visible_to(user).select_related("framework__board__body", "priority").filter(pk=pk).first()
    )
    if indicator is None:
        raise Http404
    if action != "view" and not can_manage(user):
        raise PermissionDenied
    return indicator


def releases_visible_to(user) -> frozenset[str]:
    """Which values the user reads: officers every value, others provisional and public ones."""
    if can_manage(user):
        return frozenset(Release.values)
    return frozenset({Release.PROVISIONAL, Release.PUBLIC})
