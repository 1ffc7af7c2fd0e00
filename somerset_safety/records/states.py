"""The legal hold's one move (somerset_safety.core.transitions)."""

from somerset_safety.core.transitions import Move, StateMachine

from .exceptions import RecordsError
from .models import HoldStatus

HOLD_MOVES = StateMachine(
    field="status",
    states=HoldStatus,
    refused=RecordsError,
    moves=[
        Move("release", "Release the hold", {HoldStatus.ACTIVE}, HoldStatus.RELEASED),
    ],
)
