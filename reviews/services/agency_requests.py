"""Agency reports: requests, chases, due dates and the documents received."""

from datetime import date

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import ReviewError
from ..models import (
    AgencyReportRequest,
    ChaseEntry,
    RequestEnd,
    RequestReinstatement,
    Review,
)
from ._common import _lock_review, _not_future, _refuse_if_closed, _timeline


@transaction.atomic
def report_request_create(
    *,
    actor,
    review: Review,
    agency,
    report_type: str,
    requested_on: date,
    due_on: date,
    contact_name="",
    notes="",
) -> AgencyReportRequest:
    """Ask an agency for a report. Its due date becomes a deadline for that agency."""
    review = _lock_review(review)
    _refuse_if_closed(review)
    if due_on < requested_on:
        raise ReviewError("The due date must be on or after the date requested.")
    if review.report_requests.filter(agency=agency, report_type=report_type, ended="").exists():
        raise ReviewError(f"{agency.name} has already been asked for this type of report.")
    request = AgencyReportRequest.objects.create(
        review=review,
        agency=agency,
        report_type=report_type,
        requested_on=requested_on,
        due_on=due_on,
        contact_name=contact_name,
        notes=notes,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        changed_fields=["agency", "report_type", "requested_on", "due_on", "contact_name", "notes"],
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=requested_on,
        summary=f"{request.get_report_type_display()} requested from {agency.name}",
    )
    deadlines_sync(subject=review.notification)
    return request


@transaction.atomic
def report_request_change_due(
    *, actor, request: AgencyReportRequest, due_on: date, expected_version: str = ""
) -> AgencyReportRequest:
    """Move when an agency's report is due; its deadline follows. Raises ReviewError for a request
    that has ended or a date before it was made, StaleEdit if someone changed the request after
    `expected_version` (the form's)."""
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification")
        .get(pk=request.pk)
    )
    _refuse_if_ended(request)
    if due_on < request.requested_on:
        raise ReviewError("The due date must be on or after the date requested.")
    if save_changes(request, {"due_on": due_on}, actor, expected_version=expected_version):
        deadlines_sync(subject=request.review.notification)
    return request


@transaction.atomic
def report_request_chase(
    *, actor, request: AgencyReportRequest, chased_on: date, method: str, note=""
) -> ChaseEntry:
    """Log a chase. Raises ReviewError if the report is already in."""
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification")
        .get(pk=request.pk)
    )
    if request.received_on:
        raise ReviewError("This report has been received; there is nothing to chase.")
    _refuse_if_ended(request)
    _not_future(chased_on, "The date chased", field="chased_on")
    entry = ChaseEntry.objects.create(
        request=request, chased_on=chased_on, method=method, note=note, actor=actor
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=entry, changed_fields=["chased_on", "method", "note"]
    )
    _timeline(
        request.review.notification,
        actor=actor,
        occurred_on=chased_on,
        summary=f"{request.agency.name} chased for its {request.get_report_type_display().lower()}",
    )
    return entry


