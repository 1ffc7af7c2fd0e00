"""The legal hold's one move and the subject access request's moves (somerset_safety.core.transitions)."""

from somerset_safety.core.transitions import Move, StateMachine, sync_deadlines

from .exceptions import RecordsError
from .models import HoldStatus, ItemDecision, SarStatus

HOLD_MOVES = StateMachine(
    field="status",
    states=HoldStatus,
    refused=RecordsError,
    moves=[
        Move("release", "Release the hold", {HoldStatus.ACTIVE}, HoldStatus.RELEASED),
    ],
)


def answered_in_full(sar) -> str | None:
    """The response can be recorded once the person has been searched for and every record found
    has been decided: disclosed or withheld."""
    if not sar.searches.exists():
        return "Search for the person first: the response must say what the service holds."
    pending = sar.items.filter(decision=ItemDecision.PENDING).count()
    if pending:
        return f"Decide on every record found first: {pending} still to review."
    return None


SAR_MOVES = StateMachine(
    field="status",
    states=SarStatus,
    refused=RecordsError,
    after=sync_deadlines,
    moves=[
        Move("pause", "Pause the clock", {SarStatus.OPEN}, SarStatus.PAUSED),
        Move("resume", "Restart the clock", {SarStatus.PAUSED}, SarStatus.OPEN),
        Move(
            "complete",
            "Record the response as sent",
            {SarStatus.OPEN},
            SarStatus.COMPLETED,
            guards=[answered_in_full],
        ),
        Move(
            "withdraw",
            "Record the request as withdrawn",
            {SarStatus.OPEN, SarStatus.PAUSED},
            SarStatus.WITHDRAWN,
        ),
    ],
)
