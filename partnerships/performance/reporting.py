"""The Executive report sections and dashboard panels of partnership boards (registered in
PartnershipsConfig.ready): performance against each current framework, public values only and
small counts of people suppressed; and the boards' decisions in the report period, exempt ones
left out. JSON-able aggregate figures: the report freezes them in its version."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Q

from somerset_safety.core.dates import add_months
from somerset_safety.core.json_rows import as_text, related_rows
from somerset_safety.reports.disclosure import RECORDS, Declaration
from somerset_safety.reports.periods import ReportPeriod

from ..models import Decision, Framework, Indicator, IndicatorValue, Priority, Release
from .selectors import compared_quarters, framework_figures
from .services import quarters_of


def _indicator(row: dict, framework_id: int) -> Indicator:
    return Indicator(
        id=row["id"],
        framework_id=framework_id,
        priority_id=row["priority_id"],
        code=row["code"],
        name=row["name"],
        source=row["source"],
        unit=row["unit"],
        polarity=row["polarity"],
        counts_people=bool(row["counts_people"]),
        target=_decimal(row["target"]),
        tolerance_pct=_decimal(row["tolerance_pct"]),
        comparator=row["comparator"],
        position=row["position"],
    )


def _value(row: dict) -> IndicatorValue:
    return IndicatorValue(
        indicator_id=row["indicator_id"],
        period_start=date.fromisoformat(row["period_start"]),
        value=_decimal(row["value"]),
        comparator_value=_decimal(row["comparator_value"]),
        release=row["release"],
    )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _current_frameworks(as_of: date) -> list[Framework]:
    """The frameworks current on `as_of`, each with its public values, its indicators (in the
    order the paper lists them) and its plan's priorities (in number order): one query."""
    frameworks = list(
        Framework.objects.filter(period_start__lte=as_of, period_end__gte=as_of)
        .select_related("board__body")
        .annotate(
            public_rows=related_rows(
                IndicatorValue.objects.filter(indicator__framework=OuterRef("pk"), release=Release.PUBLIC),
                group_by="indicator__framework",
                fields={
                    "indicator_id": F("indicator_id"),
                    "period_start": F("period_start"),
                    "value": as_text("value"),
                    "comparator_value": as_text("comparator_value"),
                    "release": F("release"),
                },
            ),
            indicator_rows=related_rows(
                Indicator.objects.filter(framework=OuterRef("pk")),
                group_by="framework",
                fields={
                    "id": F("pk"),
                    "priority_id": F("priority_id"),
                    "priority_number": F("priority__number"),
                    "position": F("position"),
                    "code": F("code"),
                    "name": F("name"),
                    "source": F("source"),
                    "unit": F("unit"),
                    "polarity": F("polarity"),
                    "counts_people": F("counts_people"),
                    "target": as_text("target"),
                    "tolerance_pct": as_text("tolerance_pct"),
                    "comparator": F("comparator"),
                },
                order_by=("priority_number", "position", "code"),
            ),
            priority_rows=related_rows(
                Priority.objects.filter(body=OuterRef("board__body"), period_start=OuterRef("period_start")),
                group_by="body",
                fields={"id": F("pk"), "number": F("number"), "title": F("title")},
                order_by=("number",),
            ),
        )
        .order_by("board__body__name")
    )
    for framework in frameworks:
        framework.public = [_value(row) for row in framework.public_rows]
        framework.loaded_indicators = [_indicator(row, framework.pk) for row in framework.indicator_rows]
        framework.loaded_priorities = [
            Priority(
                id=row["id"],
                body_id=framework.board.body_id,
                period_start=framework.period_start,
                number=row["number"],
                title=row["title"],
            )
            for row in framework.priority_rows
        ]
    return frameworks


def performance_figures(period: ReportPeriod) -> dict:
    """Each current framework for the latest quarter ended by the report date with public values
    (else the latest ended), public values only. One query whatever the number of frameworks:
    the frameworks, each with every public value of theirs (which quarters have public values,
    and the values shown), its indicators and its priorities."""
    frameworks = _current_frameworks(period.end)
    quarters = {}
    for framework in frameworks:
        with_values = {value.period_start for value in framework.public}
        ended = [q for q in quarters_of(framework) if add_months(q, 3) - timedelta(days=1) <= period.end]
        if ended:
            published = [q for q in ended if q in with_values]
            quarters[framework.pk] = (published or ended)[-1]
    shown = [f for f in frameworks if f.pk in quarters]
    if not shown:
        return {"as_of": period.end.isoformat(), "frameworks": []}
    figures = []
    for framework in shown:
        compared = set(compared_quarters(quarters[framework.pk]))
        loaded = {
            "indicators": framework.loaded_indicators,
            "values": [value for value in framework.public if value.period_start in compared],
            "priorities": framework.loaded_priorities,
        }
        figures.append(
            framework_figures(
                framework, quarters[framework.pk], releases={Release.PUBLIC}, suppress=True, loaded=loaded
            )
        )
    return {"as_of": period.end.isoformat(), "frameworks": figures}


def performance_declaration(data: dict) -> Declaration:
    """performance_figures() for the comparison of report versions. The values are built with
    the small-count rule already applied (selectors._suppressed: no indicator is a sum of
    others), so they are declared as they are printed."""
    declared = Declaration()
    for f, framework in enumerate(data.get("frameworks", [])):
        for p, priority in enumerate(framework["priorities"]):
            place = ("frameworks", f, "priorities", p)
            declared.add(
                f"{framework['board']}.{priority['number']}",
                f"{framework['board']}: priority {priority['number']} {priority['title']} status",
                (*place, "status_label"),
                kind=RECORDS,
            )
            for i, indicator in enumerate(priority["indicators"]):
                declared.add(
                    f"{framework['board']}.{indicator['code']}",
                    f"{framework['board']}: {indicator['code']} {indicator['name']}",
                    (*place, "indicators", i, "value"),
                    kind=RECORDS,
                )
    return declared


def decisions_figures(period: ReportPeriod) -> dict:
    decisions = (
        Decision.objects.filter(decided_on__gte=period.start, decided_on__lte=period.end)
        .filter(Q(paper__isnull=True) | Q(paper__exempt=False))
        .select_related("board__body")
        .order_by("board__body__name", "decided_on", "number")
    )
    boards: dict[str, list] = {}
    for decision in decisions:
        boards.setdefault(decision.board.name, []).append(
            {
                "reference": decision.reference,
                "date": decision.decided_on.isoformat(),
                "wording": decision.wording,
            }
        )
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "boards": [{"name": name, "decisions": rows} for name, rows in boards.items()],
    }


def register() -> None:
    from somerset_safety.reports.registry import (
        DashboardPanel,
        ReportSection,
        register_dashboard_panel,
        register_report_section,
    )

    register_report_section(
        ReportSection(
            key="performance",
            title="Partnership performance",
            build=performance_figures,
            template="partnerships/performance/report_section.html",
            order=25,
            declare=performance_declaration,
        )
    )
    register_report_section(
        ReportSection(
            key="board_decisions",
            title="Decisions of the partnership boards",
            build=decisions_figures,
            template="partnerships/boards/report_decisions.html",
            order=26,
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            key="performance",
            title="Partnership performance (public values)",
            build=performance_figures,
            template="partnerships/performance/report_section.html",
            order=25,
            declare=performance_declaration,
        )
    )
