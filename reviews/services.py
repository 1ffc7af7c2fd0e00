"""Every write to notifications and reviews. Each service checks what it needs, writes,
audits and keeps the stored deadlines in step, all in one transaction."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.deadlines.services import deadlines_sync

from .exceptions import ReviewError, TransitionRefused
from .models import (
    TRANSITIONS,
    Action,
    ActionStatus,
    AgencyReportRequest,
    ChaseEntry,
    Decision,
    FamilyContact,
    Meeting,
    Notification,
    NotificationSequence,
    NotificationStatus,
    PanelMember,
    Pause,
    QaOutcome,
    Recommendation,
    Review,
    ReviewDocument,
    Stage,
    TimelineEntry,
)

NOTIFICATION_FIELDS = [
    "statutory_basis",
    "case_officer",
    "notified_on",
    "notifying_agency",
    "date_of_death",
    "area",
    "victim_name",
    "victim_pseudonym",
    "victim_age",
    "victim_sex",
    "victim_ethnicity",
    "victim_other_characteristics",
    "perpetrator_age",
    "perpetrator_sex",
    "perpetrator_ethnicity",
    "perpetrator_other_characteristics",
    "relationship",
    "death_type",
    "criminal_justice_status",
    "trial_date",
    "verdict",
    "sentence",
    "inquest_status",
    "parallel_reviews",
]


def reference_prefix() -> str:
    return getattr(settings, "DHR_REFERENCE_PREFIX", "DHR-")


def _timeline(notification: Notification, *, actor, occurred_on: date, summary: str) -> None:
    TimelineEntry.objects.create(
        notification=notification, occurred_on=occurred_on, actor=actor, summary=summary
    )


def _not_future(day: date | None, what: str) -> None:
    if day is not None and day > local_today():
        raise ReviewError(f"{what} cannot be in the future.")


def _lock_review(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("notification").get(pk=review.pk)


@transaction.atomic
def notification_create(*, actor, data: dict) -> Notification:
    """Record a new notification with the next sequential reference (never reused, even when
    no review follows). Raises ReviewError for dates in the wrong order."""
    _not_future(data["notified_on"], "The date notified")
    if data["date_of_death"] > data["notified_on"]:
        raise ReviewError("The date of death must be on or before the date notified.")
    prefix = reference_prefix()
    # One counter whatever the prefix, so changing the prefix never reuses a number.
    sequence, _ = NotificationSequence.objects.select_for_update().get_or_create(prefix="notification")
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    notification = Notification(
        number=sequence.last_number,
        reference=f"{prefix}{sequence.last_number:04d}",
        created_by=actor,
        **{name: data[name] for name in NOTIFICATION_FIELDS if name in data},
    )
    notification.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=notification,
        changed_fields=[name for name in NOTIFICATION_FIELDS if name in data],
    )
    _timeline(
        notification,
        actor=actor,
        occurred_on=notification.notified_on,
        summary=f"Notification received from {notification.notifying_agency.name}",
    )
    deadlines_sync(subject=notification)
    return notification


@transaction.atomic
def notification_update(*, actor, notification: Notification, data: dict) -> list[str]:
    """Change the notification's details. Returns the names of the fields that changed."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    changed = []
    for name in NOTIFICATION_FIELDS:
        if name in data and getattr(notification, name) != data[name]:
            setattr(notification, name, data[name])
            changed.append(name)
    if not changed:
        return []
    _not_future(notification.notified_on, "The date notified")
    if notification.date_of_death > notification.notified_on:
        raise ReviewError("The date of death must be on or before the date notified.")
    if notification.decision_date and notification.decision_date < notification.notified_on:
        raise ReviewError("The date notified must be on or before the decision date.")
    notification.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=notification, changed_fields=changed)
    deadlines_sync(subject=notification)
    return changed


