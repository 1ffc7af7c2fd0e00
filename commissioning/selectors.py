"""Reads for the commissioning pages: contract lists and pages, KPI results with their RAG,
returns, the pooled budget and grants. Clocks are read from the stored deadline rows."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.registry import kind_names
from somerset_safety.deadlines.state import clock_state
from somerset_safety.meetings.models import ActionStatus, MeetingStatus
from somerset_safety.meetings.selectors import action_state, with_state

from . import conf, deadlines, rag, schedule
from .clocks import Quarter
from .models import (
    BudgetContribution,
    BudgetSpend,
    Contract,
    ContractAction,
    ContractMeeting,
    ContractStatus,
    Extension,
    Grant,
    GrantStatus,
    Kpi,
    KpiResult,
    ModificationKind,
    OptionStatus,
    QuarterlyReturn,
    Regime,
    SpendCategory,
)
from .services.contracts import psr_headroom
from .services.performance import return_quarters
from .states import CONTRACT_MOVES

CONTRACT_TYPE = Contract._meta.label_lower
DECISION_KINDS = (deadlines.EXTENSION_DECISION, deadlines.REPROCUREMENT_START)


# --- Clocks, read from the stored deadlines --------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A stored deadline as a page shows it: the tag and the words beside it."""

    deadline: Deadline
    key: str
    tag: str
    tag_class: str
    detail: str

    @property
    def name(self) -> str:
        return kind_names().get(self.deadline.kind, self.deadline.kind)

    @property
    def is_late(self) -> bool:
        return self.key in ("overdue", "met_late")


def clock(deadline: Deadline, today: date) -> Clock:
    """The platform's state of a stored deadline (deadlines.state), as commissioning pages draw it."""
    state = clock_state(deadline, today)
    return Clock(deadline, state.key, state.tag, state.tag_class, state.detail)


def clocks_of(subject, today: date) -> list[Clock]:
    rows = Deadline.objects.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk).order_by(
        "due_date", "kind", "key"
    )
    return [clock(d, today) for d in rows]


# --- Contract lists ----------------------------------------------------------------------------


