"""A contract's dates, worked out in one place from its own rows with the arithmetic in
clocks.py. The services store the end dates and the deadline rule turns the rest into stored
deadlines; pages read those, never this directly."""

from dataclasses import dataclass
from datetime import date

from . import clocks, conf
from .models import OptionStatus, Regime


@dataclass(frozen=True)
class ContractDates:
    current_end: date
    latest_end: date
    open_option_months: tuple[int, ...]
    extension_decision_due: date | None
    extension_approval_due: date | None
    reprocurement_start_by: date
    reprocurement_approval_due: date
    standstill_end: date | None

    @property
    def standstill_waiting_for_re_decision(self) -> bool:
        return self.standstill_end is None


def _exercised_months(contract) -> list[int]:
    extensions = sorted(contract.extensions.all(), key=lambda e: (e.decided_on, e.pk))
    return [e.option.months for e in extensions]


def open_options(contract) -> list:
    return sorted(
        (o for o in contract.options.all() if o.status in (OptionStatus.ENVISAGED, OptionStatus.AGREED)),
        key=lambda o: o.number,
    )


def standstill_end(contract) -> date | None:
    """The last day of the standstill after the intention-to-award notice, or None while a
    Provider Selection Regime representation waits for the council's re-decision."""
    if contract.intention_notice_on is None:
        return None
    days = conf.standstill_working_days(contract.regime)
    if contract.regime != Regime.PSR:
        return clocks.standstill_end(contract.intention_notice_on, days)
    return clocks.psr_standstill_end(
        contract.intention_notice_on,
        [clocks.Representation(r.received_on, r.re_decision_on) for r in contract.representations.all()],
        working_days=days,
        restart_working_days=conf.psr_restart_working_days(),
    )


def contract_dates(contract) -> ContractDates:
    """Needs the contract's options, extensions (with their options) and representations;
    prefetch them for lists."""
    current_end = clocks.end_after(contract.initial_end_date, _exercised_months(contract))
    remaining = tuple(o.months for o in open_options(contract))
    latest_end = clocks.end_after(current_end, remaining)
    decision_due = (
        clocks.extension_decision_due(current_end, contract.notice_period_months) if remaining else None
    )
    start_by = clocks.reprocurement_start_by(latest_end, conf.reprocurement_lead_months())
    return ContractDates(
        current_end=current_end,
        latest_end=latest_end,
        open_option_months=remaining,
        extension_decision_due=decision_due,
        extension_approval_due=(
            clocks.approval_due(decision_due, contract.approval_lead_days) if decision_due else None
        ),
        reprocurement_start_by=start_by,
        reprocurement_approval_due=clocks.approval_due(start_by, contract.approval_lead_days),
        standstill_end=standstill_end(contract),
    )