@transaction.atomic
def notification_decide(
    *,
    actor,
    notification: Notification,
    decision: str,
    decision_date: date,
    decision_maker: str,
    rationale: str,
    home_office_told_on: date | None = None,
) -> Notification:
    """Record the decision. "Review" opens a review at its first stage; "no review" closes the
    notification with its reasons kept. Raises ReviewError if already decided or the dates or
    rationale are missing or out of order."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.decision != Decision.PENDING:
        raise ReviewError("A decision has already been recorded for this notification.")
    if decision not in (Decision.REVIEW, Decision.NO_REVIEW):
        raise ReviewError("Choose whether to hold a review.")
    if not rationale.strip():
        raise ReviewError("Enter the reasons for the decision.")
    if not decision_maker.strip():
        raise ReviewError("Enter who made the decision.")
    _not_future(decision_date, "The decision date")
    if decision_date < notification.notified_on:
        raise ReviewError("The decision date must be on or after the date notified.")
    if home_office_told_on is not None:
        _not_future(home_office_told_on, "The date the Home Office was told")
        if home_office_told_on < decision_date:
            raise ReviewError("The Home Office cannot have been told before the decision was made.")
    notification.decision = decision
    notification.decision_date = decision_date
    notification.decision_maker = decision_maker.strip()
    notification.decision_rationale = rationale.strip()
    notification.home_office_told_on = home_office_told_on
    if decision == Decision.REVIEW:
        notification.status = NotificationStatus.REVIEW
    else:
        notification.status = NotificationStatus.CLOSED_NO_REVIEW
    fields = [
        "decision",
        "decision_date",
        "decision_maker",
        "decision_rationale",
        "home_office_told_on",
        "status",
    ]
    notification.save(update_fields=[*fields, "updated_at"])
    if decision == Decision.REVIEW:
        Review.objects.create(
            notification=notification, stage=Stage.DECISION_MADE, stage_changed_on=decision_date
        )
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=notification, changed_fields=fields)
    _timeline(
        notification,
        actor=actor,
        occurred_on=decision_date,
        summary="Decision: hold a review" if decision == Decision.REVIEW else "Decision: no review; closed",
    )
    if home_office_told_on:
        _timeline(
            notification,
            actor=actor,
            occurred_on=home_office_told_on,
            summary="Home Office told of the decision",
        )
    deadlines_sync(subject=notification)
    return notification


@transaction.atomic
def notification_home_office_told(*, actor, notification: Notification, told_on: date) -> Notification:
    """Record the date the Home Office was told of the decision. Raises ReviewError if there
    is no decision yet or the date is before it."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.decision == Decision.PENDING:
        raise ReviewError("Record the decision before the date the Home Office was told.")
    _not_future(told_on, "The date the Home Office was told")
    if told_on < notification.decision_date:
        raise ReviewError("The Home Office cannot have been told before the decision was made.")
    notification.home_office_told_on = told_on
    notification.save(update_fields=["home_office_told_on", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=notification, changed_fields=["home_office_told_on"]
    )
    _timeline(notification, actor=actor, occurred_on=told_on, summary="Home Office told of the decision")
    return notification


@transaction.atomic
def review_set_team(*, actor, review: Review, chair, author) -> Review:
    """Appoint (or change) the independent chair and author. Raises ReviewError on a closed review."""
    review = _lock_review(review)
    if review.stage == Stage.CLOSED:
        raise ReviewError("This review is closed.")
    changed = []
    if review.chair_id != (chair.pk if chair else None):
        review.chair = chair
        changed.append("chair")
    if review.author_id != (author.pk if author else None):
        review.author = author
        changed.append("author")
    if changed:
        review.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=review, changed_fields=changed)
        _timeline(
            review.notification,
            actor=actor,
            occurred_on=local_today(),
            summary="Independent chair and author recorded",
        )
    return review


