"""Pages of contract management meetings (STYLE.md: fetch with authorisation, validate, call one
service, redirect). The pages every body shares (details, attendance, cancel, any other business,
papers out, open, close, minutes approved; an action's page, progress, completion and carry
forward) are the platform's `MeetingPages`; these are the contract's own: scheduling, the agenda
built from the returns and risks, an item's minutes and its actions."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.forms import errors_on
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.forms import MeetingDetailsForm, MinutesForm
from somerset_safety.meetings.pages import MeetingPages, confirm_page, form_page, on

from . import permissions
from .models import ContractAction, ContractAttendance, ContractSection, QuarterlyReturn, Risk
from .services.meetings import contract_meeting_build_agenda, contract_meeting_schedule


@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    contract = permissions.get_contract_for_user_or_404(request.user, pk, action="change")
    form = MeetingDetailsForm(request.POST or None)
    form.submit_label = "Schedule meeting"
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meeting = contract_meeting_schedule(actor=request.user, contract=contract, **form.cleaned_data)
            messages.success(request, f"The contract meeting on {on(meeting.date)} has been scheduled.")
            return redirect(meeting)
    return form_page(
        request,
        form=form,
        caption=str(contract),
        heading="Schedule a contract meeting",
        intro="The provider and the contract manager's agency are invited. The agenda takes the quarterly returns "
        "received since the last meeting and every open risk.",
        cancel_url=contract.get_absolute_url(),
    )


def _subjects(items) -> dict:
    """The returns and risks the items are about, by (content type, id): one query each."""
    found = {}
    for model in (QuarterlyReturn, Risk):
        type_id = ContentType.objects.get_for_model(model).pk
        ids = [i.subject_id for i in items if i.subject_type_id == type_id]
        found.update({(type_id, obj.pk): obj for obj in model.objects.filter(pk__in=ids)})
    return found


def _agenda(meeting, today):
    items = list(meeting.agenda_items.all())
    subjects = _subjects(items)
    actions: dict[int, list] = {}
    for action in meeting_selectors.with_state(
        ContractAction.objects.filter(meeting=meeting, carried_from__isnull=True).select_related(
            "agency", "owner"
        ),
        today,
    ):
        action.state = meeting_selectors.action_state(action)
        actions.setdefault(action.item_id, []).append(action)
    sections: dict[int, list] = {}
    for row in meeting_selectors.agenda(meeting, items):
        row.subject = subjects.get((row.item.subject_type_id, row.item.subject_id))
        row.actions = actions.get(row.item.pk, [])
        sections.setdefault(row.item.section, []).append(row)
    reviewed = list(
        meeting_selectors.with_state(
            meeting_selectors.reviewed_at(meeting, ContractAction.objects.all()).select_related(
                "agency", "owner", "meeting"
            ),
            today,
        )
    )
    for action in reviewed:
        action.state = meeting_selectors.action_state(action)
    return sections, reviewed


def meeting_detail(request, pk: int):
    meeting = permissions.get_meeting_for_user_or_404(request.user, pk)
    sections, reviewed = _agenda(meeting, local_today())
    return render(
        request,
        "commissioning/meeting.html",
        {
            "meeting": meeting,
            "contract": meeting.contract,
            "sections": [
                (section, sections.get(section.value, []))
                for section in ContractSection
                if section != ContractSection.ACTIONS
            ],
            "reviewed": reviewed,
            "attendances": ContractAttendance.objects.filter(meeting=meeting).select_related("agency"),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_agenda_update(request, pk: int):
    meeting = permissions.get_meeting_for_user_or_404(request.user, pk, action="change")
    error = None
    if request.method == "POST":
        try:
            added = contract_meeting_build_agenda(actor=request.user, meeting=meeting)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"{added} item{'' if added == 1 else 's'} added to the agenda."
                if added
                else "The agenda was up to date.",
            )
            return redirect(meeting)
    return confirm_page(
        request,
        caption=str(meeting),
        heading="Update the agenda?",
        explanation="Adds the quarterly returns received since the last meeting and any risk opened since the "
        "agenda was made. Items already on it keep their place and their numbers.",
        button="Update the agenda",
        error=error,
        cancel_url=meeting.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def meeting_item(request, pk: int):
    item = permissions.get_item_for_user_or_404(request.user, pk, action="change")
    meeting = item.meeting
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes}, label="Minutes for this item")
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meetings.agenda_item_record(actor=request.user, item=item, minutes=form.cleaned_data["minutes"])
            messages.success(request, f"Minutes saved for item {meeting_selectors.item_number(item)}.")
            return redirect(meeting)
    today = local_today()
    actions = list(
        meeting_selectors.with_state(
            ContractAction.objects.filter(item=item, carried_from__isnull=True).select_related("agency"),
            today,
        )
    )
    for action in actions:
        action.state = meeting_selectors.action_state(action)
    return render(
        request,
        "commissioning/meeting_item.html",
        {
            "item": item,
            "meeting": meeting,
            "number": meeting_selectors.item_number(item),
            "subject": item.subject if item.subject_id else None,
            "form": form,
            "actions": actions,
        },
    )


pages = MeetingPages(
    namespace="commissioning",
    name_prefix="contract_",
    get_meeting=permissions.get_meeting_for_user_or_404,
    get_item=permissions.get_item_for_user_or_404,
    get_action=permissions.get_action_for_user_or_404,
    can_update_action=permissions.can_update_action,
    can_carry=permissions.can_manage,
    action_back=lambda action: (
        reverse("commissioning:contract_detail", args=[action.meeting.body.owner_id]) + "#meetings",
        "Back to the contract",
    ),
    papers_go_to="the contract manager, the meeting's chair and the owners of its actions",
    action_log="the contract's action log",
    item_url_name="contract_meeting_item",
    attendance_empty="No agencies have been invited: link the provider to its agency first.",
)
