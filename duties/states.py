"""The modern slavery duty-to-notify record's state machine, in the platform's shape
(somerset_safety/core/transitions). MS1 notifications get no decisions; negative decisions are
final here (a reconsideration request goes to the Home Office and is recorded in the notes)."""

from somerset_safety.core.transitions import Move, StateMachine, sync_deadlines

from .exceptions import TransitionRefused
from .models import Decision, NotificationStatus, Route

MS1_HAS_NO_DECISIONS = (
    "An anonymous MS1 notification does not go to the competent authority, so it has no decisions."
)


def _refusal(notification, move: Move) -> str:
    if notification.route == Route.MS1:
        return MS1_HAS_NO_DECISIONS
    targets = " or ".join(f"“{NotificationStatus(t).label}”" for t in sorted(move.targets))
    decision = move.label.removeprefix("Record the ")
    return (
        f"This record is at “{notification.get_status_display()}”, so a {decision} cannot be recorded "
        f"now (it cannot move to {targets})."
    )


SLAVERY_MOVES = StateMachine(
    field="status",
    states=NotificationStatus,
    refused=TransitionRefused,
    describe_refusal=_refusal,
    after=sync_deadlines,
    moves=[
        Move(
            "rg_decide",
            "Record the reasonable-grounds decision",
            {NotificationStatus.AWAITING_RG},
            outcomes={
                Decision.POSITIVE: NotificationStatus.RG_POSITIVE,
                Decision.NEGATIVE: NotificationStatus.RG_NEGATIVE,
            },
        ),
        Move(
            "cg_decide",
            "Record the conclusive-grounds decision",
            {NotificationStatus.RG_POSITIVE},
            outcomes={
                Decision.POSITIVE: NotificationStatus.CG_POSITIVE,
                Decision.NEGATIVE: NotificationStatus.CG_NEGATIVE,
            },
        ),
    ],
)