@transaction.atomic
def panel_member_add(
    *, actor, review: Review, agency, name: str, role: str, email: str = "", is_agency_contact=False
):
    """Add a panel member. Their agency then sees the panel papers. Raises ReviewError on a
    closed review or a duplicate."""
    review = _lock_review(review)
    if review.stage == Stage.CLOSED:
        raise ReviewError("This review is closed.")
    if review.panel_members.filter(agency=agency, name=name).exists():
        raise ReviewError(f"{name} is already on the panel for {agency.name}.")
    member = PanelMember.objects.create(
        review=review, agency=agency, name=name, role=role, email=email, is_agency_contact=is_agency_contact
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=member, changed_fields=["agency", "name", "role", "email"]
    )
    _timeline(
        review.notification, actor=actor, occurred_on=local_today(), summary=f"{agency.name} joined the panel"
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor, member: PanelMember) -> None:
    review = _lock_review(member.review)
    audit_record(actor=actor, action=AuditAction.ERASE, obj=member, detail={"review": review.pk})
    agency_name = member.agency.name
    member.delete()
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=local_today(),
        summary=f"{agency_name} panel member removed",
    )


# --- The stage moves: one service each, all checked against TRANSITIONS --------------------


def move_refusal(review: Review, name: str) -> str | None:
    """Why the move cannot be made at the review's stage, or while it is paused; None if it can.

    The confirmation page shows this before anyone fills in the form; `_move` enforces it.
    Checks particular to one move (for example an uploaded draft) are made by its service.
    """
    transition = TRANSITIONS[name]
    if review.stage not in transition.sources:
        allowed = " or ".join(
            f"“{Stage(s).label}”" for s in sorted(transition.sources, key=list(Stage).index)
        )
        return (
            f"This review is at “{review.get_stage_display()}”. "
            f"You can {transition.label[0].lower()}{transition.label[1:]} only when it is at {allowed}."
        )
    open_pause = review.pauses.filter(ended_on__isnull=True).first()
    if open_pause is not None:
        return (
            f"This review has been paused ({open_pause.get_reason_display().lower()}) since "
            f"{open_pause.started_on:%-d %B %Y}. End the pause before moving the review on."
        )
    return None


def _move(
    review: Review, name: str, *, actor, on: date, note: str = "", updates: dict | None = None
) -> Review:
    transition = TRANSITIONS[name]
    refusal = move_refusal(review, name)
    if refusal:
        raise TransitionRefused(refusal)
    if on is None:
        raise TransitionRefused(f"Enter the {transition.date_label.lower()}.")
    _not_future(on, transition.date_label)
    if on < review.stage_changed_on:
        raise TransitionRefused(
            f"The date cannot be before the current stage began on {review.stage_changed_on:%-d %B %Y}."
        )
    updates = updates or {}
    for field, value in updates.items():
        setattr(review, field, value)
    review.stage = transition.target
    review.stage_changed_on = on
    fields = ["stage", "stage_changed_on", *updates]
    review.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=review,
        changed_fields=fields,
        detail={"move": name, "to": transition.target},
    )
    summary = Stage(transition.target).label
    if note.strip():
        summary = f"{summary}: {note.strip()}"[:300]
    _timeline(review.notification, actor=actor, occurred_on=on, summary=summary)
    deadlines_sync(subject=review.notification)
    return review


