"""A report version's state machine, in the platform's shape (somerset_safety/core/transitions):
queued until the worker draws its PDF, then ready (final) or failed; an officer may try a failed
one again (back to queued). Regenerating makes a new version."""

from somerset_safety.core.transitions import Move, StateMachine

from .exceptions import ReportError
from .models import VersionStatus

VERSION_MOVES = StateMachine(
    field="status",
    states=VersionStatus,
    refused=ReportError,
    describe_refusal=lambda version, move: (
        "Only a version whose PDF could not be made can be tried again."
        if move.name == "retry"
        else f"This version is {version.get_status_display().lower()}."
    ),
    moves=[
        Move(
            "ready", "Record the PDF drawn", {VersionStatus.QUEUED, VersionStatus.FAILED}, VersionStatus.READY
        ),
        Move("fail", "Record the PDF failed", {VersionStatus.QUEUED}, VersionStatus.FAILED),
        Move("retry", "Try again", {VersionStatus.FAILED}, VersionStatus.QUEUED),
    ],
)
