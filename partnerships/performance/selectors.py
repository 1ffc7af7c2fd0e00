"""Reads of the performance framework: a framework's priorities → indicators → value, target,
RAG and direction of travel for one quarter, and an indicator's history. JSON-able, so the
Executive report can freeze them. `releases` says which values the reader may see (a public
paper: public only); `suppress` hides small counts of people (fewer than SMALL_COUNT_THRESHOLD)
and anything worked from them, for readers without detail access."""

from datetime import date
from decimal import Decimal

from somerset_safety.core.dates import add_months
from somerset_safety.reports import disclosure
from somerset_safety.reports.periods import financial_quarter_name, quarter_start

from ..models import Framework, Indicator, IndicatorValue, Release, Unit
from . import rules
from .services import quarters_of

# Each indicator stands alone (no indicator is the sum of others), so the platform's one rule
# (reports.disclosure) comes down to its primary suppression here: a count of people, marked so
# on the indicator, that is small reads "fewer than 5", and so does what is worked from it.
FEWER_THAN = disclosure.Withheld(small=True)


def _suppressed(indicator: Indicator, value: Decimal | None, suppress: bool) -> bool:
    return (
        suppress and indicator.counts_people and indicator.unit == Unit.NUMBER and disclosure.is_small(value)
    )


def show(value: Decimal | None, unit: str) -> str:
    """A value as the page and paper print it."""
    if value is None:
        return "–"
    if value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.RATE_PER_1000:
        return f"{text} per 1,000"
    if unit == Unit.RATE_PER_100000:
        return f"{text} per 100,000"
    return text


def latest_quarter_with_values(framework: Framework, releases) -> date | None:
    return (
        IndicatorValue.objects.filter(indicator__framework=framework, release__in=releases)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )


def default_quarter(framework: Framework, releases, today: date) -> date:
    latest = latest_quarter_with_values(framework, releases)
    if latest:
        return latest
    quarters = quarters_of(framework)
    earlier = [q for q in quarters if q <= quarter_start(today)]
    return earlier[-1] if earlier else quarters[0]


def _row(indicator: Indicator, values: dict, quarter: date, suppress: bool) -> dict:
    current = values.get((indicator.pk, quarter))
    previous = values.get((indicator.pk, add_months(quarter, -3)))
    last_year = values.get((indicator.pk, add_months(quarter, -12)))
    value = current.value if current else None
    comparator = current.comparator_value if current else None
    hidden = any(_suppressed(indicator, v, suppress) for v in (value, previous.value if previous else None))
    judgement = rules.Judgement(
        rag=rules.rag(value, indicator.target, indicator.tolerance_pct, indicator.polarity),
        since_last_quarter=rules.direction(value, previous.value if previous else None, indicator.polarity),
        since_last_year=rules.direction(value, last_year.value if last_year else None, indicator.polarity),
        against_comparator=rules.comparator_position(value, comparator, indicator.polarity),
    )
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.get_unit_display(),
        "polarity": indicator.get_polarity_display(),
        "source": indicator.get_source_display(),
        "value": (
            str(FEWER_THAN) if _suppressed(indicator, value, suppress) else show(value, indicator.unit)
        ),
        "previous": (
            str(FEWER_THAN)
            if previous and _suppressed(indicator, previous.value, suppress)
            else show(previous.value if previous else None, indicator.unit)
        ),
        "last_year": (
            str(FEWER_THAN)
            if last_year and _suppressed(indicator, last_year.value, suppress)
            else show(last_year.value if last_year else None, indicator.unit)
        ),
        "target": show(indicator.target, indicator.unit) if indicator.target is not None else "No target",
        "comparator": indicator.get_comparator_display() if indicator.comparator else "",
        "comparator_value": show(comparator, indicator.unit) if comparator is not None else "",
        "release": current.release if current else "",
        "release_label": current.get_release_display() if current else "",
        "rag": judgement.rag,
        "rag_label": rules.LABELS[judgement.rag],
        "rag_colour": rules.COLOURS[judgement.rag],
        "since_last_quarter": rules.LABELS.get(judgement.since_last_quarter, "Not known")
        if judgement.since_last_quarter
        else "Not known",
        "since_last_year": rules.LABELS[judgement.since_last_year]
        if judgement.since_last_year
        else "Not known",
        "against_comparator": rules.LABELS[judgement.against_comparator]
        if judgement.against_comparator
        else "",
        "suppressed": hidden,
    }


