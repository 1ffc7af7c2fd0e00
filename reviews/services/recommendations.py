"""Recommendations and their actions."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync

from ..exceptions import ReviewError
from ..models import (
    Action,
    ActionEntry,
    ActionEntryKind,
    ActionEvidence,
    ActionStatus,
    Recommendation,
    Review,
)
from ..states import ACTION_MOVES
from ._common import _lock_review, _not_future, _refuse_if_closed, _timeline


@transaction.atomic
def recommendation_add(*, actor, review: Review, scope: str, owning_agency, text: str) -> Recommendation:
    """Add the review's next numbered recommendation."""
    review = _lock_review(review)
    _refuse_if_closed(review)
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
    """Add an action to the recommendation. Its target date is a deadline of the owning agency.
    Raises ReviewError on a closed review."""
    _refuse_if_closed(recommendation.review)
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
    deadlines_sync(subject=action)
    return action


@transaction.atomic
def action_change(
    *,
    actor,
    action: Action,
    description: str,
    lead_officer: str,
    target_date: date,
    expected_version: str = "",
) -> list[str]:
    """Change what the action is, who leads it and when it is due (officers). Its status moves
    only through ACTION_MOVES. Returns the fields changed; raises ReviewError on a closed review,
    StaleEdit if someone changed the action after `expected_version` (the form's)."""
    action = _lock_action(action)
    _refuse_if_closed(action.recommendation.review)
    description, lead_officer = description.strip(), lead_officer.strip()
    if not description:
        raise ReviewError("Enter the action.")
    if not lead_officer:
        raise ReviewError("Enter the lead officer.")
    changed = save_changes(
        action,
        {"description": description, "lead_officer": lead_officer, "target_date": target_date},
        actor,
        expected_version=expected_version,
    )
    if "target_date" in changed:
        deadlines_sync(subject=action)
    return changed


def _lock_action(action: Action) -> Action:
    return (
        Action.objects.select_for_update()
        .select_related("recommendation__review__notification", "recommendation__owning_agency")
        .get(pk=action.pk)
    )


def _move(action: Action, name: str, *, actor, on: date, note: str = "", values=None) -> Action:
    """One move of ACTION_MOVES through the platform's transition(); the action comes back with
    its recommendation, review and agency loaded (the after hook writes history and timeline)."""
    moved = transition(
        action, name, machine=ACTION_MOVES, actor=actor, values=values, context={"on": on, "note": note}
    )
    return _lock_action(moved)


def _refuse_unless_open(action: Action) -> None:
    _refuse_if_closed(action.recommendation.review)
    if action.status == ActionStatus.COMPLETE:
        raise ReviewError("This action is complete. An officer must reopen it before it changes again.")


@transaction.atomic
def action_progress_add(*, actor, action: Action, note: str) -> ActionEntry:
    """Post a progress update on an open action, dated today. The first update of an action not
    yet started records it as started. Raises ReviewError on a closed review or a complete action."""
    action = _lock_action(action)
    _refuse_unless_open(action)
    note = (note or "").strip()
    if not note:
        raise ReviewError("Enter the progress update.")
    today = local_today()
    if action.status == ActionStatus.NOT_STARTED:
        _move(action, "start", actor=actor, on=today, note=note)
        return action.entries.order_by("-id").first()
    entry = ActionEntry.objects.create(
        action=action, kind=ActionEntryKind.PROGRESS, occurred_on=today, note=note, actor=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry, changed_fields=["note"])
    return entry


@transaction.atomic
def action_evidence_add(*, actor, action: Action, uploaded_file, description: str = "") -> ActionEvidence:
    """Store a file of evidence of outcome (already checked by validate_upload) privately on an
    open action. Earlier files are kept. Raises ReviewError on a closed review or a complete action."""
    action = _lock_action(action)
    _refuse_unless_open(action)
    evidence = ActionEvidence(
        action=action,
        original_name=uploaded_file.name[:200],
        description=(description or "").strip()[:200],
        uploaded_by=actor,
    )
    evidence.file.save(uploaded_file.name, uploaded_file, save=False)
    evidence.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=evidence, changed_fields=["file", "description"])
    return evidence


@transaction.atomic
def action_submit(
    *,
    actor,
    action: Action,
    completed_on: date | None,
    evidence_of_outcome: str,
    uploaded_file=None,
    description: str = "",
) -> Action:
    """The owning agency (or an officer for it) marks the action complete with its evidence of
    outcome and, if given, a file of evidence; it then waits for an officer to accept the
    evidence. Raises ReviewError without the evidence or the date, with a date in the future,
    or from a status that cannot be submitted."""
    action = _lock_action(action)
    ACTION_MOVES.check(action, "submit")
    evidence = (evidence_of_outcome or "").strip()
    if not evidence:
        raise ReviewError(
            "Enter the evidence of outcome. An action is complete only when its outcome is shown."
        )
    if completed_on is None:
        raise ReviewError("Enter the date the action was completed.")
    _not_future(completed_on, "The completion date", field="completed_on")
    if uploaded_file is not None:
        action_evidence_add(actor=actor, action=action, uploaded_file=uploaded_file, description=description)
    return _move(
        action,
        "submit",
        actor=actor,
        on=local_today(),
        note=evidence,
        values={"completed_on": completed_on, "evidence_of_outcome": evidence},
    )


@transaction.atomic
def action_accept(*, actor, action: Action, note: str = "") -> Action:
    """An officer accepts the evidence: the action is complete and counts towards its
    recommendation being implemented. Raises ReviewError unless the evidence awaits acceptance."""
    return _move(action, "accept", actor=actor, on=local_today(), note=note)


@transaction.atomic
def action_return(*, actor, action: Action, reason: str) -> Action:
    """An officer returns the evidence to the owning agency with the reason; the agency can
    send it again. Raises ReviewError without a reason or unless the evidence awaits acceptance."""
    action = _lock_action(action)
    ACTION_MOVES.check(action, "return")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Enter what the agency needs to add or change.")
    return _move(action, "return", actor=actor, on=local_today(), note=reason)


@transaction.atomic
def action_reopen(*, actor, action: Action, reason: str) -> Action:
    """An officer reopens a complete action with the reason: it no longer counts as implemented
    and its completion date is cleared. Raises ReviewError without a reason, on a closed review
    or unless the action is complete."""
    action = _lock_action(action)
    ACTION_MOVES.check(action, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Enter the reason the action is reopened.")
    return _move(action, "reopen", actor=actor, on=local_today(), note=reason, values={"completed_on": None})


ACTION_MOVE_SERVICES = {
    "submit": action_submit,
    "accept": action_accept,
    "return": action_return,
    "reopen": action_reopen,
}
