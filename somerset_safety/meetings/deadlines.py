"""The one deadline rule of an action agreed at any body's meeting: due on its due date, owned by
its agency and named owner, met when completed, closed (not missed) when carried forward to a
later meeting, where its copy takes the clock on. Apps register it for their action proxy with
their own kind and label."""

from datetime import date

from somerset_safety.deadlines.registry import DeadlineSpec

from .models import Action, ActionStatus

CARRIED_FORWARD = "Carried forward to a later meeting"


def owned_action_deadline(
    *,
    kind: str,
    label: str,
    due_date: date,
    agency,
    owner=None,
    completed_on: date | None = None,
    closed_reason: str = "",
) -> DeadlineSpec:
    """The clock every agreed action shares, whichever app holds it (a DHR recommendation's
    action too): due on its date, owned by its agency and named owner (if a user), met on the
    date it was completed, late when after the due date."""
    return DeadlineSpec(
        kind=kind,
        label=label,
        due_date=due_date,
        responsible_agency=agency,
        responsible_users=[owner] if owner is not None else [],
        met_on=completed_on,
        closed_reason=closed_reason,
    )


def action_deadline(action: Action, *, kind: str, label: str) -> list[DeadlineSpec]:
    return [
        owned_action_deadline(
            kind=kind,
            label=label,
            due_date=action.due_date,
            agency=action.agency,
            owner=action.owner if action.owner_id else None,
            completed_on=action.completed_on if action.status == ActionStatus.COMPLETED else None,
            closed_reason=CARRIED_FORWARD if action.status == ActionStatus.CARRIED_FORWARD else "",
        )
    ]
