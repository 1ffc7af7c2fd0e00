"""Our own red/amber/green rating of a KPI result, and its trend. Pure functions.

Kept apart from the Procurement Act 2023 five-point rating of a contract performance notice,
which an officer chooses; this one is worked out.
"""

from decimal import Decimal

GREEN, AMBER, RED = "green", "amber", "red"
IMPROVING, WORSENING, SAME = "improving", "worsening", "same"

RAG_LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red"}
TREND_LABELS = {IMPROVING: "Improving", WORSENING: "Worsening", SAME: "No change"}


def rag(value: Decimal, *, target: Decimal, tolerance: Decimal, higher_is_better: bool) -> str:
    """Green when the target is met (exactly on it included); amber when short of it by no more
    than the tolerance, in the KPI's own unit (exactly at the tolerance's edge included); red
    beyond that."""
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return GREEN
    if shortfall <= tolerance:
        return AMBER
    return RED


def trend(value: Decimal, previous: Decimal | None, *, higher_is_better: bool) -> str | None:
    """Against the previous period's result; None when there is none to compare with."""
    if previous is None:
        return None
    if value == previous:
        return SAME
    return IMPROVING if (value > previous) == higher_is_better else WORSENING
