"""The stage moves: one service each, made through the platform's `transition` with the
review's machine (reviews/states.py), which checks the stage, pauses and what each move needs."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from somerset_safety.core.transitions import transition

from ..exceptions import TransitionRefused
from ..models import (
    QaOutcome,
    QaSubmission,
    Review,
)
from ..states import REVIEW_MOVES
from ._common import _lock_review, _not_future


def move_refusal(review: Review, name: str) -> str | None:
    """Why the move cannot be made now (its stage, a pause, what it needs first); None if it can.
    The confirmation page shows this before anyone fills in the form."""
    return REVIEW_MOVES.refusal(review, name)


def _move(
    review: Review, name: str, *, actor, on: date, note: str = "", updates: dict | None = None, outcome=None
) -> Review:
    """Check the move, then its date, then make it through the platform's `transition`."""
    move = REVIEW_MOVES.check(review, name)
    if on is None:
        raise TransitionRefused(f"Enter the {move.date_label.lower()}.")
    _not_future(on, move.date_label, field="on")
    if on < review.stage_changed_on:
        raise TransitionRefused(
            f"The date cannot be before the current stage began on {review.stage_changed_on:%-d %B %Y}."
        )
    return transition(
        review,
        name,
        machine=REVIEW_MOVES,
        actor=actor,
        outcome=outcome,
        values={"stage_changed_on": on, **(updates or {})},
        context={"note": note},
    )


@transaction.atomic
def review_appoint_panel(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Decision made → chair appointed and panel formed. Needs the chair recorded and at least
    one panel member. Raises TransitionRefused otherwise."""
    review = _lock_review(review)
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
    """Signed off (or QA resubmit) → submitted to the Home Office QA panel. Each submission is
    kept in order (the first, then each resubmission, on the timeline as such); the first meets
    the completion clock."""
    review = _lock_review(review)
    updates = {"submitted_on": on}
    if review.first_submitted_on is None:
        updates["first_submitted_on"] = on
    number = review.qa_submissions.count() + 1
    submission = QaSubmission(review=review, number=number, submitted_on=on, recorded_by=actor)
    if number > 1:
        note = "; ".join(filter(None, [submission.name.lower(), note.strip()]))
    review = _move(review, "submit_qa", actor=actor, on=on, note=note, updates=updates)
    submission.save()
    return review


@transaction.atomic
def review_record_qa_outcome(*, actor, review: Review, outcome: str, on: date, note: str = "") -> Review:
    """Submitted → approved, approved subject to changes, or resubmit (which loops back). The
    outcome is kept with the submission it answers. Raises TransitionRefused for an unknown
    outcome or a review not awaiting QA."""
    review = _lock_review(review)
    if outcome not in QaOutcome.values:
        raise TransitionRefused("Choose the outcome in the quality assurance letter.")
    latest = review.qa_submissions.order_by("-number").first()
    moved = _move(
        review,
        "qa_outcome",
        actor=actor,
        on=on,
        note=note,
        outcome=outcome,
        updates={"qa_outcome": outcome, "qa_outcome_on": on, "qa_outcome_recorded_at": timezone.now()},
    )
    if latest is not None:
        latest.outcome, latest.outcome_on = outcome, on
        latest.save(update_fields=["outcome", "outcome_on"])
    return moved


@transaction.atomic
def review_publish(*, actor, review: Review, on: date, note: str = "") -> Review:
    """QA approved → published. Needs the pseudonym agreed, the changes made after quality
    assurance recorded and the published overview report uploaded. Starts the Commissioner copy
    clock and the 12 months the report must stay online."""
    review = _lock_review(review)
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
    return _move(
        review, "start_monitoring", actor=actor, on=on, note=note, updates={"monitoring_started_on": on}
    )


@transaction.atomic
def review_close(*, actor, review: Review, on: date, note: str = "") -> Review:
    """Monitoring → closed, only when every recommendation is implemented (all its actions
    complete with evidence of outcome)."""
    review = _lock_review(review)
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
    "qa_outcome": review_record_qa_outcome,
    "publish": review_publish,
    "send_commissioner_copy": review_send_commissioner_copy,
    "start_monitoring": review_start_monitoring,
    "close": review_close,
}