def contract_list(scoped: QuerySet[Contract]) -> QuerySet[Contract]:
    """With the provider and the next open decision date (extension or re-procurement), in a
    fixed number of queries whatever the number of contracts."""
    next_decision = (
        Deadline.objects.filter(
            subject_type=CONTRACT_TYPE,
            subject_id=OuterRef("pk"),
            kind__in=DECISION_KINDS,
            status=DeadlineStatus.OPEN,
        )
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return scoped.select_related("provider", "contract_manager").annotate(
        next_decision_on=Subquery(next_decision)
    )


def status_counts(scoped: QuerySet[Contract]) -> list[dict]:
    rows = dict(scoped.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [{"status": s.value, "label": s.label, "count": rows.get(s.value, 0)} for s in ContractStatus]


# --- One contract -----------------------------------------------------------------------------


def contract_for_page(scoped: QuerySet[Contract], pk: int) -> Contract | None:
    return (
        scoped.filter(pk=pk)
        .select_related("provider", "contract_manager")
        .prefetch_related(
            "options",
            Prefetch("extensions", queryset=Extension.objects.select_related("option", "recorded_by")),
            "representations",
            "modifications",
            Prefetch("notices", queryset=_notices()),
            "funding__stream",
            "risks",
            "documents",
        )
        .first()
    )


def _notices():
    from .models import PublishedNotice

    return PublishedNotice.objects.select_related("modification").prefetch_related("ratings__kpi")


def moves_for(contract: Contract) -> list:
    """The moves the contract's status allows, each with the reason it cannot be made now (the
    page draws a link, or the reason). Extensions are offered with their options."""
    return [option for option in CONTRACT_MOVES.options(contract) if option.name != "extend"]


@dataclass
class KpiRow:
    kpi: Kpi
    latest: KpiResult | None = None
    latest_quarter: Quarter | None = None
    rag: str | None = None
    trend: str | None = None
    by_quarter: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)


def rate(result: KpiResult) -> str:
    kpi = result.kpi
    return rag.rag(
        result.value, target=kpi.target, tolerance=kpi.tolerance, higher_is_better=kpi.higher_is_better
    )


def kpi_rows(contract: Contract, quarters: list[Quarter]) -> list[KpiRow]:
    """Each KPI with its result, RAG and trend for each of `quarters` (oldest first), and its
    latest result overall. Two queries."""
    kpis = list(contract.kpis.select_related("benchmark").order_by("order", "pk"))
    results = (
        KpiResult.objects.filter(quarterly_return__contract=contract)
        .select_related("kpi", "quarterly_return")
        .order_by("quarterly_return__year", "quarterly_return__quarter")
    )
    rows = {kpi.pk: KpiRow(kpi) for kpi in kpis}
    previous: dict[int, Decimal] = {}
    for result in results:
        row = rows[result.kpi_id]
        period = result.quarterly_return.period
        colour = rate(result)
        direction = rag.trend(
            result.value, previous.get(result.kpi_id), higher_is_better=result.kpi.higher_is_better
        )
        previous[result.kpi_id] = result.value
        row.latest, row.latest_quarter, row.rag, row.trend = result, period, colour, direction
        if period in quarters:
            row.by_quarter[period] = (result, colour, direction)
    for row in rows.values():
        row.cells = [row.by_quarter.get(q) for q in quarters]
    return list(rows.values())


@dataclass(frozen=True)
class ReturnRow:
    quarter: Quarter
    quarterly_return: QuarterlyReturn | None
    clock: Clock | None


def return_rows(contract: Contract, clocks: list[Clock]) -> list[ReturnRow]:
    by_quarter = {(r.year, r.quarter): r for r in contract.returns.select_related("signed_off_by")}
    return_clocks = {c.deadline.key: c for c in clocks if c.deadline.kind == deadlines.RETURN_DUE}
    return [
        ReturnRow(q, by_quarter.get((q.year, q.number)), return_clocks.get(q.label))
        for q in reversed(return_quarters(contract))
    ]


def contract_detail(contract: Contract, today: date) -> dict:
    clocks = clocks_of(contract, today)
    dates = schedule.contract_dates(contract)
    quarters = return_quarters(contract)
    shown = [q for q in quarters if q.end < today][-4:]
    extensions = {e.option_id: e for e in contract.extensions.all()}
    return {
        "dates": dates,
        "standstill_end": dates.standstill_end,
        "clocks": clocks,
        "decision_clocks": [c for c in clocks if c.deadline.kind != deadlines.RETURN_DUE],
        "reprocurement": next((c for c in clocks if c.deadline.kind == deadlines.REPROCUREMENT_START), None),
        "moves": moves_for(contract),
        "options": [
            (o, extensions.get(o.pk)) for o in sorted(contract.options.all(), key=lambda o: o.number)
        ],
        "kpis": kpi_rows(contract, shown),
        "kpi_quarters": shown,
        "returns": return_rows(contract, clocks),
        "headroom": psr_headroom(contract) if contract.regime == Regime.PSR else None,
        "council_changes": [
            m for m in contract.modifications.all() if m.kind == ModificationKind.COUNCIL_INITIATED
        ],
        "funding_total": sum((f.annual_amount for f in contract.funding.all()), Decimal(0)),
        "open_options": [
            o for o in contract.options.all() if o.status in (OptionStatus.ENVISAGED, OptionStatus.AGREED)
        ],
        "notifiable": contract.is_notifiable,
        "kpi_minimum": conf.pa2023_min_kpis(),
        **contract_meetings(contract, today),
    }


def contract_meetings(contract: Contract, today: date) -> dict:
    """The contract's meetings, latest first, with their item counts, and the open actions from
    them (each with its state as at `today`). Two queries."""
    meetings = ContractMeeting.objects.filter(body__owner_id=contract.pk).annotate(
        item_count=Count("agenda_items")
    )
    actions = list(
        with_state(
            ContractAction.objects.filter(
                meeting__body__owner_id=contract.pk, status=ActionStatus.OPEN
            ).select_related("agency"),
            today,
        )
    )
    for action in actions:
        action.state = action_state(action)
    return {"meetings": list(meetings), "meeting_actions": actions}


# --- Returns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    result: KpiResult
    rag: str
    trend: str | None
    previous: Decimal | None
    benchmark: Decimal | None


def return_meetings(quarterly_return: QuarterlyReturn) -> list:
    """The contract meetings that have the return on their agenda, earliest first (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ContractMeeting

    return list(
        ContractMeeting.objects.filter(
            agenda_items__subject_type=ContentType.objects.get_for_model(QuarterlyReturn),
            agenda_items__subject_id=quarterly_return.pk,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date")
    )


def return_detail(quarterly_return: QuarterlyReturn) -> list[ResultRow]:
    """Each figure with its RAG, its trend against the contract's previous quarter, and the
    national benchmark for the same quarter where there is one. Three queries."""
    period = quarterly_return.period
    before = period.previous()
    results = list(quarterly_return.results.select_related("kpi__benchmark").order_by("kpi__order", "kpi_id"))
    previous = dict(
        KpiResult.objects.filter(
            quarterly_return__contract_id=quarterly_return.contract_id,
            quarterly_return__year=before.year,
            quarterly_return__quarter=before.number,
        ).values_list("kpi_id", "value")
    )
    from .models import BenchmarkValue

    benchmarks = dict(
        BenchmarkValue.objects.filter(
            benchmark_id__in={r.kpi.benchmark_id for r in results if r.kpi.benchmark_id},
            year=period.year,
            quarter=period.number,
        ).values_list("benchmark_id", "value")
    )
    return [
        ResultRow(
            result=r,
            rag=rate(r),
            trend=rag.trend(r.value, previous.get(r.kpi_id), higher_is_better=r.kpi.higher_is_better),
            previous=previous.get(r.kpi_id),
            benchmark=benchmarks.get(r.kpi.benchmark_id),
        )
        for r in results
    ]


# --- Pooled budget ------------------------------------------------------------------------------


def _total(queryset) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum("amount"), Decimal(0)))["total"]


def budget_position(year: int) -> dict:
    """The pooled budget for the financial year starting in April `year`: brought forward
    from earlier years, contributions by partner, spending by category, and the balance."""
    brought_forward = _total(BudgetContribution.objects.filter(year__lt=year)) - _total(
        BudgetSpend.objects.filter(year__lt=year)
    )
    by_partner = list(
        BudgetContribution.objects.filter(year=year)
        .values("partner__name")
        .annotate(total=Sum("amount"))
        .order_by("partner__name")
    )
    spend_rows = dict(
        BudgetSpend.objects.filter(year=year)
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    by_category = [
        {"category": c.value, "label": c.label, "total": spend_rows[c.value]}
        for c in SpendCategory
        if c.value in spend_rows
    ]
    contributions = sum((r["total"] for r in by_partner), Decimal(0))
    spent = sum((r["total"] for r in by_category), Decimal(0))
    return {
        "year": year,
        "brought_forward": brought_forward,
        "by_partner": by_partner,
        "contributions": contributions,
        "by_category": by_category,
        "spent": spent,
        "balance": brought_forward + contributions - spent,
    }


def budget_years() -> list[int]:
    years = set(BudgetContribution.objects.values_list("year", flat=True).distinct())
    years |= set(BudgetSpend.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


# --- Grants -------------------------------------------------------------------------------------


def grant_list(scoped: QuerySet[Grant]) -> QuerySet[Grant]:
    return scoped.select_related("owner")


def grants_won(scoped: QuerySet[Grant], year: int) -> dict:
    """Bids decided in the financial year: how many were won and for how much."""
    start, end = Quarter(year, 1).start, Quarter(year, 4).end
    decided = scoped.filter(decided_on__gte=start, decided_on__lte=end)
    won = decided.filter(status=GrantStatus.AWARDED)
    return {
        "decided": decided.count(),
        "won": won.count(),
        "requested": _sum(won, "amount_requested"),
        "awarded": _sum(won, "amount_awarded"),
    }


def _sum(queryset, name: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(name), Decimal(0)))["total"]


# --- For the partnership's performance framework (partnerships.performance) ----------------------


def kpis_for_indicators() -> list[tuple[int, str]]:
    """Active KPIs of the commissioned services, as (id, "contract reference: KPI name")."""
    return [
        (kpi.pk, f"{kpi.contract.reference}: {kpi.name}")
        for kpi in Kpi.objects.filter(active=True)
        .select_related("contract")
        .order_by("contract__reference", "order", "pk")
    ]


def kpi_quarter_value(kpi_id: int, quarter_start: date) -> Decimal | None:
    """The provider's figure for the KPI in the return for the quarter that starts on that day."""
    quarter = Quarter.containing(quarter_start)
    return (
        KpiResult.objects.filter(
            kpi_id=kpi_id, quarterly_return__year=quarter.year, quarterly_return__quarter=quarter.number
        )
        .values_list("value", flat=True)
        .first()
    )
