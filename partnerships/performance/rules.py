"""The three judgements of an indicator's value, each with its own written rule. They are
separate on purpose: a fall since last quarter can be "worsening" while the value is still green
against its target, and the page shows both.

1. RAG against the target for the plan period, with the indicator's tolerance (a percentage of
   the target):
   - higher is better: green at or above the target; amber below it but no further below than the
     tolerance; red further below.
   - lower is better: green at or below the target; amber above it but no further above than the
     tolerance; red further above.
   No target or no value: not rated.
2. Direction of travel, against the previous quarter and, separately, the same quarter a year
   before: "no change" when the value moved by no more than PERFORMANCE_STABLE_PCT (default 2)
   per cent of the earlier value; otherwise "improving" when it moved the way the polarity says is
   better, "worsening" when the other way. Without the earlier value: not known.
3. Comparator position (most similar group average or England): "similar" within the same band
   as direction of travel, otherwise "better" or "worse" by the polarity.

A priority is red when any of its rated indicators is red, amber when any is amber and none red,
green when every rated indicator is green; not rated when none is.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from ..models.performance import Polarity

GREEN, AMBER, RED = "green", "amber", "red"
IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no_change"
BETTER, WORSE, SIMILAR = "better", "worse", "similar"

LABELS = {
    GREEN: "Green",
    AMBER: "Amber",
    RED: "Red",
    None: "Not rated",
    IMPROVING: "Improving",
    WORSENING: "Worsening",
    NO_CHANGE: "No change",
    BETTER: "Better",
    WORSE: "Worse",
    SIMILAR: "Similar",
}
# GOV.UK tag colours: a rating is never shown by colour alone (the label is always there).
COLOURS = {GREEN: "green", AMBER: "yellow", RED: "red", None: "grey"}


def stable_pct() -> Decimal:
    return Decimal(str(getattr(settings, "PERFORMANCE_STABLE_PCT", 2)))


def rag(value: Decimal | None, target: Decimal | None, tolerance_pct: Decimal, polarity: str) -> str | None:
    if value is None or target is None:
        return None
    allowance = abs(target) * Decimal(tolerance_pct) / 100
    if polarity == Polarity.HIGHER_IS_BETTER:
        if value >= target:
            return GREEN
        return AMBER if value >= target - allowance else RED
    if value <= target:
        return GREEN
    return AMBER if value <= target + allowance else RED


def _moved(value: Decimal, earlier: Decimal, polarity: str) -> str:
    """Better (+1), worse (-1) or the same (0) beyond the stable band around `earlier`."""
    band = abs(earlier) * stable_pct() / 100
    change = value - earlier
    if abs(change) <= band:
        return "same"
    up = change > 0
    return "better" if up == (polarity == Polarity.HIGHER_IS_BETTER) else "worse"


def direction(value: Decimal | None, earlier: Decimal | None, polarity: str) -> str | None:
    if value is None or earlier is None:
        return None
    return {"same": NO_CHANGE, "better": IMPROVING, "worse": WORSENING}[_moved(value, earlier, polarity)]


def comparator_position(value: Decimal | None, comparator: Decimal | None, polarity: str) -> str | None:
    if value is None or comparator is None:
        return None
    return {"same": SIMILAR, "better": BETTER, "worse": WORSE}[_moved(value, comparator, polarity)]


def priority_status(ratings) -> str | None:
    rated = [r for r in ratings if r is not None]
    if not rated:
        return None
    if RED in rated:
        return RED
    if AMBER in rated:
        return AMBER
    return GREEN


@dataclass(frozen=True)
class Judgement:
    rag: str | None
    since_last_quarter: str | None
    since_last_year: str | None
    against_comparator: str | None
