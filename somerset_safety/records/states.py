"""The legal hold's one move and the subject access request's moves (somerset_safety.core.transitions)."""

from somerset_safety.core.transitions import Move, StateMachine, sync_deadlines

from .exceptions import RecordsError
from .models import HoldStatus, SarStatus

HOLD_MOVES = StateMachine(
    field="status",
    states=HoldStatus,
    refused=RecordsError,
    moves=[
        Move("release", "Release the hold", {HoldStatus.ACTIVE}, HoldStatus.RELEASED),
    ],
)


SAR_MOVES = StateMachine(
    field="status",
    states=SarStatus,
    refused=RecordsError,
    after=sync_deadlines,
    moves=[
        Move("pause", "Pause the clock", {SarStatus.OPEN}, SarStatus.PAUSED),
        Move("resume", "Restart the clock", {SarStatus.PAUSED}, SarStatus.OPEN),
        Move("complete", "Record the response as sent", {SarStatus.OPEN}, SarStatus.COMPLETED),
        Move(
            "withdraw",
            "Record the request as withdrawn",
            {SarStatus.OPEN, SarStatus.PAUSED},
            SarStatus.WITHDRAWN,
        ),
    ],
)