@transaction.atomic
def report_request_receive(
    *, actor, request: AgencyReportRequest, received_on: date, uploaded_file
) -> AgencyReportRequest:
    """Store the returned document (already checked by validate_upload) and mark the request
    received, which meets its deadline. A later upload replaces the file but keeps the date."""
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification", "agency")
        .get(pk=request.pk)
    )
    _refuse_if_ended(request)
    _not_future(received_on, "The date received", field="received_on")
    if received_on < request.requested_on:
        raise ReviewError("The date received cannot be before the date requested.")
    first = request.received_on is None
    request.document.save(uploaded_file.name, uploaded_file, save=False)
    request.document_name = uploaded_file.name[:200]
    request.uploaded_by = actor
    if first:
        request.received_on = received_on
    request.save(update_fields=["document", "document_name", "uploaded_by", "received_on"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=request,
        changed_fields=["document", "received_on"] if first else ["document"],
    )
    _timeline(
        request.review.notification,
        actor=actor,
        occurred_on=request.received_on,
        summary=f"{request.get_report_type_display()} received from {request.agency.name}",
    )
    deadlines_sync(subject=request.review.notification)
    return request


def _refuse_if_ended(request: AgencyReportRequest) -> None:
    if request.ended:
        raise ReviewError(
            f"This request was {request.get_ended_display().lower()} on {request.ended_on:%-d %B %Y}; "
            "reinstate it if the report is wanted after all."
        )


@transaction.atomic
def report_request_end(
    *, actor, request: AgencyReportRequest, ended: str, reason: str
) -> AgencyReportRequest:
    """Withdraw a request still outstanding, or mark it not needed, with the reason: its
    deadline is closed (no more reminders, never overdue). Audited and on the timeline.

    Raises ReviewError if the report has been received, the request is already closed, the
    outcome is not one of RequestEnd or the reason is empty.
    """
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification", "agency")
        .get(pk=request.pk)
    )
    if request.received_on:
        raise ReviewError("This report has been received, so the request cannot be withdrawn.")
    _refuse_if_ended(request)
    if ended not in RequestEnd.values:
        raise ReviewError("Select whether the request is withdrawn or the report is not needed.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Enter the reason the report is no longer wanted.")
    request.ended, request.ended_on, request.ended_reason, request.ended_by = (
        ended,
        local_today(),
        reason,
        actor,
    )
    request.save(update_fields=["ended", "ended_on", "ended_reason", "ended_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=request,
        changed_fields=["ended", "ended_on", "ended_reason"],
    )
    what = request.get_report_type_display()
    summary = (
        f"{what} request to {request.agency.name} withdrawn"
        if ended == RequestEnd.WITHDRAWN
        else f"{what} from {request.agency.name} marked not needed"
    )
    _timeline(request.review.notification, actor=actor, occurred_on=request.ended_on, summary=summary)
    deadlines_sync(subject=request.review.notification)
    return request


@transaction.atomic
def report_request_reinstate(*, actor, request: AgencyReportRequest, reason: str) -> AgencyReportRequest:
    """Undo a withdrawal or "not needed", with the reason the report is wanted after all: the
    request is outstanding again with its due date, and its deadline opens again (overdue at
    once if that date has passed: change the due date next). The closing it undid is kept with
    the reinstatement (`RequestReinstatement`); audited and on the timeline.

    Raises ReviewError if the request is not closed, the review is closed, the agency has been
    asked for this report again since, or the reason is empty.
    """
    # The review first, as a new request locks it: one live request per agency and type.
    review = _lock_review(request.review)
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification", "agency")
        .get(pk=request.pk)
    )
    if not request.ended:
        raise ReviewError("This request has not been withdrawn or marked not needed.")
    _refuse_if_closed(review)
    again = review.report_requests.filter(agency=request.agency, report_type=request.report_type, ended="")
    if again.exclude(pk=request.pk).exists():
        raise ReviewError(
            f"{request.agency.name} has been asked for this report again since, so this request "
            "cannot be reinstated. Use the newer request."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Enter the reason the report is wanted after all.")
    today = local_today()
    undone = request.get_ended_display().lower()
    RequestReinstatement.objects.create(
        request=request,
        ended=request.ended,
        ended_on=request.ended_on,
        ended_reason=request.ended_reason,
        ended_by=request.ended_by,
        reinstated_on=today,
        reason=reason,
        actor=actor,
    )
    request.ended, request.ended_on, request.ended_reason, request.ended_by = "", None, "", None
    request.save(update_fields=["ended", "ended_on", "ended_reason", "ended_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=request,
        changed_fields=["ended", "ended_on", "ended_reason", "reinstated"],
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=today,
        summary=f"{request.get_report_type_display()} request to {request.agency.name} reinstated "
        f"(had been {undone})",
    )
    deadlines_sync(subject=review.notification)
    return request
