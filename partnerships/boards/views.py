"""Pages of partnership boards: fetch with authorisation, validate, call one service, redirect.
Meetings, attendance, minutes and actions call the platform meetings services directly."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.permissions import require_any_role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.uploads import private_file_response
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.forms import (
    MeetingDetailsForm,
    MinutesForm,
)
from somerset_safety.meetings.models import MeetingStatus
from somerset_safety.meetings.pages import MeetingPages, form_page, on

from ..exceptions import BoardError
from ..models import BoardAction, BoardAttendance, BoardMember, Decision, ForwardPlanItem
from ..states import FORWARD_PLAN_MOVES
from . import permissions, selectors, services
from .forms import (
    DecisionForm,
    DecisionSearchForm,
    ForwardPlanForm,
    LeaveForm,
    MemberForm,
    PaperForm,
    QuorumForm,
)
from .permissions import BOARD_ROLES, can_manage

# --- Boards --------------------------------------------------------------------------------------


def board_list(request):
    require_any_role(request.user, BOARD_ROLES)
    today = local_today()
    boards = permissions.boards_visible_to(request.user).annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    )
    return render(
        request,
        "partnerships/boards/board_list.html",
        {"boards": boards, "today": today, "can_manage": can_manage(request.user)},
    )


def board_detail(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code)
    today = local_today()
    meetings_qs = permissions.meetings_visible_to(request.user).filter(body__owner_id=board.pk)
    quorum = getattr(selectors.meetings_body(board), "quorum", None)
    return render(
        request,
        "partnerships/boards/board_detail.html",
        {
            "board": board,
            "members": board.members.filter(left_on__isnull=True).select_related("user", "agency"),
            "upcoming": meetings_qs.filter(date__gte=today)
            .exclude(status=MeetingStatus.CONCLUDED)
            .order_by("date")[:6],
            "past": meetings_qs.filter(Q(date__lt=today) | Q(status=MeetingStatus.CONCLUDED)).order_by(
                "-date"
            )[:6],
            "plan": board.forward_plan.select_related("lead_agency", "paper__meeting").order_by(
                "planned_for", "id"
            ),
            "open_actions": selectors.action_log(request.user, board, today=today).count(),
            "quorum": quorum,
            "quorum_problem": services.quorum_out_of_reach(board, quorum),
            "can_manage": can_manage(request.user),
            "can_set_quorum": permissions.can_set_quorum(request.user, board),
        },
    )


@require_http_methods(["GET", "POST"])
def board_member_add(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code, action="change")
    form = MemberForm(request.POST or None, board=board, initial={"joined_on": local_today()})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            member = services.board_member_add(actor=request.user, board=board, **form.cleaned_data)
            messages.success(
                request, f"{member.user.full_name or member.user.email} is now a member of the board."
            )
            return redirect(board)
    return form_page(
        request,
        form=form,
        caption=board.name,
        heading="Add a member",
        intro="Members see the board's meetings, public papers, minutes, decisions and action log, and are told "
        "when papers are ready. Exempt papers are shown only to the members named on them.",
        cancel_url=board.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def board_quorum(request, code: str):
    """The board's quorum: how many invited agencies must be present (officers and the board's
    chair; other members 403)."""
    board = permissions.get_board_for_user_or_404(request.user, code)
    if not permissions.can_set_quorum(request.user, board):
        raise PermissionDenied
    body = selectors.meetings_body(board)
    form = QuorumForm(request.POST or None, record=body, initial={"quorum": body.quorum if body else None})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.board_quorum_set(actor=request.user, board=board, **form.cleaned_data)
            quorum = form.cleaned_data["quorum"]
            messages.success(
                request,
                f"The quorum is now {quorum} agenc{'y' if quorum == 1 else 'ies'}."
                if quorum
                else "The board now has no quorum.",
            )
            return redirect(board)
    agencies = services.current_member_agencies(board).count()
    return form_page(
        request,
        form=form,
        caption=board.name,
        heading="Set the quorum",
        intro="A meeting invites the agencies of the board's current members; it is quorate when at least this many "
        f"of them are present. The current members come from {agencies} agenc{'y' if agencies == 1 else 'ies'}. "
        "Meeting pages show whether each meeting is quorate.",
        cancel_url=board.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def board_member_leave(request, pk: int):
    member = get_object_or_404(BoardMember.objects.select_related("board__body", "user", "agency"), pk=pk)
    board = permissions.get_board_for_user_or_404(request.user, member.board.code, action="change")
    form = LeaveForm(request.POST or None, initial={"left_on": local_today()})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.board_member_leave(
                actor=request.user, member=member, left_on=form.cleaned_data["left_on"]
            )
            messages.success(request, f"{member} has been recorded as having left the board.")
            return redirect(board)
    return form_page(
        request,
        form=form,
        caption=board.name,
        heading=f"Record that {member.user.full_name or member.user.email} left the board",
        intro="They stop seeing the board's papers. Decisions they proposed keep their name.",
        cancel_url=board.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def forward_plan_add(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code, action="change")
    form = ForwardPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.forward_plan_add(actor=request.user, board=board, **form.cleaned_data)
            messages.success(request, "The item has been added to the forward plan.")
            return redirect(board.get_absolute_url() + "#forward-plan")
    return form_page(
        request,
        form=form,
        caption=board.name,
        heading="Add to the forward plan",
        cancel_url=board.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def forward_plan_move(request, pk: int, move: str):
    item = get_object_or_404(ForwardPlanItem.objects.select_related("board__body"), pk=pk)
    board = permissions.get_board_for_user_or_404(request.user, item.board.code, action="change")
    if move not in FORWARD_PLAN_MOVES or move == "table":
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.forward_plan_move(actor=request.user, item=item, move=move)
        except BoardError as exc:
            error = str(exc)
        else:
            messages.success(request, f"“{item.title}”: {FORWARD_PLAN_MOVES[move].label.lower()} – done.")
            return redirect(board.get_absolute_url() + "#forward-plan")
    return render(
        request,
        "meetings/confirm.html",
        {
            "caption": board.name,
            "heading": f"{FORWARD_PLAN_MOVES[move].label}: {item.title}?",
            "explanation": "The forward plan keeps the item with its new status.",
            "button": FORWARD_PLAN_MOVES[move].label,
            "error": error or FORWARD_PLAN_MOVES.refusal(item, move),
            "refused": FORWARD_PLAN_MOVES.refusal(item, move) is not None,
            "cancel_url": board.get_absolute_url(),
        },
    )


def board_decisions(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code)
    years = list(
        permissions.decisions_visible_to(request.user)
        .filter(board=board)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = DecisionSearchForm(request.GET or None, years=years)
    words, year = "", None
    if form.is_valid():
        words, year = form.cleaned_data["q"], form.cleaned_data["year"]
    page = paginate(request, selectors.decisions_log(request.user, board, words=words, year=year))
    audit_list(
        actor=request.user,
        model=Decision,
        ids=[d.pk for d in page],
        action=AuditAction.SEARCH if words or year else AuditAction.LIST,
    )
    return render(
        request,
        "partnerships/boards/decisions.html",
        {"board": board, "form": form, "page": page, "searched": bool(words or year)},
    )


ACTION_LOG_VIEWS = {"open": "Open actions", "overdue": "Overdue actions", "all": "Every action"}


def board_actions(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code)
    show = request.GET.get("show", "open")
    if show not in ACTION_LOG_VIEWS:
        show = "open"
    today = local_today()
    page = paginate(request, selectors.action_log(request.user, board, today=today, show=show))
    for action in page:
        action.state = meeting_selectors.action_state(action)
    audit_list(actor=request.user, model=BoardAction, ids=[a.pk for a in page])
    return render(
        request,
        "partnerships/boards/actions.html",
        {"board": board, "page": page, "show": show, "views": ACTION_LOG_VIEWS},
    )


# --- Meetings -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def board_meeting_create(request, code: str):
    board = permissions.get_board_for_user_or_404(request.user, code, action="change")
    form = MeetingDetailsForm(request.POST or None, chairs=selectors.board_chairs(board))
    form.submit_label = "Schedule meeting"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meeting = services.board_meeting_schedule(actor=request.user, board=board, **form.cleaned_data)
            messages.success(request, f"The meeting on {on(meeting.date)} has been scheduled.")
            return redirect(meeting)
    return form_page(
        request,
        form=form,
        caption=board.name,
        heading="Schedule a meeting",
        intro="The agencies of the board's current members are invited. Papers are added once it is scheduled.",
        cancel_url=board.get_absolute_url(),
    )


def board_meeting(request, pk: int):
    meeting = permissions.get_meeting_for_user_or_404(request.user, pk)
    agenda = selectors.meeting_agenda(request.user, meeting, local_today())
    attendances = BoardAttendance.objects.filter(meeting=meeting).select_related("agency")
    return render(
        request,
        "partnerships/boards/meeting.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "agenda": agenda,
            "attendances": attendances,
            "quorum": meeting_selectors.quorum_met(meeting),
            "present": sum(1 for a in attendances if a.status == "present"),
            "public_meeting": _public_meeting(request.user, meeting),
            "can_manage": can_manage(request.user),
        },
    )


def _public_meeting(user, meeting) -> dict | None:
    """For the partnership board's concluded meetings: whether it is recorded as the annual public
    meeting, and whether the viewer may record it."""
    from duties.selectors import evidence_recorded_from_app

    if services.public_meeting_refusal(meeting):
        return None
    recorded = evidence_recorded_from_app(
        services.PUBLIC_MEETING_OBLIGATION, services.public_meeting_link(meeting)
    )
    return {"recorded": recorded, "can_record": can_manage(user) and not recorded}


@require_http_methods(["GET", "POST"])
def board_meeting_public(request, pk: int):
    meeting = permissions.get_meeting_for_user_or_404(request.user, pk, action="change")
    error = services.public_meeting_refusal(meeting)
    if request.method == "POST" and error is None:
        try:
            services.public_meeting_record(actor=request.user, meeting=meeting)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(
                request, "The meeting is recorded in the duties register as the annual public meeting."
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/confirm.html",
        {
            "caption": str(meeting),
            "heading": "Record this as the partnership's annual public meeting?",
            "explanation": "The duties register records it as evidence of the duty to hold at least one public "
            "meeting a year (Police and Justice Act 2006), with a link to this meeting, and moves the duty's next "
            "due date on a year.",
            "button": "Record the public meeting",
            "error": error,
            "refused": services.public_meeting_refusal(meeting) is not None,
            "cancel_url": meeting.get_absolute_url(),
        },
    )


# --- Papers -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def board_paper_add(request, pk: int):
    meeting = permissions.get_meeting_for_user_or_404(request.user, pk, action="change")
    board = meeting.board
    form = PaperForm(request.POST or None, request.FILES or None, board=board)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with errors_on(form):
            paper = services.board_paper_add(actor=request.user, meeting=meeting, **data)
            messages.success(request, f"“{paper.title}” has been added to the agenda.")
            return redirect(meeting)
    return form_page(
        request,
        form=form,
        caption=str(meeting),
        heading="Add a paper",
        intro="The paper goes on the agenda under its purpose. If there is a problem with the form, choose the file "
        "again: files are not kept until the paper is added.",
        cancel_url=meeting.get_absolute_url(),
        multipart=True,
    )


def board_paper(request, pk: int):
    """The paper's document, for those who may read it; recorded as a disclosure."""
    paper = permissions.get_paper_for_user_or_404(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.DISCLOSE, obj=paper, detail={"download": True})
    return private_file_response(paper.document, paper.file_name)


