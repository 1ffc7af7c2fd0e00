"""A contract's dates, worked out in one place from its own rows with the arithmetic in
clocks.py. The services store the end dates and the deadline rule turns the rest into stored
deadlines; pages read those, never this directly."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

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


# --- A contract as it stood on a past day (for reports dated in the past) ---------------------

ON_DAY_STATUSES = [
    ("procuring", "Planned or being procured"),
    ("live", "Live"),
    ("in_extension", "In extension"),
    ("ending", "Ending"),
    ("ended", "Ended"),
]


@dataclass(frozen=True)
class OnDay:
    status: str
    end: date
    latest_end: date
    next_decision: tuple[str, date] | None  # ("extension" or "reprocurement", due)


def on_day(contract, day: date) -> OnDay | None:
    """The contract's status and end dates as they stood on `day`, from its own dated rows
    (decisions taken after `day` do not count). None if it had not been signed by then and was
    not yet on record as planned. Needs the options with their extensions (one query for a list:
    `Prefetch("options", queryset=ExtensionOption.objects.select_related("extension"))`)."""
    signed = contract.signed_on is not None and contract.signed_on <= day
    if not signed and timezone.localdate(contract.created_at) > day:
        return None
    options = sorted(contract.options.all(), key=lambda o: o.number)
    taken = [
        (o.extension.decided_on, o.extension.pk, o.months)
        for o in options
        if getattr(o, "extension", None) is not None and o.extension.decided_on <= day
    ]
    end = clocks.end_after(contract.initial_end_date, [months for *_, months in sorted(taken)])
    still_open = [
        o.months
        for o in options
        if not (getattr(o, "extension", None) is not None and o.extension.decided_on <= day)
        and not (o.declined_on and o.declined_on <= day)
    ]
    latest = clocks.end_after(end, still_open)
    ending = contract.ending_decided_on is not None and contract.ending_decided_on <= day
    if ending:
        end = latest = contract.final_end_date
    if not signed:
        status = "ended" if ending else "procuring"
    elif end < day:
        status = "ended"
    elif ending:
        status = "ending"
    else:
        status = "in_extension" if taken else "live"
    decisions = []
    if status in ("live", "in_extension") and still_open:
        decisions.append(("extension", clocks.extension_decision_due(end, contract.notice_period_months)))
    started = contract.reprocurement_started_on
    if status in ("live", "in_extension", "ending") and not (started and started <= day):
        decisions.append(
            ("reprocurement", clocks.reprocurement_start_by(latest, conf.reprocurement_lead_months()))
        )
    return OnDay(status, end, latest, min(decisions, key=lambda d: d[1]) if decisions else None)
