"""Fetch with authorisation, validate, call one service, redirect."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.reads import record_view
from somerset_safety.audit.services import audit_list, audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.exports import MARKING, csv_response
from somerset_safety.core.forms import errors_on
from somerset_safety.core.pagination import paginate
from somerset_safety.core.uploads import private_file_response
from somerset_safety.deadlines.selectors import deadline_of, deadlines_of
from somerset_safety.deadlines.state import clock_state
from somerset_safety.pdf.render import PdfRenderError, render_pdf

from . import forms as f
from . import permissions as perms
from . import selectors, services
from .deadlines import KIND_ACTION, KIND_AGENCY_REPORT, KIND_ONLINE, default_report_due, online_until
from .filters import RegisterFilter, TrackerFilter
from .models import (
    Action,
    Decision,
    Notification,
    PanelMember,
    Pause,
    Recommendation,
    Stage,
)
from .states import ACTION_MOVES, OFFICER_ACTION_MOVES, REVIEW_MOVES, closed_refusal


def display_name() -> str:
    """Domestic Homicide Reviews become Domestic Abuse Related Death Reviews when the Victims and
    Prisoners Act 2024 s19 comes into force: the name is a setting."""
    return getattr(settings, "DHR_DISPLAY_NAME", "Domestic Homicide Reviews")


def _form_page(
    request, form, *, notification=None, title: str, intro: str = "", cancel=None, multipart=False, extra=None
):
    context = {
        "form": form,
        "notification": notification,
        "title": title,
        "intro": intro,
        "cancel_url": cancel
        or (notification.get_absolute_url() if notification else reverse("reviews:tracker")),
        "multipart": multipart,
        **(extra or {}),
    }
    return render(request, "reviews/form.html", context)


def _review_or_404(notification: Notification):
    review = getattr(notification, "review", None)
    if review is None:
        raise Http404
    return review


# --- Tracker and review page ------------------------------------------------------------------


def _tracker_filter(request, today):
    """The tracker's rows for this viewer and these filters: the page and its exports alike."""
    visible = selectors.tracker_queryset(perms.notifications_visible_to(request.user), today).order_by(
        "-number"
    )
    return TrackerFilter(request.GET, queryset=visible)


def tracker(request):
    perms.require_any_role(request.user, perms.TRACKER_ROLES)
    today = local_today()
    tracker_filter = _tracker_filter(request, today)
    page = paginate(request, tracker_filter.qs)
    rows = selectors.tracker_rows(page, today)
    audit_list(actor=request.user, model=Notification, ids=[row.notification.pk for row in rows])
    return render(
        request,
        "reviews/tracker.html",
        {
            "filter": tracker_filter,
            "page": page,
            "rows": rows,
            "show_pseudonym": perms.sees_pseudonyms_in_lists(request.user),
            # Partnership leads read the tracker but may not open a review: no links that refuse.
            "can_open": perms.sees_pseudonyms_in_lists(request.user),
            "can_create": perms.is_officer(request.user),
            "display_name": display_name(),
            "today": today,
        },
    )


def _tracker_export(request):
    perms.require_any_role(request.user, perms.TRACKER_ROLES)
    today = local_today()
    rows = selectors.tracker_rows(_tracker_filter(request, today).qs, today)
    header, cells = selectors.tracker_export_table(
        rows, show_pseudonym=perms.sees_pseudonyms_in_lists(request.user)
    )
    detail = {
        "ids": [str(row.notification.pk) for row in rows],
        "filters": {k: v for k, v in request.GET.items() if k != "page"},
        "pseudonyms": "pseudonym" in [h.lower() for h in header],
    }
    return today, header, cells, detail


def tracker_csv(request):
    """The tracker as CSV: the viewer's rows and columns, neutralised, logged as a disclosure."""
    _today, header, cells, detail = _tracker_export(request)
    return csv_response(
        actor=request.user,
        filename="dhr-tracker.csv",
        header=header,
        rows=cells,
        object_type=Notification._meta.label_lower,
        detail=detail,
    )


