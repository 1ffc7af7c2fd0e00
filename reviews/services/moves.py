"""The stage moves: one service each, all checked against TRANSITIONS."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import TransitionRefused
from ..models import (
    TRANSITIONS,
    Action,
    ActionStatus,
    QaOutcome,
    Review,
    Stage,
)
from ._common import _lock_review, _not_future, _timeline


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
