"""The commissioning section of the Executive report and panel of the partnership dashboard
(one build, one template), registered with the platform in the app's ready().

Figures as they stood on the report date: contracts by status with their end and decision
dates, each contract's KPI RAG for the quarter the report covers, the pooled budget position
and the grants won. Contract counts are of contracts, shown exactly; a KPI that counts people
is marked so its small values are suppressed for partnership leads and in the public paper.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from somerset_safety.core.json_rows import as_text, related_rows
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
    Extension,
    ExtensionOption,
    Grant,
    GrantStatus,
    Kpi,
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


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _with_options(contract: Contract, rows: list[dict]) -> None:
    """Gives the contract its extension options (each with its extension, or none) from the
    rows read with it, in the cache a prefetch fills, so schedule.on_day() reads no more."""
    options = []
    for row in rows:
        option = ExtensionOption(
            id=row["id"],
            contract_id=contract.pk,
            number=row["number"],
            months=row["months"],
            status=row["status"],
            declined_on=_day(row["declined_on"]),
        )
        extension = None
        if row["extension_id"] is not None:
            extension = Extension(
                id=row["extension_id"],
                contract_id=contract.pk,
                option=option,
                decided_on=date.fromisoformat(row["extension_decided_on"]),
            )
        ExtensionOption.extension.related.set_cached_value(option, extension)
        options.append(option)
    cached = contract.options.all()
    cached._result_cache, cached._prefetch_done = options, True
    contract._prefetched_objects_cache = {"options": cached}


def _contracts(quarter: Quarter, as_of: date) -> list[Contract]:
    """Every contract with its provider, its extension options (with their extensions) and its
    KPI results of the quarter and the quarter before received by `as_of` (`result_rows`, in
    the KPIs' order): one query."""
    previous = quarter.previous()
    results = KpiResult.objects.filter(
        Q(quarterly_return__year=quarter.year, quarterly_return__quarter=quarter.number)
        | Q(quarterly_return__year=previous.year, quarterly_return__quarter=previous.number),
        quarterly_return__received_on__lte=as_of,
        quarterly_return__contract=OuterRef("pk"),
    )
    contracts = list(
        Contract.objects.select_related("provider")
        .annotate(
            option_rows=related_rows(
                ExtensionOption.objects.filter(contract=OuterRef("pk")),
                group_by="contract",
                fields={
                    "id": F("pk"),
                    "number": F("number"),
                    "months": F("months"),
                    "status": F("status"),
                    "declined_on": F("declined_on"),
                    "extension_id": F("extension__pk"),
                    "extension_decided_on": F("extension__decided_on"),
                },
            ),
            result_rows=related_rows(
                results,
                group_by="quarterly_return__contract",
                fields={
                    "year": F("quarterly_return__year"),
                    "quarter": F("quarterly_return__quarter"),
                    "value": as_text("value"),
                    "kpi_id": F("kpi_id"),
                    "kpi_order": F("kpi__order"),
                    "name": F("kpi__name"),
                    "unit": F("kpi__unit"),
                    "direction": F("kpi__direction"),
                    "target": as_text("kpi__target"),
                    "tolerance": as_text("kpi__tolerance"),
                    "counts_people": F("kpi__counts_people"),
                },
                order_by=("kpi_order", "kpi_id"),
            ),
        )
        .order_by("reference")
    )
    for contract in contracts:
        _with_options(contract, contract.option_rows)
    return contracts


def _kpi_results(rows: list[dict], quarter: Quarter) -> list[dict]:
    """A contract's results of the quarter (`result_rows`), each with its RAG and its trend
    against the quarter before."""
    before, current = {}, []
    for row in rows:
        kpi = Kpi(
            id=row["kpi_id"],
            name=row["name"],
            unit=row["unit"],
            direction=row["direction"],
            target=Decimal(row["target"]),
            tolerance=Decimal(row["tolerance"]),
            counts_people=bool(row["counts_people"]),
            order=row["kpi_order"],
        )
        value = Decimal(row["value"])
        if Quarter(row["year"], row["quarter"]) == quarter:
            current.append((kpi, value))
        else:
            before[kpi.pk] = value
    kpis = []
    for kpi, value in current:
        colour = rag.rag(
            value, target=kpi.target, tolerance=kpi.tolerance, higher_is_better=kpi.higher_is_better
        )
        direction = rag.trend(value, before.get(kpi.pk), higher_is_better=kpi.higher_is_better)
        kpis.append(
            {
                "kpi": kpi.name,
                "unit": kpi.unit,
                "value": f"{value.normalize():f}",
                # A count of people is an int so the small-count rule can see it.
                "people": int(value) if kpi.counts_people else None,
                "target": f"{kpi.target.normalize():f}",
                "direction": kpi.get_direction_display(),
                "rag": colour,
                "rag_label": rag.RAG_LABELS[colour],
                "trend": rag.TREND_LABELS.get(direction, "") if direction else "",
            }
        )
    return kpis


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
    """Aggregate, JSON-able figures as they stood on `as_of`, in two queries whatever the number
    of contracts: the budget and grants, then the contracts with their options and results."""
    quarter = report_quarter(as_of)
    budget, grants = _money_and_grants(as_of)
    contracts = _contracts(quarter, as_of)
    states = {c.pk: schedule.on_day(c, as_of) for c in contracts}
    contracts = [c for c in contracts if states[c.pk] is not None]
    labels = dict(schedule.ON_DAY_STATUSES)
    rows = []
    for contract in contracts:
        state = states[contract.pk]
        kpis = _kpi_results(contract.result_rows, quarter)
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