# --- Items: minutes, decisions, actions -----------------------------------------------------------


def _item_for(user, pk: int, action: str = "view"):
    """The agenda item, with its meeting as a board meeting."""
    item = permissions.get_item_for_user_or_404(user, pk, action=action)
    item.meeting = permissions.get_meeting_for_user_or_404(user, item.meeting_id, action=action)
    return item


@require_http_methods(["GET", "POST"])
def board_item(request, pk: int):
    item = _item_for(request.user, pk, "change")
    meeting = item.meeting
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes}, label="Minutes for this item")
    form.fields[
        "minutes"
    ].help_text = "What was presented and discussed. Decisions and actions are added separately."
    form.fields["minutes"].error_messages["required"] = "Enter the minutes for this item"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meetings.agenda_item_record(actor=request.user, item=item, minutes=form.cleaned_data["minutes"])
            messages.success(request, f"Minutes saved for item {meeting_selectors.item_number(item)}.")
            return redirect(meeting)
    today = local_today()
    actions = list(
        meeting_selectors.with_state(
            item.actions.filter(carried_from__isnull=True).select_related("agency", "owner"), today
        )
    )
    for action in actions:
        action.state = meeting_selectors.action_state(action)
    return render(
        request,
        "partnerships/boards/item.html",
        {
            "item": item,
            "meeting": meeting,
            "number": meeting_selectors.item_number(item),
            "paper": item.subject if item.subject_id else None,
            "form": form,
            "decisions": Decision.objects.filter(item=item).select_related(
                "proposed_by__user", "seconded_by__user"
            ),
            "actions": actions,
        },
    )


