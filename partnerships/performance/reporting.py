"""The Executive report sections and dashboard panels of partnership boards (registered in
PartnershipsConfig.ready): performance against each current framework, public values only and
small counts of people suppressed; and the boards' decisions in the report period, exempt ones
left out. JSON-able aggregate figures: the report freezes them in its version."""

from datetime import timedelta

from django.db.models import Q

from somerset_safety.core.dates import add_months
from somerset_safety.reports.disclosure import RECORDS, Declaration
from somerset_safety.reports.periods import ReportPeriod

from ..models import Decision, Framework, IndicatorValue, Release
from .selectors import framework_figures
from .services import quarters_of


def _quarter_for(framework: Framework, period: ReportPeriod):
    """The latest quarter ended by the report date with public values; else the latest ended."""
    ended = [q for q in quarters_of(framework) if add_months(q, 3) - timedelta(days=1) <= period.end]
    if not ended:
        return None
    with_values = set(
        IndicatorValue.objects.filter(
            indicator__framework=framework, release=Release.PUBLIC, period_start__in=ended
        )
        .values_list("period_start", flat=True)
        .distinct()
    )
    published = [q for q in ended if q in with_values]
    return (published or ended)[-1]


def performance_figures(period: ReportPeriod) -> dict:
    frameworks = Framework.objects.filter(
        period_start__lte=period.end, period_end__gte=period.end
    ).select_related("board__body")
    shown = []
    for framework in frameworks.order_by("board__body__name"):
        quarter = _quarter_for(framework, period)
        if quarter is None:
            continue
        shown.append(framework_figures(framework, quarter, releases={Release.PUBLIC}, suppress=True))
    return {"as_of": period.end.isoformat(), "frameworks": shown}


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
