"""Recommendations and their actions."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes

from ..exceptions import ReviewError
from ..models import (
    Action,
    ActionStatus,
    Recommendation,
    Review,
)
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
    values = {
        "status": status,
        "target_date": target_date,
        "completed_on": completed_on,
        "evidence_of_outcome": evidence,
    }
    changed = save_changes(action, values, actor)
    if changed:
        if "status" in changed and status == ActionStatus.COMPLETE:
            rec = action.recommendation
            _timeline(
                rec.review.notification,
                actor=actor,
                occurred_on=completed_on,
                summary=f"Action on recommendation {rec.number} completed with evidence",
            )
    return action