def tracker_pdf(request):
    """The tracker as an A4 PDF with the same rows and columns, logged as a disclosure."""
    today, header, cells, detail = _tracker_export(request)
    html = render_to_string(
        "reviews/pdf/tracker.html",
        {
            "header": header,
            "cells": cells,
            "today": today,
            "display_name": display_name(),
            "marking": MARKING,
        },
    )
    try:
        body = render_pdf(html)
    except PdfRenderError as exc:
        messages.error(request, f"The tracker PDF could not be made. {exc}")
        return redirect(reverse("reviews:tracker") + "?" + request.GET.urlencode())
    filename = f"{MARKING}-dhr-tracker-{today:%Y%m%d}.pdf"
    audit_record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        object_type=Notification._meta.label_lower,
        detail={"format": "pdf", "rows": len(cells), "file": filename, **detail},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Protective-Marking"] = MARKING
    return response


def detail(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="view")
    user = request.user
    today = local_today()
    full = perms.sees_full_record(user, notification)
    review = getattr(notification, "review", None)
    deadlines = deadlines_of(Notification, [notification.pk]).get(notification.pk, [])
    request_clocks = {d.key: clock_state(d, today) for d in deadlines if d.kind == KIND_AGENCY_REPORT}
    online = next((d for d in deadlines if d.kind == KIND_ONLINE), None)
    requests = list(
        perms.requests_visible_to(user, notification).select_related("agency").prefetch_related("chases")
    )
    context = {
        "notification": notification,
        "review": review,
        "full": full,
        "victim_name": perms.victim_name_for(user, notification),
        "sees_real_name": perms.sees_real_name(user, notification),
        "can_manage": perms.is_officer(user),
        "can_contribute": perms.is_officer(user) or perms.is_review_team(user, notification),
        "clocks": selectors.notification_clocks(deadlines, today) if full else [],
        "request_rows": [(r, request_clocks.get(str(r.pk))) for r in requests],
        "documents": perms.documents_visible_to(user, notification).select_related("meeting", "uploaded_by"),
        "show_viewers": user.has_role(Role.OFFICER, Role.AUDITOR),
        "display_name": display_name(),
        "today": today,
    }
    if review is not None and full:
        context.update(
            {
                "stage": selectors.review_stage_options(review),
                "pauses": list(review.pauses.all()),
                "panel": review.panel_members.select_related("agency"),
                "family": review.family_contacts.all(),
                "meetings": review.meetings.prefetch_related("agencies_attending", "papers"),
                "recommendations": review.recommendations.select_related("owning_agency").prefetch_related(
                    Prefetch("actions", queryset=selectors.with_action_clock(Action.objects.all(), today))
                ),
                "timeline": selectors.timeline_of(notification),
                "qa_submissions": list(review.qa_submissions.all()),
                "online_clock": clock_state(online, today) if online else None,
            }
        )
    return render(request, "reviews/detail.html", context)


def _show_possible_duplicates(user, form, *, exclude_pk: int | None = None) -> None:
    """After a save refused as a possible duplicate (or any refused save the officer had already
    confirmed as a different death): the notifications of the same date of death and victim,
    each linked where the officer may open it, so the form shows them and asks again."""
    data = getattr(form, "cleaned_data", None) or {}
    if not (form.has_error("different_death_confirmed") or data.get("different_death_confirmed")):
        return
    found = selectors.possible_duplicates(
        date_of_death=data.get("date_of_death"),
        victim_name=data.get("victim_name", ""),
        exclude_pk=exclude_pk,
    )
    openable = perms.openable_notification_ids(user, [n.pk for n in found])
    form.duplicates = [
        {
            "reference": n.reference,
            "url": n.get_absolute_url() if n.pk in openable else "",
            "notified_on": n.notified_on,
            "agency": n.notifying_agency.name,
            "status": n.get_status_display(),
        }
        for n in found
    ]


