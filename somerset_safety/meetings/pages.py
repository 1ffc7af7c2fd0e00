"""The pages every body's meetings share: change the details, cancel, record attendance, add any
other business, send papers / open / close, approve the minutes, and an action's complete,
progress and carry-forward pages.

An app makes one `MeetingPages` with its own fetch-with-authorisation functions and words, and
puts `pages.urls()` into its urlpatterns; its meeting page, items and agenda stay its own. The
pages validate, call one platform service and redirect, the same for every body.

    pages = MeetingPages(
        namespace="partnerships",
        name_prefix="board_",
        get_meeting=permissions.get_meeting_for_user_or_404,
        get_action=permissions.get_action_for_user_or_404,
        ...
    )
    urlpatterns += pages.urls(meetings="boards/meetings/", actions="boards/actions/")
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.forms import errors_on

from . import selectors, services
from .forms import (
    ActionForm,
    ApproveMinutesForm,
    AssignForm,
    AttendanceForm,
    CarryForwardForm,
    CompleteActionForm,
    ConfirmDatesForm,
    InviteForm,
    MeetingDetailsForm,
    OtherBusinessForm,
    PatternForm,
    ProgressForm,
    ReasonForm,
)
from .models import ActionStatus, ActionUpdate, Attendance

# The help on each page, which an app's `words` may replace.
WORDS = {
    "meeting_edit": "The date can change only until the papers have gone out.",
    "meeting_cancel": "Its papers stay on record. Actions carried forward to it come back at the next meeting instead.",
    "meeting_approve": "Once approved as a true record the minutes cannot change.",
    "action_complete": "",
    "action_progress": "",
    "action_assign": "",
    "action_carry": "It stays on the action log, with the reason, and comes up at the meeting you choose.",
    "carry_nowhere": "Schedule the next meeting first: there is none to carry it to.",
    "completed": "The {noun} has been marked as complete.",
    "assigned": "The owner has been saved.",
}

# What each action page asks the app's `get_action` for, unless its `rights` say otherwise.
DEFAULT_RIGHTS = {"complete": "update", "progress": "update", "assign": "update", "carry": "carry"}


def on(day) -> str:
    return f"{day:%-d %B %Y}"


def form_page(
    request,
    *,
    form,
    caption: str,
    heading: str,
    cancel_url: str,
    intro: str = "",
    cancel_label: str = "",
    multipart: bool = False,
    inset: str = "",
    record=None,
):
    """A one-form page in the meetings layout (caption, heading, a line of help, the text the
    form is about in an inset, the form). `record` is what the page shows (an action), given to
    the template so the view audit's walk sees it."""
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "caption": caption,
            "heading": heading,
            "intro": intro,
            "inset": inset,
            "record": record,
            "cancel_url": cancel_url,
            "cancel_label": cancel_label,
            "multipart": multipart,
        },
    )


def confirm_page(
    request,
    *,
    caption: str,
    heading: str,
    explanation: str,
    button: str,
    cancel_url: str,
    error=None,
    refused: bool = False,
):
    """A confirmation before a step that cannot be undone; `refused` shows only a way back."""
    return render(
        request,
        "meetings/confirm.html",
        {
            "caption": caption,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "error": error,
            "refused": refused,
            "cancel_url": cancel_url,
        },
    )


