"""The one deadline rule of an action agreed at any body's meeting: due on its due date, owned by
its agency and named owner, met when completed, closed (not missed) when carried forward to a
later meeting, where its copy takes the clock on. Apps register it for their action proxy with
their own kind and label."""

from somerset_safety.deadlines.registry import DeadlineSpec

from .models import Action, ActionStatus

CARRIED_FORWARD = "Carried forward to a later meeting"


def action_deadline(action: Action, *, kind: str, label: str) -> list[DeadlineSpec]:
    return [
        DeadlineSpec(
            kind=kind,
            label=label,
            due_date=action.due_date,
            responsible_agency=action.agency,
            responsible_users=[action.owner] if action.owner_id else [],
            met_on=action.completed_on if action.status == ActionStatus.COMPLETED else None,
            closed_reason=CARRIED_FORWARD if action.status == ActionStatus.CARRIED_FORWARD else "",
        )
    ]
