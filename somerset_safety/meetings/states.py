"""The meetings mechanism's state machines, in the platform's shape (core/transitions).

A meeting is scheduled, starts (in progress), and concludes; or it is cancelled before it starts.
An action is open until it is completed or carried forward (its open copy then goes on).
Concluded, cancelled, completed and carried forward are final.
"""

from somerset_safety.core.transitions import Move, StateMachine

from .exceptions import MeetingError
from .models import ActionStatus, MeetingStatus

# What each move says when the record is not in a state it can be made from.
_WRONG_STATE = {
    "start": "This meeting has already started.",
    "conclude": "Only a meeting in progress can be concluded.",
    "cancel": "Only a meeting that has not started can be cancelled.",
    "complete": "Only an open action can be marked complete.",
    "carry_forward": "Only an open action can be carried forward.",
}


def _wrong_state(obj, move: Move) -> str:
    return _WRONG_STATE[move.name]


def _plural(count: int, one: str) -> str:
    return f"{count} {one if count == 1 else one + 's'}"


def every_item_minuted(meeting) -> str | None:
    undiscussed = meeting.agenda_items.filter(discussed=False).count()
    if not undiscussed:
        return None
    many = undiscussed != 1
    return (
        f"{_plural(undiscussed, 'item')} on the agenda {'have' if many else 'has'} no minutes. "
        f"Record minutes or take {'them' if many else 'it'} off the agenda."
    )


def no_action_waiting(meeting) -> str | None:
    from . import selectors

    waiting = selectors.open_for_review(meeting).count()
    if not waiting:
        return None
    return (
        f"{_plural(waiting, 'action')} from the last meeting or carried forward to this one "
        "must be marked complete or carried forward first."
    )


def sync_if_registered(obj, move: Move, actor, context: dict) -> None:
    """Keep the stored deadlines in step, for the apps that register deadline rules."""
    from somerset_safety.deadlines import registry
    from somerset_safety.deadlines.services import deadlines_sync

    if registry.registration_for(obj) is not None:
        deadlines_sync(subject=obj)


MEETING_MOVES = StateMachine(
    field="status",
    states=MeetingStatus,
    refused=MeetingError,
    describe_refusal=_wrong_state,
    after=sync_if_registered,
    moves=[
        Move("start", "Start the meeting", {MeetingStatus.SCHEDULED}, MeetingStatus.IN_PROGRESS),
        Move(
            "conclude",
            "Conclude the meeting",
            {MeetingStatus.IN_PROGRESS},
            MeetingStatus.CONCLUDED,
            guards=(every_item_minuted, no_action_waiting),
        ),
        Move("cancel", "Cancel the meeting", {MeetingStatus.SCHEDULED}, MeetingStatus.CANCELLED),
    ],
)

ACTION_MOVES = StateMachine(
    field="status",
    states=ActionStatus,
    refused=MeetingError,
    describe_refusal=_wrong_state,
    after=sync_if_registered,
    moves=[
        Move("complete", "Mark it complete", {ActionStatus.OPEN}, ActionStatus.COMPLETED),
        Move("carry_forward", "Carry it forward", {ActionStatus.OPEN}, ActionStatus.CARRIED_FORWARD),
    ],
)