def schedule_page(
    request,
    *,
    body,
    save_pattern: Callable,
    schedule_dates: Callable,
    caption: str,
    who: str,
    invited: str,
    back_url: str,
    back_label: str,
    saved: str = "The meeting pattern has been saved.",
    noun: str = "meeting",
):
    """A body's meeting pattern and the year's meetings proposed from it (this year and next),
    for whoever plans them to confirm. `save_pattern(values=, expected_version=)` (the pattern
    carries the version it was opened on) and `schedule_dates(dates)` are the app's services
    (the second returns the meetings made); `who` names the body in sentences
    ("the MARAC"), `invited` says who a scheduled meeting invites, `noun` what is scheduled."""
    today = local_today()
    years = [today.year, today.year + 1]
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else years[0]
    if year not in years:
        raise Http404
    pattern = PatternForm(
        request.POST if request.POST.get("form") == "pattern" else None,
        initial={name: getattr(body, name) for name in services.PATTERN_FIELDS}
        if body
        else {"item_minutes": 15},
        record=body,
    )
    start, end = max(today, date(year, 1, 1)), date(year, 12, 31)
    proposals = selectors.proposed_meetings(body, start, end) if body else []
    confirm = ConfirmDatesForm(
        request.POST if request.POST.get("form") == "dates" else None, proposals=proposals
    )
    here = f"{request.path}?year={year}"
    if request.method == "POST" and pattern.is_bound and pattern.is_valid():
        with errors_on(pattern):
            save_pattern(
                values=pattern.cleaned_data, expected_version=pattern.cleaned_data.get("expected_version", "")
            )
            messages.success(request, saved)
            return redirect(here)
    if request.method == "POST" and confirm.is_bound and confirm.is_valid():
        with errors_on(confirm):
            created = schedule_dates(confirm.chosen())
            messages.success(request, f"{len(created)} {noun}{'s' if len(created) != 1 else ''} scheduled.")
            return redirect(here)
    return render(
        request,
        "meetings/schedule.html",
        {
            "body": body,
            "pattern": pattern,
            "confirm": confirm,
            "proposals": proposals,
            "year": year,
            "years": years,
            "caption": caption,
            "who": who,
            "invited": invited,
            "back_url": back_url,
            "back_label": back_label,
        },
    )


