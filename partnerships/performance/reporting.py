"""The Executive report sections and dashboard panels of partnership boards (registered in
PartnershipsConfig.ready): performance against each current framework, public values only and
small counts of people suppressed; and the boards' decisions in the report period, exempt ones
left out. JSON-able aggregate figures: the report freezes them in its version."""

from datetime import timedelta

from django.db.models import Q

from somerset_safety.core.dates import add_months
from somerset_safety.reports.disclosure import RECORDS, Declaration
from somerset_safety.reports.periods import ReportPeriod

from ..models import Decision, Framework, Indicator, IndicatorValue, Priority, Release
from .selectors import compared_quarters, framework_figures
from .services import quarters_of


def performance_figures(period: ReportPeriod) -> dict:
    """Each current framework for the latest quarter ended by the report date with public values
    (else the latest ended), public values only. Four queries whatever the number of frameworks:
    the frameworks, every public value of theirs (which quarters have public values, and the
    values shown), then the indicators and priorities of every framework shown."""
    frameworks = list(
        Framework.objects.filter(period_start__lte=period.end, period_end__gte=period.end)
        .select_related("board__body")
        .order_by("board__body__name")
    )
    if not frameworks:
        return {"as_of": period.end.isoformat(), "frameworks": []}
    public = list(
        IndicatorValue.objects.filter(
            indicator__framework__in=[f.pk for f in frameworks], release=Release.PUBLIC
        ).select_related("indicator")
    )
    with_values = {(value.indicator.framework_id, value.period_start) for value in public}
    quarters = {}
    for framework in frameworks:
        ended = [q for q in quarters_of(framework) if add_months(q, 3) - timedelta(days=1) <= period.end]
        if ended:
            published = [q for q in ended if (framework.pk, q) in with_values]
            quarters[framework.pk] = (published or ended)[-1]
    shown = [f for f in frameworks if f.pk in quarters]
    if not shown:
        return {"as_of": period.end.isoformat(), "frameworks": []}
    loaded = {f.pk: {"indicators": [], "values": [], "priorities": []} for f in shown}
    for indicator in (
        Indicator.objects.filter(framework__in=[f.pk for f in shown])
        .select_related("priority")
        .order_by("priority__number", "position", "code")
    ):
        loaded[indicator.framework_id]["indicators"].append(indicator)
    compared = {f.pk: set(compared_quarters(quarters[f.pk])) for f in shown}
    for value in public:
        framework_id = value.indicator.framework_id
        if framework_id in compared and value.period_start in compared[framework_id]:
            loaded[framework_id]["values"].append(value)
    plans = {(f.board.body_id, f.period_start): f.pk for f in shown}
    in_plans = Q()
    for body_id, period_start in plans:
        in_plans |= Q(body_id=body_id, period_start=period_start)
    for priority in Priority.objects.filter(in_plans).order_by("number"):
        loaded[plans[(priority.body_id, priority.period_start)]]["priorities"].append(priority)
    return {
        "as_of": period.end.isoformat(),
        "frameworks": [
            framework_figures(
                framework,
                quarters[framework.pk],
                releases={Release.PUBLIC},
                suppress=True,
                loaded=loaded[framework.pk],
            )
            for framework in shown
        ],
    }


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
