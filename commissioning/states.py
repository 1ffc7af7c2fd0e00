"""The contract's state machine, in the platform's shape (somerset_safety/core/transitions).

Planned → procuring → in standstill → live ⇄ in extension → ending → ended, or abandoned
(ended) before a contract is signed. Every change of status goes through
`transition(contract, name, machine=CONTRACT_MOVES, …)` in the services; the contract page draws
`CONTRACT_MOVES.options(contract)`, each move with the reason it cannot be made yet."""

from somerset_safety.core.dates import today as local_today
from somerset_safety.core.transitions import Move, StateMachine

from . import conf, schedule
from .clocks import long_date
from .exceptions import CommissioningError
from .models import ContractStatus


def _wrong_status(contract, move: Move) -> str:
    allowed = " or ".join(f"“{ContractStatus(s).label.lower()}”" for s in ContractStatus if s in move.sources)
    return (
        f"This contract is {contract.get_status_display().lower()}. "
        f"You can {move.label[0].lower()}{move.label[1:]} only when it is {allowed}."
    )


def _standstill_over(contract) -> str | None:
    """The standstill has ended (a representation awaiting re-decision holds it open)."""
    end = schedule.standstill_end(contract)
    if end is None:
        return "A representation is waiting for the council's re-decision: the standstill is still running."
    if local_today() <= end:
        return f"The standstill runs to midnight at the end of {long_date(end)}. The contract can be signed after that."
    return None


def _enough_kpis(contract) -> str | None:
    """Procurement Act 2023, over £5 million: the KPIs are set before the contract is signed."""
    if not contract.is_notifiable:
        return None
    needed = conf.pa2023_min_kpis()
    have = contract.kpis.filter(active=True).count()
    if have < needed:
        return (
            f"Under the Procurement Act 2023 a contract over £5 million needs at least {needed} KPIs "
            f"set before it is signed. This one has {have}."
        )
    return None


RUNNING = {ContractStatus.LIVE, ContractStatus.IN_EXTENSION}

CONTRACT_MOVES = StateMachine(
    field="status",
    states=ContractStatus,
    refused=CommissioningError,
    describe_refusal=_wrong_status,
    moves=[
        Move("start_procurement", "Start procurement", {ContractStatus.PLANNED}, ContractStatus.PROCURING),
        Move(
            "issue_intention",
            "Record the intention-to-award notice",
            {ContractStatus.PROCURING},
            ContractStatus.STANDSTILL,
        ),
        Move(
            "sign",
            "Record the contract as signed",
            {ContractStatus.STANDSTILL},
            ContractStatus.LIVE,
            guards=(_standstill_over, _enough_kpis),
        ),
        Move("extend", "Take an extension", RUNNING, ContractStatus.IN_EXTENSION),
        Move("begin_ending", "Record that the contract is ending", RUNNING, ContractStatus.ENDING),
        Move("end", "Record the contract as ended", {ContractStatus.ENDING}, ContractStatus.ENDED),
        Move(
            "abandon",
            "Abandon the procurement",
            {ContractStatus.PLANNED, ContractStatus.PROCURING, ContractStatus.STANDSTILL},
            ContractStatus.ENDED,
        ),
    ],
)