@dataclass(frozen=True)
class MeetingPages:
    """`namespace` and `name_prefix` name the app's URLs ("partnerships", "board_": the pages are
    partnerships:board_meeting_edit and so on). `get_meeting(user, pk, action)` and
    `get_item(user, pk, action)` (the item with its meeting as the app's proxy) and
    `get_action(user, pk, action)` fetch with authorisation, and audit the view (`@audited_read`) (404 when not visible, 403 when seen
    but not theirs to change; actions "change", "update", "carry"); `can_update_action(user,
    action)` and `can_carry(user)` decide which buttons an action's page offers, and
    `action_back(action)` is the (url, words) of its back link. `papers_go_to` names who is told
    papers and minutes are ready ("the board's members"); `action_log` where actions go ("the
    board's action log"); `item_url_name` is the app's page of an item; `sent_papers` what goes out.
    `chairs(meeting)` are the people who may chair it (the app's rule; anyone with a role by
    default). `extra_steps` are the app's own confirmed steps of a meeting, in the shape of `steps()`
    (one with the name of a shared step replaces it; its last part may be a function
    `done(request, result)` that says what happened instead of a sentence); `without_steps` are
    shared steps the body does not have.

    Where an app wraps the platform's services with its own rules (MARAC returns a cancelled
    meeting's new cases to the waiting list), `app_services` is its module: a page calls the
    function of the same name there, the platform's where it has none. `carry_forward` is the
    app's carry-forward service where its name differs. `words` replaces the help on a page (keys
    of WORDS); `invite_url_name` puts a form to invite another agency on the attendance page.
    `rights` is the word each action page asks `get_action` for (an app whose fetch path says
    "complete" where the boards' says "update"); `action_template` and `action_context(request,
    action)` give an action's page the app's own look and extra context."""

    namespace: str
    name_prefix: str
    get_meeting: Callable
    papers_go_to: str
    sent_papers: str = "the agenda and papers"
    attendance_empty: str = "No agencies have been invited."
    other_business_intro: str = ""
    chairs: Callable | None = None
    extra_steps: dict = field(default_factory=dict)
    # The action pages (left out of urls() when the app has its own, as the Disruption Panel does).
    get_item: Callable | None = None
    get_action: Callable | None = None
    can_update_action: Callable | None = None
    can_carry: Callable | None = None
    action_back: Callable | None = None
    action_log: str = "the action log"
    item_url_name: str = ""
    without_steps: tuple = ()
    app_services: Any = None
    carry_forward: Callable | None = None
    words: dict = field(default_factory=dict)
    invite_url_name: str = ""
    action_noun: str = "action"
    rights: dict = field(default_factory=dict)
    action_template: str = "meetings/action.html"
    action_context: Callable | None = None

    def _service(self, name: str) -> Callable:
        return getattr(self.app_services, name, None) or getattr(services, name)

    def _words(self, page: str) -> str:
        return self.words.get(page, WORDS[page])

    def _right(self, page: str) -> str:
        return self.rights.get(page, DEFAULT_RIGHTS[page])

    def _caption(self, action) -> str:
        return f"{self.action_noun[0].upper()}{self.action_noun[1:]} for {action.agency.name}"

    # --- meetings -------------------------------------------------------------------------------

    def steps(self) -> dict:
        steps = {
            "send_papers": (
                services.meeting_send_papers,
                "Record that the papers have been sent?",
                f"Records today as the date {self.sent_papers} went out. {self.papers_go_to[0].upper()}"
                f"{self.papers_go_to[1:]} get an email saying only that papers are ready.",
                "Record papers as sent",
                "The papers have been recorded as sent.",
            ),
            "start": (
                services.meeting_start,
                "Open the meeting?",
                "Minutes and actions can be recorded once the meeting is open. Record who is present first, "
                "so the page can show whether the meeting is quorate.",
                "Open the meeting",
                "The meeting is open.",
            ),
            "conclude": (
                services.meeting_conclude,
                "Close the meeting?",
                "Every item needs its minutes, and every action reviewed at it must be completed or carried "
                "forward. After this, minutes and attendance cannot be changed.",
                "Close the meeting",
                "The meeting has closed.",
            ),
            **self.extra_steps,
        }
        return {name: step for name, step in steps.items() if name not in self.without_steps}

    def meeting_step(self, request, pk: int, step: str):
        steps = self.steps()
        if step not in steps:
            raise Http404
        meeting = self.get_meeting(request.user, pk, action="change")
        service, heading, explanation, button, done = steps[step]
        error = None
        if request.method == "POST":
            try:
                result = service(actor=request.user, meeting=meeting)
            except DomainError as exc:
                error = str(exc)
            else:
                if callable(done):
                    done(request, result)
                else:
                    messages.success(request, done)
                return redirect(meeting)
        return confirm_page(
            request,
            caption=str(meeting),
            heading=heading,
            explanation=explanation,
            button=button,
            error=error,
            cancel_url=meeting.get_absolute_url(),
        )

    def meeting_edit(self, request, pk: int):
        meeting = self.get_meeting(request.user, pk, action="change")
        initial = {name: getattr(meeting, name) for name in services.DETAIL_FIELDS}
        form = MeetingDetailsForm(
            request.POST or None,
            initial=initial,
            chairs=self.chairs(meeting) if self.chairs else None,
            record=meeting,
        )
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("meeting_update_details")(
                    actor=request.user,
                    meeting=meeting,
                    values=form.cleaned_data,
                    expected_version=form.cleaned_data["expected_version"],
                )
                messages.success(request, "The meeting details have been saved.")
                return redirect(meeting)
        return form_page(
            request,
            form=form,
            caption=str(meeting),
            heading="Change the meeting details",
            intro=self._words("meeting_edit"),
            cancel_url=meeting.get_absolute_url(),
        )

    def meeting_cancel(self, request, pk: int):
        meeting = self.get_meeting(request.user, pk, action="change")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("meeting_cancel")(
                    actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "The meeting has been cancelled.")
                return redirect(meeting)
        return form_page(
            request,
            form=form,
            caption=str(meeting),
            heading="Cancel the meeting?",
            intro=self._words("meeting_cancel"),
            cancel_url=meeting.get_absolute_url(),
            cancel_label="Keep the meeting",
        )

    def meeting_attendance(self, request, pk: int):
        meeting = self.get_meeting(request.user, pk, action="change")
        attendances = list(Attendance.objects.filter(meeting=meeting).select_related("agency"))
        form = AttendanceForm(request.POST or None, attendances=attendances)
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("meeting_record_attendance")(
                    actor=request.user, meeting=meeting, entries=form.entries()
                )
                messages.success(request, "Attendance has been saved.")
                return redirect(meeting)
        invite = None
        if self.invite_url_name:
            invite = InviteForm()
            invite.fields["agency"].queryset = invite.fields["agency"].queryset.exclude(
                pk__in=[a.agency_id for a in attendances]
            )
        return render(
            request,
            "meetings/attendance.html",
            {
                "meeting": meeting,
                "form": form,
                "empty": self.attendance_empty,
                "invite": invite,
                "invite_url": reverse(f"{self.namespace}:{self.invite_url_name}", args=[meeting.pk])
                if invite
                else "",
            },
        )

    def meeting_other_business(self, request, pk: int):
        meeting = self.get_meeting(request.user, pk, action="change")
        form = OtherBusinessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("agenda_add_other_business")(
                    actor=request.user, meeting=meeting, title=form.cleaned_data["title"]
                )
                messages.success(request, "The item has been added under any other business.")
                return redirect(meeting)
        return form_page(
            request,
            form=form,
            caption=str(meeting),
            heading="Add any other business",
            intro=self.other_business_intro,
            cancel_url=meeting.get_absolute_url(),
        )

    def meeting_approve(self, request, pk: int):
        meeting = self.get_meeting(request.user, pk, action="change")
        form = ApproveMinutesForm(request.POST or None, initial={"approved_on": local_today()})
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("meeting_approve_minutes")(
                    actor=request.user, meeting=meeting, approved_on=form.cleaned_data["approved_on"]
                )
                messages.success(request, f"The minutes have been approved. {self._told()} they are ready.")
                return redirect(meeting)
        return form_page(
            request,
            form=form,
            caption=str(meeting),
            heading="Approve the minutes",
            intro=self._words("meeting_approve"),
            cancel_url=meeting.get_absolute_url(),
        )

    def _told(self) -> str:
        return f"{self.papers_go_to[0].upper()}{self.papers_go_to[1:]} are told"

    # --- actions --------------------------------------------------------------------------------

    def action_add(self, request, pk: int):
        item = self.get_item(request.user, pk, action="change")
        form = ActionForm(request.POST or None)
        item_url = reverse(f"{self.namespace}:{self.item_url_name}", args=[item.pk])
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("action_create")(actor=request.user, item=item, **form.cleaned_data)
                messages.success(request, f"Action added for {form.cleaned_data['agency'].name}.")
                return redirect(item_url)
        return form_page(
            request,
            form=form,
            caption=f"{item.meeting}, item {selectors.item_number(item)}",
            heading="Add an action",
            intro=f"It goes on {self.action_log} and comes back at the next meeting.",
            cancel_url=item_url,
        )

    def action_detail(self, request, pk: int):
        action = self.get_action(request.user, pk)  # the fetch path audits the view (audit.reads)
        chain = selectors.carry_chain(action)
        is_open = action.status == ActionStatus.OPEN
        back_url, back_label = self.action_back(action)
        context = {
            "action": action,
            "state": selectors.state_of(action, local_today()),
            "review_meeting": selectors.review_meeting(action),
            "chain": chain,
            "updates": ActionUpdate.objects.filter(action__in=chain).select_related(
                "recorded_by", "recorded_by__agency"
            ),
            "can_update": is_open and self.can_update_action(request.user, action),
            "can_carry": is_open and self.can_carry(request.user),
            "urls": {
                name: f"{self.namespace}:{self.name_prefix}{name}"
                for name in (
                    "meeting",
                    "action",
                    "action_complete",
                    "action_progress",
                    "action_assign",
                    "action_carry",
                )
            },
            "back_url": back_url,
            "back_label": back_label,
        }
        if self.action_context:
            context |= self.action_context(request, action)
        return render(request, self.action_template, context)

    def _action_page(self, request, action, *, form, heading: str, page: str):
        return form_page(
            request,
            form=form,
            caption=self._caption(action),
            heading=heading,
            intro=self._words(page),
            inset=action.description,
            record=action,
            cancel_url=action.get_absolute_url(),
        )

    def action_complete(self, request, pk: int):
        action = self.get_action(request.user, pk, action=self._right("complete"))
        form = CompleteActionForm(request.POST or None, initial={"completed_on": local_today()})
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("action_complete")(actor=request.user, action=action, **form.cleaned_data)
                messages.success(request, self._words("completed").format(noun=self.action_noun))
                return redirect(action)
        return self._action_page(
            request, action, form=form, heading="Mark the action as complete", page="action_complete"
        )

    def action_progress(self, request, pk: int):
        action = self.get_action(request.user, pk, action=self._right("progress"))
        form = ProgressForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("action_add_update")(
                    actor=request.user, action=action, text=form.cleaned_data["text"]
                )
                messages.success(request, "The progress has been saved.")
                return redirect(action)
        return self._action_page(
            request, action, form=form, heading="Record progress", page="action_progress"
        )

    def action_assign(self, request, pk: int):
        action = self.get_action(request.user, pk, action=self._right("assign"))
        form = AssignForm(request.POST or None, agency=action.agency, initial={"owner": action.owner})
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                self._service("action_assign")(
                    actor=request.user, action=action, owner=form.cleaned_data["owner"]
                )
                messages.success(request, self._words("assigned"))
                return redirect(action)
        return self._action_page(request, action, form=form, heading="Name the owner", page="action_assign")

    def action_carry(self, request, pk: int):
        action = self.get_action(request.user, pk, action=self._right("carry"))
        targets = selectors.carry_targets(action)
        form = CarryForwardForm(request.POST or None, targets=targets)
        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                carry = self.carry_forward or self._service("action_carry_forward")
                carried = carry(actor=request.user, action=action, **form.cleaned_data)
                review = selectors.review_meeting(carried)
                where = f"the meeting of {on(review.date)}" if review else "the next meeting"
                messages.success(request, f"The action has been carried forward to {where}.")
                return redirect(carried)
        if not (targets.current or targets.later):
            form.fields["to_meeting"].help_text = self._words("carry_nowhere")
        return self._action_page(
            request, action, form=form, heading="Carry the action forward", page="action_carry"
        )

    # --- urls -----------------------------------------------------------------------------------

    def urls(self, *, meetings: str, actions: str | None = None) -> list:
        """The shared pages under `meetings` ("boards/meetings/") and `actions` ("boards/actions/";
        a new action for item 7 is `actions/new/7/`),
        named `<name_prefix>meeting_edit` and so on. The step pattern comes last: put these after the
        app's own meeting pages."""
        both = require_http_methods(["GET", "POST"])
        m, a, n = meetings, actions, self.name_prefix
        meeting_pages = [
            path(f"{m}<int:pk>/details/", both(self.meeting_edit), name=f"{n}meeting_edit"),
            path(f"{m}<int:pk>/attendance/", both(self.meeting_attendance), name=f"{n}meeting_attendance"),
            path(f"{m}<int:pk>/cancel/", both(self.meeting_cancel), name=f"{n}meeting_cancel"),
            path(f"{m}<int:pk>/approve-minutes/", both(self.meeting_approve), name=f"{n}meeting_approve"),
            path(
                f"{m}<int:pk>/other-business/",
                both(self.meeting_other_business),
                name=f"{n}meeting_other_business",
            ),
            path(f"{m}<int:pk>/<slug:step>/", both(self.meeting_step), name=f"{n}meeting_step"),
        ]
        if a is None:
            return meeting_pages
        return [
            path(f"{a}<int:pk>/", require_http_methods(["GET"])(self.action_detail), name=f"{n}action"),
            path(f"{a}new/<int:pk>/", both(self.action_add), name=f"{n}action_add"),
            *meeting_pages,
            path(f"{a}<int:pk>/complete/", both(self.action_complete), name=f"{n}action_complete"),
            path(f"{a}<int:pk>/progress/", both(self.action_progress), name=f"{n}action_progress"),
            path(f"{a}<int:pk>/owner/", both(self.action_assign), name=f"{n}action_assign"),
            path(f"{a}<int:pk>/carry-forward/", both(self.action_carry), name=f"{n}action_carry"),
        ]