def compared_quarters(quarter: date) -> list[date]:
    """The quarter, the one before and the same quarter a year before: the values a quarter's
    judgements need."""
    return [quarter, add_months(quarter, -3), add_months(quarter, -12)]


def framework_figures(
    framework: Framework, quarter: date, *, releases, suppress: bool, loaded: dict | None = None
) -> dict:
    """Priorities → indicators for one quarter with their judgements, and each priority's status.
    Three queries whatever the number of indicators; none when `loaded` gives the framework's
    indicators (in order), its values of compared_quarters() in `releases` and its priorities
    (in order), read for several frameworks at once."""
    if loaded is None:
        loaded = {
            "indicators": list(
                framework.indicators.select_related("priority").order_by(
                    "priority__number", "position", "code"
                )
            ),
            "values": list(
                IndicatorValue.objects.filter(
                    indicator__framework=framework,
                    period_start__in=compared_quarters(quarter),
                    release__in=list(releases),
                )
            ),
            "priorities": list(framework.priorities.order_by("number")),
        }
    indicators = loaded["indicators"]
    values = {(v.indicator_id, v.period_start): v for v in loaded["values"]}
    priorities = []
    for priority in loaded["priorities"]:
        rows = [_row(i, values, quarter, suppress) for i in indicators if i.priority_id == priority.pk]
        status = rules.priority_status([r["rag"] for r in rows])
        priorities.append(
            {
                "number": priority.number,
                "title": priority.title,
                "status": status,
                "status_label": rules.LABELS[status],
                "status_colour": rules.COLOURS[status],
                "because": [
                    r["code"] for r in rows if r["rag"] == status and status in (rules.RED, rules.AMBER)
                ],
                "indicators": rows,
            }
        )
    return {
        "framework": str(framework),
        "board": framework.board.name,
        "quarter": quarter.isoformat(),
        "quarter_name": financial_quarter_name(quarter),
        "public_only": set(releases) == {Release.PUBLIC},
        "priorities": priorities,
    }


def indicator_history(indicator: Indicator, *, releases, suppress: bool) -> dict:
    """Every quarter of the plan period with its value, RAG and direction since the quarter
    before, and the chart's series (value and target; suppressed values left out)."""
    values = {
        v.period_start: v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, release__in=list(releases)
        ).select_related("approved_by")
    }
    rows, labels, series, target = [], [], [], []
    previous = None
    for quarter in quarters_of(indicator.framework):
        current = values.get(quarter)
        value = current.value if current else None
        hidden = _suppressed(indicator, value, suppress)
        rag = rules.rag(value, indicator.target, indicator.tolerance_pct, indicator.polarity)
        direction = rules.direction(value, previous, indicator.polarity)
        rows.append(
            {
                "quarter": quarter,
                "name": financial_quarter_name(quarter),
                "row": current,
                "value": str(FEWER_THAN) if hidden else show(value, indicator.unit),
                "comparator_value": show(current.comparator_value, indicator.unit)
                if current and current.comparator_value is not None
                else "",
                "rag_label": rules.LABELS[rag],
                "rag_colour": rules.COLOURS[rag],
                "direction": rules.LABELS[direction] if direction else "Not known",
            }
        )
        labels.append(financial_quarter_name(quarter))
        series.append(None if (value is None or hidden) else float(value))
        target.append(float(indicator.target) if indicator.target is not None else None)
        previous = value
    chart_series = {indicator.name: series}
    if indicator.target is not None:
        chart_series["Target"] = target
    shown = [r for r in rows if r["row"] is not None]
    alt = (
        f"Line chart of {indicator.name} by quarter"
        + (
            f" against its target of {show(indicator.target, indicator.unit)}"
            if indicator.target is not None
            else ""
        )
        + f". {len(shown)} quarter{'s' if len(shown) != 1 else ''} have values; they are in the table below."
    )
    return {"rows": rows, "labels": labels, "series": chart_series, "alt": alt}
