"""The commissioning section of the Executive report and panel of the partnership dashboard
(one build, one template), registered with the platform in the app's ready().

Figures as they stood on the report date: contracts by status with their end and decision
dates, each contract's KPI RAG for the quarter the report covers, the pooled budget position
and the grants won. Contract counts are of contracts, shown exactly; a KPI that counts people
is marked so its small values are suppressed for partnership leads and in the public paper.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from somerset_safety.reports.disclosure import RECORDS, Declaration
from somerset_safety.reports.periods import last_quarter_end
from somerset_safety.reports.registry import (
    DashboardPanel,
    ReportSection,
    as_at,
    register_dashboard_panel,
    register_report_section,
)

from . import deadlines, rag, schedule
from .clocks import Quarter, financial_year_label, financial_year_of
from .models import (
    BudgetContribution,
    BudgetSpend,
    Contract,
    ExtensionOption,
    Grant,
    GrantStatus,
    KpiResult,
)

RAG_ORDER = [rag.GREEN, rag.AMBER, rag.RED]


def report_quarter(as_of: date) -> Quarter:
    """The quarter the KPI figures are for: the last one to have ended by the report date
    (returns come in after a quarter ends, so a quarter to date has none)."""
    return Quarter.containing(last_quarter_end(as_of))


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


DECISION_LABELS = {
    "extension": deadlines.CONTRACT_KINDS[deadlines.EXTENSION_DECISION],
    "reprocurement": deadlines.CONTRACT_KINDS[deadlines.REPROCUREMENT_START],
}


def _decision(state: schedule.OnDay) -> dict | None:
    if state.next_decision is None:
        return None
    kind, due = state.next_decision
    return {"kind": kind, "label": DECISION_LABELS[kind], "due": due.isoformat()}


def _kpi_results(contract_ids: list[int], quarter: Quarter, as_of: date) -> dict[int, list[dict]]:
    """The quarter's results received by `as_of`, each with its RAG and its trend against the
    quarter before (one query for both quarters)."""
    previous = quarter.previous()
    results = (
        KpiResult.objects.filter(
            Q(quarterly_return__year=quarter.year, quarterly_return__quarter=quarter.number)
            | Q(quarterly_return__year=previous.year, quarterly_return__quarter=previous.number),
            quarterly_return__received_on__lte=as_of,
            quarterly_return__contract_id__in=contract_ids,
        )
        .select_related("kpi", "quarterly_return")
        .order_by("kpi__order", "kpi_id")
    )
    before, current = {}, []
    for result in results:
        if result.quarterly_return.period == quarter:
            current.append(result)
        else:
            before[result.kpi_id] = result.value
    by_contract: dict[int, list[dict]] = {}
    for result in current:
        kpi = result.kpi
        colour = rag.rag(
            result.value, target=kpi.target, tolerance=kpi.tolerance, higher_is_better=kpi.higher_is_better
        )
        direction = rag.trend(result.value, before.get(kpi.pk), higher_is_better=kpi.higher_is_better)
        by_contract.setdefault(result.quarterly_return.contract_id, []).append(
            {
                "kpi": kpi.name,
                "unit": kpi.unit,
                "value": f"{result.value.normalize():f}",
                # A count of people is an int so the small-count rule can see it.
                "people": int(result.value) if kpi.counts_people else None,
                "target": f"{kpi.target.normalize():f}",
                "direction": kpi.get_direction_display(),
                "rag": colour,
                "rag_label": rag.RAG_LABELS[colour],
                "trend": rag.TREND_LABELS.get(direction, "") if direction else "",
            }
        )
    return by_contract


def _money_and_grants(as_of: date) -> tuple[dict, dict]:
    """The pooled budget position and the grants decided in the financial year, as they stood on
    `as_of`, in one query: three one-row aggregates (contributions received and money spent,
    each before the year and in it; grants decided, won and the amount won) joined by UNION ALL,
    each row named by its first column."""
    year = financial_year_of(as_of)
    zero, nothing = Decimal(0), Value(Decimal(0), output_field=DecimalField())

    def before_and_during(queryset, kind: str):
        return (
            queryset.annotate(kind=Value(kind))
            .values("kind")
            .annotate(
                a=Coalesce(Sum("amount", filter=Q(year__lt=year)), zero),
                b=Coalesce(Sum("amount", filter=Q(year=year)), zero),
                c=nothing,
            )
            .order_by()
        )

    won = Q(status=GrantStatus.AWARDED)
    grants = (
        Grant.objects.filter(decided_on__gte=Quarter(year, 1).start, decided_on__lte=as_of)
        .annotate(kind=Value("grants"))
        .values("kind")
        .annotate(
            a=Count("pk"),
            b=Count("pk", filter=won),
            c=Coalesce(Sum("amount_awarded", filter=won), zero),
        )
        .order_by()
    )
    rows = {
        row["kind"]: row
        for row in before_and_during(BudgetContribution.objects.filter(received_on__lte=as_of), "in").union(
            before_and_during(BudgetSpend.objects.filter(spent_on__lte=as_of), "out"), grants, all=True
        )
    }
    empty = {"a": zero, "b": zero, "c": zero}
    paid, spent, decided = (rows.get(kind, empty) for kind in ("in", "out", "grants"))
    brought_forward = Decimal(paid["a"]) - Decimal(spent["a"])
    balance = brought_forward + Decimal(paid["b"]) - Decimal(spent["b"])
    budget = {
        "year": financial_year_label(year),
        "brought_forward": _money(brought_forward),
        "contributions": _money(Decimal(paid["b"])),
        "spent": _money(Decimal(spent["b"])),
        "balance": _money(balance),
    }
    grants_figures = {
        "year": financial_year_label(year),
        "decided": int(decided["a"]),
        "won": int(decided["b"]),
        "awarded": _money(Decimal(decided["c"])),
    }
    return budget, grants_figures


def commissioning_figures(as_of: date) -> dict:
    """Aggregate, JSON-able figures as they stood on `as_of`, in a fixed number of queries."""
    quarter = report_quarter(as_of)
    budget, grants = _money_and_grants(as_of)
    contracts = list(
        Contract.objects.select_related("provider")
        .prefetch_related(Prefetch("options", queryset=ExtensionOption.objects.select_related("extension")))
        .order_by("reference")
    )
    states = {c.pk: schedule.on_day(c, as_of) for c in contracts}
    contracts = [c for c in contracts if states[c.pk] is not None]
    ids = [c.pk for c in contracts]
    results = _kpi_results(ids, quarter, as_of)
    labels = dict(schedule.ON_DAY_STATUSES)
    rows = []
    for contract in contracts:
        state = states[contract.pk]
        kpis = results.get(contract.pk, [])
        rows.append(
            {
                "reference": contract.reference,
                "title": contract.title,
                "provider": contract.provider.name,
                "status": state.status,
                "status_label": labels[state.status],
                "end": state.end.isoformat(),
                "latest_end": state.latest_end.isoformat(),
                "decision": _decision(state),
                "kpis": kpis,
                "rag": {colour: sum(1 for k in kpis if k["rag"] == colour) for colour in RAG_ORDER},
            }
        )
    counts = [
        {"status": key, "label": label, "count": sum(1 for r in rows if r["status"] == key)}
        for key, label in schedule.ON_DAY_STATUSES
    ]
    rated = [r for r in rows if r["kpis"]]
    return {
        "as_of": as_of.isoformat(),
        "quarter": quarter.label,
        "quarter_start": quarter.start.isoformat(),
        "quarter_end": quarter.end.isoformat(),
        "total": len(rows),
        "counts": counts,
        "contracts": [r for r in rows if r["status"] != "ended"],
        "rated": rated,
        "chart_labels": [r["reference"] for r in rated],
        "chart_series": {rag.RAG_LABELS[c]: [r["rag"][c] for r in rated] for c in RAG_ORDER},
        "chart_alt": "KPIs rated green, amber and red for each contract in "
        + quarter.label
        + ": "
        + "; ".join(
            f"{r['reference']} {r['rag'][rag.GREEN]} green, {r['rag'][rag.AMBER]} amber, {r['rag'][rag.RED]} red"
            for r in rated
        ),
        "budget": budget,
        "grants": grants,
    }


def commissioning_declaration(data: dict) -> Declaration:
    """The figures of commissioning_figures() for the disclosure-control rule and the comparison
    of versions: contracts are counted as records; a KPI result that counts people is PEOPLE."""
    declared = Declaration()
    total = declared.add("total", "Commissioned service contracts", ("total",), kind=RECORDS)
    parts = [
        declared.add(
            f"contracts.{row['status']}",
            f"Contracts: {row['label'].lower()}",
            ("counts", i, "count"),
            kind=RECORDS,
        )
        for i, row in enumerate(data.get("counts", []))
    ]
    declared.add_sum(total, parts)
    for i, row in enumerate(data.get("rated", [])):
        for j, kpi in enumerate(row["kpis"]):
            label = f"{row['reference']} {row['title']}: {kpi['kpi']}"
            place = ("rated", i, "kpis", j)
            if kpi.get("people") is not None:
                declared.add(
                    f"kpi.{row['reference']}.{kpi['kpi']}", label, (*place, "people"), (*place, "value")
                )
            else:
                declared.add(f"kpi.{row['reference']}.{kpi['kpi']}", label, (*place, "value"), kind=RECORDS)
    for key, label in (
        ("brought_forward", "Pooled budget: brought forward"),
        ("contributions", "Pooled budget: contributions received"),
        ("spent", "Pooled budget: spent"),
        ("balance", "Pooled budget: balance"),
    ):
        declared.add(f"budget.{key}", label, ("budget", key), kind=RECORDS)
    return declared


def register_reporting() -> None:
    for register, kind in (
        (register_report_section, ReportSection),
        (register_dashboard_panel, DashboardPanel),
    ):
        register(
            kind(
                key="commissioning",
                title="Commissioned services",
                build=as_at(commissioning_figures),
                template="commissioning/report_section.html",
                order=40,
                declare=commissioning_declaration,
            )
        )
