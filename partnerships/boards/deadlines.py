"""Deadline rules of partnership boards (registered in PartnershipsConfig.ready): each action of a
board's action log is due on its due date. Labels carry no personal data."""

from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec

from .. import conf
from ..models import ActionStatus, BoardAction

KIND_BOARD_ACTION = "board_action"
CARRIED_FORWARD = "Carried forward to a later meeting"


def action_rule(action: BoardAction):
    return [
        DeadlineSpec(
            kind=KIND_BOARD_ACTION,
            label=f"{action.meeting.body.owner.code} board action for {action.agency.name}",
            due_date=action.due_date,
            responsible_agency=action.agency,
            responsible_users=[action.owner] if action.owner_id else [],
            met_on=action.completed_on if action.status == ActionStatus.COMPLETED else None,
            closed_reason=CARRIED_FORWARD if action.status == ActionStatus.CARRIED_FORWARD else "",
        )
    ]


def register() -> None:
    from . import permissions as perms

    registry.register(
        model=BoardAction,
        rule=action_rule,
        visible_to=perms.actions_visible_to,
        manageable_by=perms.managed_by(BoardAction),
        kinds=[DeadlineKind(KIND_BOARD_ACTION, "Partnership board action", due_soon_days=conf.due_soon_days)],
    )