@transaction.atomic
def review_appoint_panel(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Decision made → chair appointed and panel formed. Needs the chair recorded and at least
    one panel member. Raises TransitionRefused otherwise."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["appoint_panel"].sources:
        if review.chair_id is None:
            raise TransitionRefused("Record the independent chair before recording the panel as formed.")
        if not review.panel_members.exists():
            raise TransitionRefused("Add at least one panel member before recording the panel as formed.")
    return _move(review, "appoint_panel", actor=actor, on=on, note=note, updates={"panel_formed_on": on})


@transaction.atomic
def review_agree_tor(
    *,
    actor,
    review: Review,
    on: date,
    scope_start: date,
    scope_end: date,
    key_lines_of_enquiry: str,
    note: str = "",
) -> Review:
    """Panel formed → terms of reference agreed, with the scope period and key lines of enquiry.
    Raises TransitionRefused for a missing or back-to-front scope."""
    review = _lock_review(review)
    if scope_start is None or scope_end is None or not key_lines_of_enquiry.strip():
        raise TransitionRefused("Enter the scope period and the key lines of enquiry.")
    if scope_start > scope_end:
        raise TransitionRefused("The scope period must start before it ends.")
    return _move(
        review,
        "agree_tor",
        actor=actor,
        on=on,
        note=note,
        updates={
            "tor_agreed_on": on,
            "scope_start": scope_start,
            "scope_end": scope_end,
            "key_lines_of_enquiry": key_lines_of_enquiry.strip(),
        },
    )


@transaction.atomic
def review_request_reports(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Terms of reference agreed → agency reports requested. Needs at least one request."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["request_reports"].sources and not review.report_requests.exists():
        raise TransitionRefused(
            "Add at least one request to an agency before recording reports as requested."
        )
    return _move(
        review, "request_reports", actor=actor, on=on, note=note, updates={"reports_requested_on": on}
    )


@transaction.atomic
def review_start_gathering(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Agency reports requested → information gathering and panel meetings."""
    review = _lock_review(review)
    return _move(
        review, "start_gathering", actor=actor, on=on, note=note, updates={"gathering_started_on": on}
    )


@transaction.atomic
def review_draft_report(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Gathering (or a QA resubmit) → draft overview report. Needs a draft overview report
    uploaded (after the resubmit letter, a new version)."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["draft_report"].sources:
        drafts = review.documents.filter(kind="overview_draft")
        if review.stage == Stage.QA_RESUBMIT and review.qa_outcome_recorded_at:
            drafts = drafts.filter(uploaded_at__gt=review.qa_outcome_recorded_at)
        if not drafts.exists():
            raise TransitionRefused(
                "Upload the draft overview report under Documents before recording the draft."
                if review.stage == Stage.GATHERING
                else "Upload the revised draft overview report under Documents before recording the draft."
            )
    return _move(review, "draft_report", actor=actor, on=on, note=note, updates={"draft_on": on})


@transaction.atomic
def review_family_viewed(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Draft → family viewed draft."""
    review = _lock_review(review)
    return _move(review, "family_viewed", actor=actor, on=on, note=note, updates={"family_viewed_on": on})


@transaction.atomic
def review_sign_off(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Family viewed → partnership signed off."""
    review = _lock_review(review)
    return _move(review, "sign_off", actor=actor, on=on, note=note, updates={"signed_off_on": on})


@transaction.atomic
def review_submit_qa(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Signed off (or QA resubmit) → submitted to the Home Office QA panel. The first
    submission meets the completion clock."""
    review = _lock_review(review)
    updates = {"submitted_on": on}
    if review.first_submitted_on is None:
        updates["first_submitted_on"] = on
    return _move(review, "submit_qa", actor=actor, on=on, note=note, updates=updates)


@transaction.atomic
def review_record_qa_outcome(*, actor, review: Review, outcome: str, on: date, note: str = "") -> Review:
    """Submitted → approved, approved subject to changes, or resubmit (which loops back).
    Raises TransitionRefused for an unknown outcome or a review not awaiting QA."""
    review = _lock_review(review)
    moves = {
        QaOutcome.APPROVED: "qa_approved",
        QaOutcome.CHANGES: "qa_changes",
        QaOutcome.RESUBMIT: "qa_resubmit",
    }
    if outcome not in moves:
        raise TransitionRefused("Choose the outcome in the quality assurance letter.")
    return _move(
        review,
        moves[outcome],
        actor=actor,
        on=on,
        note=note,
        updates={"qa_outcome": outcome, "qa_outcome_on": on, "qa_outcome_recorded_at": timezone.now()},
    )


@transaction.atomic
def review_publish(*, actor, review: Review, on: date, note: str = "") -> Review:
    """QA approved → published. Needs the pseudonym agreed and the published overview report
    uploaded. Starts the Commissioner copy clock."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["publish"].sources:
        if not review.notification.victim_pseudonym:
            raise TransitionRefused("Record the pseudonym agreed with the family before publication.")
        if not review.documents.filter(kind="overview_published").exists():
            raise TransitionRefused(
                "Upload the published overview report under Documents before recording publication."
            )
    return _move(review, "publish", actor=actor, on=on, note=note, updates={"published_on": on})


@transaction.atomic
def review_send_commissioner_copy(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Published → copy sent to the Domestic Abuse Commissioner (s9(3B)); meets that clock."""
    review = _lock_review(review)
    return _move(
        review,
        "send_commissioner_copy",
        actor=actor,
        on=on,
        note=note,
        updates={"commissioner_copy_sent_on": on},
    )


@transaction.atomic
def review_start_monitoring(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Commissioner copy sent → action plan monitoring. Needs the recommendations recorded."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["start_monitoring"].sources and not review.recommendations.exists():
        raise TransitionRefused("Record the review's recommendations before monitoring the action plan.")
    return _move(
        review, "start_monitoring", actor=actor, on=on, note=note, updates={"monitoring_started_on": on}
    )


@transaction.atomic
def review_close(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Monitoring → closed, only when every recommendation is implemented (all its actions
    complete with evidence of outcome)."""
    review = _lock_review(review)
    if review.stage in TRANSITIONS["close"].sources:
        open_count = (
            review.recommendations.filter(actions__isnull=True).count()
            + Action.objects.filter(recommendation__review=review)
            .exclude(status=ActionStatus.COMPLETE)
            .count()
        )
        if open_count:
            raise TransitionRefused(
                f"{open_count} action{'s are' if open_count != 1 else ' is'} not complete with evidence "
                "(or a recommendation has no actions). Every recommendation must be implemented before closing."
            )
    return _move(review, "close", actor=actor, on=on, note=note, updates={"closed_on": on})


MOVE_SERVICES = {
    "appoint_panel": review_appoint_panel,
    "agree_tor": review_agree_tor,
    "request_reports": review_request_reports,
    "start_gathering": review_start_gathering,
    "draft_report": review_draft_report,
    "family_viewed": review_family_viewed,
    "sign_off": review_sign_off,
    "submit_qa": review_submit_qa,
    "publish": review_publish,
    "send_commissioner_copy": review_send_commissioner_copy,
    "start_monitoring": review_start_monitoring,
    "close": review_close,
}


# --- Pauses ---------------------------------------------------------------------------------


@transaction.atomic
def pause_start(*, actor, review: Review, reason: str, started_on: date, detail: str = "") -> Pause:
    """Pause the review. Its completion clock stops until the pause ends. Raises ReviewError if
    already paused, closed, or dated before the decision."""
    review = _lock_review(review)
    if review.stage in (Stage.CLOSED, Stage.MONITORING):
        raise ReviewError("A review in action plan monitoring or closed cannot be paused.")
    if review.pauses.filter(ended_on__isnull=True).exists():
        raise ReviewError("This review is already paused. End the current pause first.")
    _not_future(started_on, "The pause start date")
    if started_on < review.notification.decision_date:
        raise ReviewError("A pause cannot start before the decision to hold the review.")
    pause = Pause.objects.create(
        review=review, reason=reason, detail=detail.strip(), started_on=started_on, created_by=actor
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=pause, changed_fields=["reason", "detail", "started_on"]
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=started_on,
        summary=f"Review paused: {pause.get_reason_display()}",
    )
    deadlines_sync(subject=review.notification)
    return pause


@transaction.atomic
def pause_end(*, actor, pause: Pause, ended_on: date) -> Pause:
    """End an open pause. Raises ReviewError if it has ended or the date is before its start."""
    pause = Pause.objects.select_for_update().select_related("review__notification").get(pk=pause.pk)
    if pause.ended_on is not None:
        raise ReviewError("This pause has already ended.")
    _not_future(ended_on, "The pause end date")
    if ended_on < pause.started_on:
        raise ReviewError(f"The pause cannot end before it started on {pause.started_on:%-d %B %Y}.")
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=pause, changed_fields=["ended_on"])
    _timeline(
        pause.review.notification,
        actor=actor,
        occurred_on=ended_on,
        summary=f"Pause ended ({pause.get_reason_display().lower()})",
    )
    deadlines_sync(subject=pause.review.notification)
    return pause


# --- Agency reports -------------------------------------------------------------------------


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
    if review.stage == Stage.CLOSED:
        raise ReviewError("This review is closed.")
    if due_on < requested_on:
        raise ReviewError("The due date must be on or after the date requested.")
    if review.report_requests.filter(agency=agency, report_type=report_type).exists():
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
def report_request_change_due(*, actor, request: AgencyReportRequest, due_on: date) -> AgencyReportRequest:
    request = (
        AgencyReportRequest.objects.select_for_update()
        .select_related("review__notification")
        .get(pk=request.pk)
    )
    if due_on < request.requested_on:
        raise ReviewError("The due date must be on or after the date requested.")
    request.due_on = due_on
    request.save(update_fields=["due_on"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=request, changed_fields=["due_on"])
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
    _not_future(chased_on, "The date chased")
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
    _not_future(received_on, "The date received")
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


# --- Family, meetings, documents -------------------------------------------------------------


FAMILY_FIELDS = [
    "contacted_on",
    "contact_relationship",
    "method",
    "advocate_organisation",
    "consent",
    "pseudonym_agreed",
    "leaflet_given",
    "note",
]


@transaction.atomic
def family_contact_add(*, actor, review: Review, data: dict) -> FamilyContact:
    """Log a contact with the family. A pseudonym agreed here becomes the review's pseudonym."""
    review = _lock_review(review)
    _not_future(data["contacted_on"], "The date of contact")
    contact = FamilyContact.objects.create(
        review=review, recorded_by=actor, **{f: data[f] for f in FAMILY_FIELDS if f in data}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=contact,
        changed_fields=[f for f in FAMILY_FIELDS if f in data],
    )
    notification = review.notification
    _timeline(
        notification,
        actor=actor,
        occurred_on=contact.contacted_on,
        summary="Contact with the family recorded",
    )
    if contact.pseudonym_agreed and contact.pseudonym_agreed != notification.victim_pseudonym:
        notification_update(
            actor=actor, notification=notification, data={"victim_pseudonym": contact.pseudonym_agreed}
        )
        _timeline(
            notification,
            actor=actor,
            occurred_on=contact.contacted_on,
            summary="Pseudonym agreed with the family",
        )
    return contact


@transaction.atomic
def meeting_add(
    *, actor, review: Review, held_on: date, agencies, attendees="", apologies="", minutes=""
) -> Meeting:
    review = _lock_review(review)
    _not_future(held_on, "The meeting date")
    meeting = Meeting.objects.create(
        review=review, held_on=held_on, attendees=attendees, apologies=apologies, minutes=minutes
    )
    meeting.agencies_attending.set(agencies)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changed_fields=["held_on", "agencies_attending", "attendees", "apologies", "minutes"],
    )
    _timeline(review.notification, actor=actor, occurred_on=held_on, summary="Panel meeting held")
    return meeting


@transaction.atomic
def document_upload(
    *, actor, review: Review, kind: str, uploaded_file, meeting: Meeting | None = None, note=""
) -> ReviewDocument:
    """Store the next version of a document kind (the file was checked by validate_upload).
    Earlier versions are kept."""
    review = _lock_review(review)
    if meeting is not None and meeting.review_id != review.pk:
        raise ReviewError("Choose a meeting of this review.")
    version = (review.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    document = ReviewDocument(
        review=review,
        kind=kind,
        version=version,
        meeting=meeting,
        original_name=uploaded_file.name[:200],
        note=note,
        uploaded_by=actor,
    )
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    document.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=document,
        changed_fields=["kind", "file", "meeting", "note"],
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=local_today(),
        summary=f"{document.get_kind_display()} version {version} uploaded",
    )
    return document


def record_download(*, actor, obj, filename: str) -> None:
    """Every download of a private document is a disclosure (S11)."""
    audit_record(actor=actor, action=AuditAction.DISCLOSE, obj=obj, detail={"download": filename[:100]})


# --- Recommendations and actions -------------------------------------------------------------


@transaction.atomic
def recommendation_add(*, actor, review: Review, scope: str, owning_agency, text: str) -> Recommendation:
    """Add the review's next numbered recommendation."""
    review = _lock_review(review)
    if review.stage == Stage.CLOSED:
        raise ReviewError("This review is closed.")
    if not text.strip():
        raise ReviewError("Enter the recommendation.")
    number = (review.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        review=review, number=number, scope=scope, owning_agency=owning_agency, text=text.strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=recommendation,
        changed_fields=["scope", "owning_agency", "text"],
    )
    _timeline(
        review.notification,
        actor=actor,
        occurred_on=local_today(),
        summary=f"Recommendation {number} recorded",
    )
    return recommendation


@transaction.atomic
def action_add(
    *, actor, recommendation: Recommendation, description: str, lead_officer: str, target_date: date
) -> Action:
    if recommendation.review.stage == Stage.CLOSED:
        raise ReviewError("This review is closed.")
    action = Action.objects.create(
        recommendation=recommendation,
        description=description.strip(),
        lead_officer=lead_officer.strip(),
        target_date=target_date,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=action,
        changed_fields=["description", "lead_officer", "target_date"],
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor,
    action: Action,
    status: str,
    target_date: date,
    completed_on: date | None,
    evidence_of_outcome: str,
) -> Action:
    """Change an action's progress. Completing it needs a completion date and evidence of
    outcome; reopening it clears the completion date. Raises ReviewError otherwise."""
    action = (
        Action.objects.select_for_update()
        .select_related("recommendation__review__notification")
        .get(pk=action.pk)
    )
    evidence = evidence_of_outcome.strip()
    if status == ActionStatus.COMPLETE:
        if not evidence:
            raise ReviewError(
                "Enter the evidence of outcome. An action is complete only when its outcome is shown."
            )
        if completed_on is None:
            raise ReviewError("Enter the date the action was completed.")
        _not_future(completed_on, "The completion date")
    else:
        completed_on = None
    before = {f: getattr(action, f) for f in ("status", "target_date", "completed_on", "evidence_of_outcome")}
    action.status, action.target_date, action.completed_on, action.evidence_of_outcome = (
        status,
        target_date,
        completed_on,
        evidence,
    )
    changed = [f for f, v in before.items() if getattr(action, f) != v]
    if changed:
        action.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=action, changed_fields=changed)
        if "status" in changed and status == ActionStatus.COMPLETE:
            rec = action.recommendation
            _timeline(
                rec.review.notification,
                actor=actor,
                occurred_on=completed_on,
                summary=f"Action on recommendation {rec.number} completed with evidence",
            )
    return action


def resync_open_pauses() -> int:
    """Move the completion deadline of every review with an open pause on to today's date.
    Run daily (manage.py reviews_sync_deadlines). Returns how many were synced."""
    paused = Pause.objects.filter(ended_on__isnull=True).values("review__notification")
    notifications = Notification.objects.filter(pk__in=paused)
    count = 0
    for notification in notifications:
        with transaction.atomic():
            deadlines_sync(subject=notification)
        count += 1
    return count