@require_http_methods(["GET", "POST"])
def notification_create(request):
    perms.require_any_role(request.user, {Role.OFFICER})
    form = f.NotificationForm(request.POST or None, initial={"case_officer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            notification = services.notification_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Notification {notification.reference} recorded.")
            return redirect(notification)
    if request.method == "POST":
        _show_possible_duplicates(request.user, form)
    return _form_page(
        request,
        form,
        title="Record a notification",
        intro="Every notification gets the next reference, whether or not a review follows.",
    )


@require_http_methods(["GET", "POST"])
def notification_edit(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    form = f.NotificationForm(request.POST or None, instance=notification)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.notification_update(
                actor=request.user, notification=notification, **form.cleaned_data
            )
            messages.success(request, "Notification updated." if changed else "Nothing was changed.")
            return redirect(notification)
    if request.method == "POST":
        _show_possible_duplicates(request.user, form, exclude_pk=notification.pk)
    return _form_page(request, form, notification=notification, title="Change the notification")


@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    if notification.decision != Decision.PENDING:
        messages.error(request, "A decision has already been recorded for this notification.")
        return redirect(notification)
    form = f.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.notification_decide(
                actor=request.user,
                notification=notification,
                **form.cleaned_data,
            )
            messages.success(request, "Decision recorded.")
            return redirect(notification)
    return _form_page(
        request,
        form,
        notification=notification,
        title="Record the decision",
        intro="A decision not to hold a review closes the notification; its reasons are kept. "
        "This cannot be undone.",
    )


@require_http_methods(["GET", "POST"])
def home_office_told(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    form = f.HomeOfficeToldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.notification_home_office_told(
                actor=request.user, notification=notification, **form.cleaned_data
            )
            messages.success(request, "Date the Home Office was told recorded.")
            return redirect(notification)
    return _form_page(request, form, notification=notification, title="Record when the Home Office was told")


@require_http_methods(["GET", "POST"])
def family_told(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    if notification.decision == Decision.PENDING:
        messages.error(request, "Record the decision before recording that the family was told of it.")
        return redirect(notification)
    form = f.FamilyToldForm(
        request.POST or None,
        record=notification,
        initial={
            "told_on": notification.family_told_on,
            "told_by": notification.family_told_by,
            "method": notification.family_told_how,
        },
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.notification_family_told(
                actor=request.user, notification=notification, **form.cleaned_data
            )
            messages.success(
                request, "Family being told of the decision recorded." if changed else "Nothing was changed."
            )
            return redirect(notification.get_absolute_url() + "#decision")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Record the family being told of the decision",
        intro=f"The decision: {notification.get_decision_display().lower()}, "
        f"{notification.decision_date:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
def qa_record(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    form = f.QaRecordForm(
        request.POST or None,
        record=review,
        initial={"qa_reference": review.qa_reference, "changes_after_qa": review.changes_after_qa},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.review_qa_record(actor=request.user, review=review, **form.cleaned_data)
            messages.success(
                request, "Quality assurance record saved." if changed else "Nothing was changed."
            )
            return redirect(notification.get_absolute_url() + "#quality-assurance")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Quality assurance reference and changes",
        intro="The panel's reference once the review is submitted; the changes made after its letter "
        "before publication.",
    )


@require_http_methods(["GET", "POST"])
def report_taken_down(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    if review.published_on is None:
        messages.error(request, "Record publication before the date the published report came down.")
        return redirect(notification)
    form = f.TakenDownForm(
        request.POST or None,
        record=review,
        online_until=online_until(review.published_on),
        initial={"taken_down_on": review.report_taken_down_on},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.review_report_taken_down(
                actor=request.user, review=review, **form.cleaned_data
            )
            messages.success(
                request, "Date the published report came down saved." if changed else "Nothing was changed."
            )
            return redirect(notification.get_absolute_url() + "#quality-assurance")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Record the date the published report came down",
        intro=f"Published {review.published_on:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
def team(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    form = f.TeamForm(
        request.POST or None,
        initial={
            "chair": review.chair_id,
            "author": review.author_id,
            "appointed_on": review.chair_appointed_on or local_today(),
        },
        record=review,
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.review_set_team(
                actor=request.user,
                review=review,
                **form.cleaned_data,
            )
            messages.success(request, "Chair and author saved.")
            return redirect(notification)
    return _form_page(
        request,
        form,
        notification=notification,
        title="Independent chair and author",
        intro="The chair and author see this review only. The chair sees the victim's real name; the author sees the pseudonym.",
    )


@require_http_methods(["GET", "POST"])
def panel_add(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    form = f.PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.panel_member_add(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, "Panel member added.")
            return redirect(notification.get_absolute_url() + "#panel")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Add a panel member",
        intro="The representatives of an agency on the panel can read the panel papers and drafts.",
    )


@require_http_methods(["GET", "POST"])
def panel_remove(request, pk: int, member_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    member = get_object_or_404(PanelMember.objects.select_related("agency"), pk=member_pk, review=review)
    if request.method == "POST":
        services.panel_member_remove(actor=request.user, member=member)
        messages.success(request, "Panel member removed.")
        return redirect(notification.get_absolute_url() + "#panel")
    return render(
        request,
        "reviews/confirm.html",
        {
            "notification": notification,
            "title": f"Remove {member.name} from the panel?",
            "body": f"{member.agency.name} will no longer see the panel papers unless another of its people sits on the panel.",
            "button": "Remove panel member",
            "warning": True,
        },
    )


# --- Stage moves ------------------------------------------------------------------------------

MOVE_FORMS = {"agree_tor": f.AgreeTorForm, "qa_outcome": f.QaOutcomeForm}


@require_http_methods(["GET", "POST"])
def move(request, pk: int, name: str):
    """The confirmation page (GET) and action (POST) of one stage move."""
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    if name not in REVIEW_MOVES:
        raise Http404
    move = REVIEW_MOVES[name]
    form = MOVE_FORMS.get(name, f.TransitionForm)(request.POST or None, move=move)
    if request.method == "POST" and form.is_valid():
        service = services.MOVE_SERVICES[name]
        with errors_on(form):
            service(actor=request.user, review=review, **form.cleaned_data)
            messages.success(
                request, f"Stage moved to: {review.__class__.objects.get(pk=review.pk).get_stage_display()}."
            )
            return redirect(notification)
    return _form_page(
        request,
        form,
        notification=notification,
        title=move.label,
        intro=move.hint,
        extra={
            "current_stage": review.get_stage_display(),
            "is_move": True,
            "refusal": services.move_refusal(review, name) if request.method == "GET" else None,
        },
    )


@require_http_methods(["GET", "POST"])
def pause_start(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    form = f.PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.pause_start(actor=request.user, review=review, **form.cleaned_data)
            messages.success(
                request, "The review is paused. Its completion date moves on each day of the pause."
            )
            return redirect(notification)
    return _form_page(
        request,
        form,
        notification=notification,
        title="Pause the review",
        intro="While paused, the review cannot move stage and every day of the pause extends its completion date.",
    )


@require_http_methods(["GET", "POST"])
def pause_end(request, pk: int, pause_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    pause = get_object_or_404(Pause, pk=pause_pk, review=review)
    form = f.PauseEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.pause_end(actor=request.user, pause=pause, **form.cleaned_data)
            messages.success(request, "The pause has ended.")
            return redirect(notification)
    return _form_page(
        request,
        form,
        notification=notification,
        title="End the pause",
        intro=f"{pause.get_reason_display()} pause since {pause.started_on:%-d %B %Y}.",
    )


# --- Agency reports ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_add(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    review = _review_or_404(notification)
    today = local_today()
    form = f.ReportRequestForm(
        request.POST or None, initial={"requested_on": today, "due_on": default_report_due(today)}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_create(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, "Request added. The agency's representatives can now see it.")
            return redirect(notification.get_absolute_url() + "#requests")
    return _form_page(request, form, notification=notification, title="Request a report from an agency")


def request_detail(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="view")
    report_request = perms.get_request_for_user_or_404(request.user, notification, request_pk, action="view")
    user = request.user
    return render(
        request,
        "reviews/request_detail.html",
        {
            "notification": notification,
            "report_request": report_request,
            "chases": report_request.chases.select_related("actor"),
            "reinstatements": report_request.reinstatements.select_related("ended_by", "actor"),
            "deadline": deadline_of(notification, KIND_AGENCY_REPORT, str(report_request.pk)),
            "can_manage": perms.is_officer(user),
            "can_upload": perms.is_officer(user)
            or perms.is_review_team(user, notification)
            or (user.has_role(Role.AGENCY_REP) and user.agency_id == report_request.agency_id),
            "today": local_today(),
        },
    )


@require_http_methods(["GET", "POST"])
def request_chase(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    report_request = perms.get_request_for_user_or_404(
        request.user, notification, request_pk, action="manage"
    )
    form = f.ChaseForm(request.POST or None, initial={"chased_on": local_today()})
    back = reverse("reviews:request", args=[pk, request_pk])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_chase(actor=request.user, request=report_request, **form.cleaned_data)
            messages.success(request, "Chase recorded.")
            return redirect(back)
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Record a chase to {report_request.agency.name}",
        cancel=back,
    )


@require_http_methods(["GET", "POST"])
def request_change_due(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    report_request = perms.get_request_for_user_or_404(
        request.user, notification, request_pk, action="manage"
    )
    form = f.DueDateForm(
        request.POST or None, initial={"due_on": report_request.due_on}, record=report_request
    )
    back = reverse("reviews:request", args=[pk, request_pk])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_change_due(
                actor=request.user, request=report_request, **form.cleaned_data
            )
            messages.success(request, "Due date changed. The agency's deadline has moved.")
            return redirect(back)
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Change when the {report_request.get_report_type_display().lower()} is due",
        intro=f"Requested from {report_request.agency.name} on {report_request.requested_on:%-d %B %Y}.",
        cancel=back,
    )


@require_http_methods(["GET", "POST"])
def request_end(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    report_request = perms.get_request_for_user_or_404(
        request.user, notification, request_pk, action="manage"
    )
    form = f.RequestEndForm(request.POST or None)
    back = reverse("reviews:request", args=[pk, request_pk])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_end(actor=request.user, request=report_request, **form.cleaned_data)
            messages.success(request, "Request closed. Its deadline is closed and no more reminders go.")
            return redirect(back)
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Close the request for the {report_request.get_report_type_display().lower()}",
        intro=(
            f"Requested from {report_request.agency.name} on {report_request.requested_on:%-d %B %Y}. "
            "Closing the request closes its deadline. If the report is wanted after all, the "
            "request can be reinstated."
        ),
        cancel=back,
    )


@require_http_methods(["GET", "POST"])
def request_reinstate(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="manage")
    report_request = perms.get_request_for_user_or_404(
        request.user, notification, request_pk, action="manage"
    )
    form = f.RequestReinstateForm(request.POST or None)
    back = reverse("reviews:request", args=[pk, request_pk])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_reinstate(actor=request.user, request=report_request, **form.cleaned_data)
            messages.success(request, "Request reinstated. Its deadline is open again.")
            return redirect(back)
    ended = report_request.get_ended_display().lower() if report_request.ended else "open"
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Reinstate the request for the {report_request.get_report_type_display().lower()}",
        intro=(
            f"Requested from {report_request.agency.name} on {report_request.requested_on:%-d %B %Y}, "
            f"due {report_request.due_on:%-d %B %Y}; now {ended}. Reinstating it opens its deadline "
            "again with that due date: change the due date afterwards if the agency needs longer."
        ),
        cancel=back,
    )


@require_http_methods(["GET", "POST"])
def request_receive(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="view")
    report_request = perms.get_request_for_user_or_404(
        request.user, notification, request_pk, action="upload"
    )
    form = f.ReceiveForm(request.POST or None, request.FILES or None, initial={"received_on": local_today()})
    back = reverse("reviews:request", args=[pk, request_pk])
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.report_request_receive(
                actor=request.user,
                request=report_request,
                received_on=form.cleaned_data["received_on"],
                uploaded_file=form.cleaned_data["document"],
            )
            messages.success(request, "Report uploaded and marked as received.")
            return redirect(back)
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Upload the {report_request.get_report_type_display().lower()}",
        intro="Use the agreed pseudonym in the report. The file is stored privately; every download is recorded.",
        cancel=back,
        multipart=True,
    )


def request_download(request, pk: int, request_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="view")
    report_request = perms.get_request_for_user_or_404(request.user, notification, request_pk, action="view")
    if not report_request.document:
        raise Http404
    services.record_download(actor=request.user, obj=report_request, filename=report_request.document_name)
    return private_file_response(report_request.document, report_request.document_name)


# --- Family, meetings, documents --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def family_add(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="contribute")
    review = _review_or_404(notification)
    form = f.FamilyContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.family_contact_add(actor=request.user, review=review, data=form.cleaned_data)
            messages.success(request, "Contact with the family recorded.")
            return redirect(notification.get_absolute_url() + "#family")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Record contact with the family",
        intro="Offer the Home Office leaflet and a specialist advocate, such as AAFDA.",
    )


@require_http_methods(["GET", "POST"])
def meeting_add(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="contribute")
    review = _review_or_404(notification)
    form = f.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.meeting_add(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, "Panel meeting recorded.")
            return redirect(notification.get_absolute_url() + "#meetings")
    return _form_page(request, form, notification=notification, title="Record a panel meeting")


@require_http_methods(["GET", "POST"])
def document_upload(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="contribute")
    review = _review_or_404(notification)
    form = f.DocumentForm(
        request.POST or None,
        request.FILES or None,
        review=review,
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            services.document_upload(
                actor=request.user,
                review=review,
                kind=data["kind"],
                uploaded_file=data["document"],
                meeting=data["meeting"],
                note=data["note"],
            )
            messages.success(request, "Document uploaded.")
            return redirect(notification.get_absolute_url() + "#documents")
    return _form_page(
        request,
        form,
        notification=notification,
        title="Upload a document",
        intro="Each upload of a kind becomes its next version; earlier versions are kept. "
        "Drafts and published versions must use the agreed pseudonym.",
        multipart=True,
    )


def document_download(request, pk: int, document_pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="view")
    document = perms.get_document_for_user_or_404(request.user, notification, document_pk)
    services.record_download(actor=request.user, obj=document, filename=document.original_name)
    return private_file_response(document.file, document.original_name)


# --- Recommendations --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def recommendation_add(request, pk: int):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action="contribute")
    review = _review_or_404(notification)
    form = f.RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.recommendation_add(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, "Recommendation added. Now add its actions.")
            return redirect(notification.get_absolute_url() + "#recommendations")
    return _form_page(request, form, notification=notification, title="Add a recommendation")


def _recommendation_for(request, pk: int, rec_pk: int, action="contribute"):
    notification = perms.get_notification_for_user_or_404(request.user, pk, action=action)
    review = _review_or_404(notification)
    return notification, get_object_or_404(Recommendation, pk=rec_pk, review=review)


@require_http_methods(["GET", "POST"])
def action_add(request, pk: int, rec_pk: int):
    notification, recommendation = _recommendation_for(request, pk, rec_pk)
    form = f.ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_add(actor=request.user, recommendation=recommendation, **form.cleaned_data)
            messages.success(request, "Action added.")
            return redirect(notification.get_absolute_url() + "#recommendations")
    return _form_page(
        request,
        form,
        notification=notification,
        title=f"Add an action to recommendation {recommendation.number}",
        intro=recommendation.text,
    )


def _action_for(request, rec_pk: int, action_pk: int, action: str = "view"):
    recommendation = perms.get_recommendation_for_user_or_404(request.user, rec_pk)
    found = perms.get_action_for_user_or_404(request.user, recommendation, action_pk, action=action)
    return recommendation, found


def _action_form_page(request, form, action, *, title: str, intro: str = "", multipart=False, extra=None):
    rec = action.recommendation
    return _form_page(
        request,
        form,
        title=title,
        intro=intro,
        cancel=action_url(action),
        multipart=multipart,
        extra={
            "caption": f"{rec.review.notification.reference} recommendation {rec.number}",
            **(extra or {}),
        },
    )


def action_url(action) -> str:
    return action.get_absolute_url()


def recommendation_detail(request, rec_pk: int):
    user = request.user
    perms.require_any_role(user, perms.REGISTER_ROLES)
    recommendation = perms.get_recommendation_for_user_or_404(user, rec_pk)
    notification = recommendation.review.notification
    today = local_today()
    counted = selectors.with_action_counts(Recommendation.objects.filter(pk=recommendation.pk), today).get()
    return render(
        request,
        "reviews/recommendation.html",
        {
            "rec": recommendation,
            "status": selectors.recommendation_status(counted),
            "actions": selectors.with_action_clock(recommendation.actions.all(), today),
            "review_link": notification.pk in perms.openable_notification_ids(user, [notification.pk]),
            "can_add_action": (perms.is_officer(user) or perms.is_review_team(user, notification))
            and closed_refusal(recommendation.review) is None,
            "today": today,
        },
    )


def action_detail(request, rec_pk: int, action_pk: int):
    user = request.user
    perms.require_any_role(user, perms.REGISTER_ROLES)
    recommendation, action = _action_for(request, rec_pk, action_pk)
    record_view(user, action)
    sees_work = perms.sees_action_work(user, recommendation)
    today = local_today()
    deadline = deadline_of(action, KIND_ACTION)
    return render(
        request,
        "reviews/action.html",
        {
            "clock": clock_state(deadline, today) if deadline else None,
            "rec": recommendation,
            "action": action,
            "page": selectors.action_page(
                action,
                may_work=perms.may_work_on_action(user, recommendation),
                may_judge=perms.is_officer(user),
            ),
            "sees_work": sees_work,
            "history": selectors.action_history(action) if sees_work else [],
            "evidence_files": action.evidence_files.select_related("uploaded_by") if sees_work else [],
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def action_change(request, rec_pk: int, action_pk: int):
    _recommendation, action = _action_for(request, rec_pk, action_pk, action="judge")
    form = f.ActionChangeForm(
        request.POST or None,
        initial={
            "description": action.description,
            "lead_officer": action.lead_officer,
            "target_date": action.target_date,
        },
        record=action,
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            changed = services.action_change(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, "Action changed." if changed else "Nothing was changed.")
            return redirect(action_url(action))
    return _action_form_page(request, form, action, title="Change the action")


@require_http_methods(["GET", "POST"])
def action_progress(request, rec_pk: int, action_pk: int):
    _recommendation, action = _action_for(request, rec_pk, action_pk, action="work")
    form = f.ActionProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_progress_add(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, "Progress update posted.")
            return redirect(action_url(action))
    return _action_form_page(request, form, action, title="Post a progress update", intro=action.description)


@require_http_methods(["GET", "POST"])
def action_evidence(request, rec_pk: int, action_pk: int):
    _recommendation, action = _action_for(request, rec_pk, action_pk, action="work")
    form = f.ActionEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_evidence_add(
                actor=request.user,
                action=action,
                uploaded_file=form.cleaned_data["document"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, "Evidence uploaded.")
            return redirect(action_url(action))
    return _action_form_page(
        request,
        form,
        action,
        title="Upload evidence of outcome",
        intro="The file is stored privately; every download is recorded. Do not include the victim's name.",
        multipart=True,
    )


def action_evidence_download(request, rec_pk: int, action_pk: int, evidence_pk: int):
    _recommendation, action = _action_for(request, rec_pk, action_pk)
    evidence = perms.get_evidence_for_user_or_404(request.user, action, evidence_pk)
    services.record_download(actor=request.user, obj=evidence, filename=evidence.original_name)
    return private_file_response(evidence.file, evidence.original_name)


@require_http_methods(["GET", "POST"])
def action_move(request, rec_pk: int, action_pk: int, name: str):
    """The confirmation page (GET) and action (POST) of one move of an action's status."""
    if name not in f.ACTION_MOVE_FORMS:
        raise Http404
    level = "judge" if name in OFFICER_ACTION_MOVES else "work"
    _recommendation, action = _action_for(request, rec_pk, action_pk, action=level)
    move = ACTION_MOVES[name]
    form_class = f.ACTION_MOVE_FORMS[name]
    initial = {"evidence_of_outcome": action.evidence_of_outcome} if name == "submit" else {}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if name == "submit":
            data["uploaded_file"] = data.pop("document")
        with errors_on(form):
            services.ACTION_MOVE_SERVICES[name](actor=request.user, action=action, **data)
            action.refresh_from_db()
            messages.success(request, f"The action is now: {action.get_status_display().lower()}.")
            return redirect(action_url(action))
    return _action_form_page(
        request,
        form,
        action,
        title=move.label,
        intro=" ".join(filter(None, [action.description, move.hint])),
        multipart=name == "submit",
        extra={"refusal": ACTION_MOVES.refusal(action, name)},
    )


def register(request):
    perms.require_any_role(request.user, perms.REGISTER_ROLES)
    today = local_today()
    base = selectors.register_base(perms.recommendations_visible_to(request.user), today)
    register_filter = RegisterFilter(request.GET, queryset=base)
    filtered = register_filter.qs
    rate_all = selectors.implementation_rate(base)
    rate_filtered = selectors.implementation_rate(filtered)
    ordered = selectors.with_action_counts(filtered, today).order_by(
        *{
            "agency": ("owning_agency__name", "review__notification__number", "number"),
            "scope": ("scope", "-review__notification__number", "number"),
        }.get(request.GET.get("sort"), ("-review__notification__number", "number"))
    )
    page = paginate(request, ordered)
    rows = [(rec, selectors.recommendation_status(rec)) for rec in page]
    audit_list(actor=request.user, model=Recommendation, ids=[rec.pk for rec, _ in rows])
    openable = perms.openable_notification_ids(request.user, {rec.review.notification_id for rec, _ in rows})
    return render(
        request,
        "reviews/register.html",
        {
            "filter": register_filter,
            "page": page,
            "rows": rows,
            "rate_all": rate_all,
            "rate_filtered": rate_filtered,
            "sort": request.GET.get("sort", ""),
            "sort_query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in ("sort", "page")),
            "stage_closed": Stage.CLOSED,
            "openable": openable,
            "agency_only": request.user.has_role(Role.AGENCY_REP)
            and not request.user.has_role(*(perms.REGISTER_ROLES - {Role.AGENCY_REP})),
        },
    )
