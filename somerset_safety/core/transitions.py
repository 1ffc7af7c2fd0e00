"""The one state-machine shape for every record that moves through stages or statuses.

An app declares its machine once, next to the model::

    REFERRAL_MOVES = StateMachine(
        field="status",
        states=ReferralStatus,
        refused=MaracError,
        moves=[
            Move("withdraw", "Withdraw the referral", {ReferralStatus.REFERRED, ReferralStatus.LISTED},
                 ReferralStatus.WITHDRAWN),
            ...
        ],
    )

and every change of state goes through `transition(obj, "withdraw", actor=..., machine=...)`,
which locks the row, checks the move (state, then the machine's guards, then the move's own),
sets the state and any other values, saves, audits and runs the machine's `after` hook (the
timeline, `deadlines_sync`). Pages ask `machine.options(obj)` for every move from the current
state, each with the reason it is refused now (None when it may be made); templates only draw
that list.

Why our own and not django-fsm-2 or python-statemachine: their guards answer yes or no, while
our pages must say *why* a move is refused before anyone fills in its form; and they put the
change of state in model methods, while here every write and its audit live in services. The
whole shape is this one small module.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models, transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

from .exceptions import DomainError

# A guard looks at the locked record and says why the move cannot be made, or None if it can.
Guard = Callable[[models.Model], str | None]


class TransitionRefused(DomainError):
    """A move that cannot be made. Machines raise their app's own subclass (`refused=`) so the
    app's views handle it like every other domain error."""


@dataclass(frozen=True)
class Move:
    """One move: from any of `sources` to `target`, or, for a decision, to the state its
    `outcomes` map the chosen outcome to (`target` is then left empty)."""

    name: str
    label: str
    sources: frozenset
    target: str = ""
    guards: tuple[Guard, ...] = ()
    outcomes: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""
    date_label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "guards", tuple(self.guards))
        if bool(self.target) == bool(self.outcomes):
            raise ValueError(f"Move {self.name!r} needs a target or outcomes, not both.")

    @property
    def targets(self) -> frozenset:
        return frozenset(self.outcomes.values()) if self.outcomes else frozenset({self.target})

    def target_for(self, outcome: str | None = None) -> str | None:
        """The state this move leads to (for a decision, given its outcome; None if unknown)."""
        if not self.outcomes:
            return self.target
        return self.outcomes.get(outcome)


@dataclass(frozen=True)
class MoveOption:
    """A move from the record's current state, for a page to draw: a button when `refusal` is
    None, otherwise the reason it cannot be made yet."""

    move: Move
    refusal: str | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def name(self) -> str:
        return self.move.name

    @property
    def label(self) -> str:
        return self.move.label


class StateMachine:
    """The moves of one state field. `guards` apply to every move (for example "not while
    paused"); each move's own guards come after them. `after(obj, move, actor, context)` runs
    inside the transaction once the move is saved and audited."""

    def __init__(
        self,
        *,
        field: str,
        states: type[models.TextChoices],
        moves: Iterable[Move],
        refused: type[Exception] = TransitionRefused,
        guards: Iterable[Guard] = (),
        after: Callable | None = None,
        describe_refusal: Callable[[models.Model, Move], str] | None = None,
    ):
        self.field = field
        self.states = states
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"Move {move.name!r} is declared twice.")
            unknown = (move.sources | move.targets) - set(states.values)
            if unknown:
                raise ValueError(f"Move {move.name!r} names unknown states: {sorted(unknown)}")
            self.moves[move.name] = move
        self.refused = refused
        self.guards = tuple(guards)
        self.after = after
        self.describe_refusal = describe_refusal or self._wrong_state

    def __getitem__(self, name: str) -> Move:
        return self.moves[name]

    def __contains__(self, name: str) -> bool:
        return name in self.moves

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def moves_from(self, state: str) -> list[Move]:
        """The moves declared from this state, in the order they were declared."""
        return [move for move in self.moves.values() if state in move.sources]

    def sources_of(self, name: str) -> frozenset:
        return self.moves[name].sources

    def refusal(self, obj, name: str) -> str | None:
        """Why `obj` cannot make the move now, or None if it can."""
        move = self.moves[name]
        if self.state_of(obj) not in move.sources:
            return self.describe_refusal(obj, move)
        for guard in (*self.guards, *move.guards):
            reason = guard(obj)
            if reason:
                return reason
        return None

    def hold(self, obj) -> str | None:
        """Why no move at all can be made now (the machine's own guards, for example a pause)."""
        for guard in self.guards:
            reason = guard(obj)
            if reason:
                return reason
        return None

    def options(self, obj) -> list[MoveOption]:
        """Every move from the current state, each with the reason it is refused (or None)."""
        return [
            MoveOption(move, self.refusal(obj, move.name)) for move in self.moves_from(self.state_of(obj))
        ]

    def check(self, obj, name: str) -> Move:
        """The move, or the machine's refusal error with the reason."""
        reason = self.refusal(obj, name)
        if reason:
            raise self.refused(reason)
        return self.moves[name]

    def _wrong_state(self, obj, move: Move) -> str:
        current = self.states(self.state_of(obj)).label
        allowed = " or ".join(f"“{self.states(s).label}”" for s in self._in_order(move.sources))
        verb = move.label[0].lower() + move.label[1:]
        return f"This record is at “{current}”. You can {verb} only when it is at {allowed}."

    def _in_order(self, states: Iterable[str]) -> list[str]:
        order = list(self.states.values)
        return sorted(states, key=order.index)


def sync_deadlines(obj, move: Move, actor, context: dict) -> None:
    """An `after` hook for a record whose deadlines follow its state."""
    from somerset_safety.deadlines.services import deadlines_sync

    deadlines_sync(subject=obj)


@transaction.atomic
def transition(
    obj,
    name: str,
    *,
    machine: StateMachine,
    actor,
    outcome: str | None = None,
    values: Mapping[str, object] | None = None,
    detail: Mapping[str, object] | None = None,
    context: Mapping[str, object] | None = None,
    audit: bool = True,
):
    """Make one move: lock the row, check it, set the new state and `values`, save, audit and
    run the machine's `after` hook. Returns the locked, updated record. Raises the machine's
    refusal error (nothing written) when the move cannot be made now.

    `outcome` picks the target of a decision move; `context` is passed to `after` untouched
    (for example the date and note for a timeline entry); `audit=False` only for work the
    caller audits itself in the same transaction.
    """
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    move = machine.check(obj, name)
    target = move.target_for(outcome)
    if target is None:
        raise machine.refused(f"Choose one of: {', '.join(str(o) for o in move.outcomes)}.")
    before = machine.state_of(obj)
    values = dict(values or {})
    for field_name, value in values.items():
        setattr(obj, field_name, value)
    setattr(obj, machine.field, target)
    fields = [machine.field, *values]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    if audit:
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=obj,
            changed_fields=[machine.field, *values],
            detail={"move": name, "from": before, "to": target, **(detail or {})},
        )
    if machine.after is not None:
        machine.after(obj, move, actor, dict(context or {}))
    return obj