@require_http_methods(["GET", "POST"])
def board_decision_add(request, pk: int):
    item = _item_for(request.user, pk, "change")
    meeting = item.meeting
    form = DecisionForm(request.POST or None, board=meeting.board)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            decision = services.decision_record(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"Decision {decision.reference} has been recorded.")
            return redirect("partnerships:board_item", pk=item.pk)
    return form_page(
        request,
        form=form,
        caption=f"{meeting}, item {meeting_selectors.item_number(item)}",
        heading="Record a decision",
        intro="It takes the board's next decision number for the year.",
        cancel_url=reverse("partnerships:board_item", args=[item.pk]),
    )


# The shared meeting and action pages (details, attendance, cancel, other business, papers out,
# open, close, minutes approved; an action completed, its progress, carried forward).
pages = MeetingPages(
    namespace="partnerships",
    name_prefix="board_",
    get_meeting=permissions.get_meeting_for_user_or_404,
    get_item=_item_for,
    get_action=permissions.get_action_for_user_or_404,
    can_update_action=permissions.can_update_action,
    can_carry=can_manage,
    action_back=lambda action: (
        reverse("partnerships:board_actions", args=[action.meeting.body.owner.code]),
        "Back to the action log",
    ),
    chairs=lambda meeting: selectors.board_chairs(meeting.body.owner, keep=meeting.chair),
    papers_go_to="the board's members",
    action_log="the board's action log",
    item_url_name="board_item",
    attendance_empty="No agencies have been invited: add members to the board first.",
)
