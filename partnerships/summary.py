"""The monthly per-area summary of hearings (MonthlySummary): what the data return counts, one row
per area and calendar month, so that the dashboard and the Executive report add up at most a few
hundred rows whatever the number of referrals.

`COUNTS` defines each count once, for the summary and for the days of a period that do not make
a whole month (read from the referrals themselves). Whatever changes what a heard referral counts
as (hearing it, importing, withdrawing, a repeat flag that changes) calls `refresh()` with the
(area, heard date) of the referrals it touched, in its own transaction; `rebuild()` (the
`rebuild_marac_summary` command) works every month out again, after a change of settings such as
`MARAC_MINORITISED_ETHNICITIES`.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import JSONObject, TruncMonth

from somerset_safety.accounts.models import AgencyType
from somerset_safety.core.dates import add_months

from . import conf
from .models import MaracArea, MonthlySummary, Referral, Sex


def counts() -> dict:
    """The summary's columns as aggregates over heard referrals."""
    return {
        "cases": Count("id"),
        "victims_repeat": Count("id", filter=Q(is_repeat=True)),
        "police": Count("id", filter=Q(referring_agency__agency_type=AgencyType.POLICE)),
        "children": Sum("children_in_household"),
        "minoritised": Count("id", filter=Q(victim_ethnicity__in=conf.minoritised_ethnicities())),
        "lgbt": Count("id", filter=Q(victim_lgbt="yes")),
        "disabled": Count("id", filter=Q(victim_disabled="yes")),
        "male": Count("id", filter=Q(victim_sex=Sex.MALE)),
        "aged_16_17": Count("id", filter=Q(victim_age__in=[16, 17])),
        "perpetrators_under_18": Count("id", filter=Q(perpetrator_age__lte=17)),
    }


COLUMNS = [
    "cases",
    "victims_repeat",
    "police",
    "children",
    "minoritised",
    "lgbt",
    "disabled",
    "male",
    "aged_16_17",
    "perpetrators_under_18",
]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


def _summarise(
    areas: list[int] | None, months: list[date], referral_model=Referral, summary_model=MonthlySummary
) -> list[MonthlySummary]:
    referrals = referral_model.objects.filter(heard_date__isnull=False)
    if areas is not None:
        referrals = referrals.filter(area_id__in=areas)
    if months:
        wanted = Q()
        for first in months:
            wanted |= Q(heard_date__gte=first, heard_date__lte=month_end(first))
        referrals = referrals.filter(wanted)
    rows = (
        referrals.annotate(heard_month=TruncMonth("heard_date"))
        .values("area_id", "heard_month")
        .annotate(**counts())
        .order_by()
    )
    return [
        summary_model(
            area_id=row["area_id"],
            month=row["heard_month"],
            **{column: row[column] or 0 for column in COLUMNS},
        )
        for row in rows
    ]


@transaction.atomic
def refresh(touched: Iterable[tuple[int, date | None]]) -> int:
    """Work out again the months of these (area id, heard date) pairs — every touched area in
    every touched month — from the referrals as they are now in this transaction. Pairs without
    a heard date are ignored. The areas are locked first, so two refreshes of one area run one
    after the other. Returns how many summary rows were written."""
    pairs = {(area_id, month_start(day)) for area_id, day in touched if day is not None}
    if not pairs:
        return 0
    areas = sorted({area_id for area_id, _ in pairs})
    months = sorted({month for _, month in pairs})
    list(MaracArea.objects.select_for_update().filter(pk__in=areas).order_by("pk").values_list("pk"))
    MonthlySummary.objects.filter(area_id__in=areas, month__in=months).delete()
    rows = _summarise(areas, months)
    MonthlySummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def add(referrals: QuerySet, sign: int = 1) -> None:
    """Add to the summary (with `sign` -1, take away) the counts of these referrals, each in the
    month it was heard in (PostgreSQL; one statement). For a large import: its referrals cost
    what they count, where refresh() works every touched month out again from every referral
    in it. The caller adds exactly the referrals the summary does not yet count (or takes away
    ones it does). The areas are locked first, as refresh() locks them."""
    referrals = referrals.filter(heard_date__isnull=False)
    list(
        MaracArea.objects.select_for_update()
        .filter(pk__in=referrals.values("area_id"))
        .order_by("pk")
        .values_list("pk")
    )
    sql, params = (
        referrals.annotate(heard_month=TruncMonth("heard_date"))
        .values("area_id", "heard_month")
        .annotate(**counts())
        .order_by()
        .query.sql_with_params()
    )
    table = connection.ops.quote_name(MonthlySummary._meta.db_table)
    columns = ", ".join(COLUMNS)
    counted = ", ".join(f"coalesce(q.{column}, 0)" for column in COLUMNS)
    with connection.cursor() as cursor:
        if sign > 0:
            cursor.execute(
                f"INSERT INTO {table} AS t (area_id, month, {columns}) "  # noqa: S608 - names only
                f"SELECT q.area_id, q.heard_month::date, {counted} FROM ({sql}) AS q "
                "ON CONFLICT (area_id, month) DO UPDATE SET "
                + ", ".join(f"{column} = t.{column} + EXCLUDED.{column}" for column in COLUMNS),
                params,
            )
        else:
            cursor.execute(
                f"UPDATE {table} AS t SET "  # noqa: S608 - names only
                + ", ".join(f"{column} = t.{column} - coalesce(q.{column}, 0)" for column in COLUMNS)
                + f" FROM ({sql}) AS q WHERE t.area_id = q.area_id AND t.month = q.heard_month::date",
                params,
            )


@transaction.atomic
def add_repeat_changes(changes: str) -> None:
    """Bring the summary up to date for referrals whose repeat flag alone changed (PostgreSQL;
    one statement). `changes` is SQL giving the columns area_id, heard_date, was_repeat, repeat of each
    changed referral, as it was before the change (SQL written in this app, never input). Only
    `victims_repeat` counts the flag, so each heard referral that became a repeat adds one to
    its month and each that stopped being one takes one away: what taking the referrals away
    and adding them back with add() gives, without reading them twice. The areas are locked
    first, as add() locks them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {MaracArea._meta.db_table} WHERE id IN "  # noqa: S608 - SQL of this app
            f"(SELECT area_id FROM ({changes}) AS c WHERE c.heard_date IS NOT NULL AND c.was_repeat <> c.repeat) "
            "ORDER BY id FOR UPDATE"
        )
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(MonthlySummary._meta.db_table)} AS t "  # noqa: S608
            "SET victims_repeat = t.victims_repeat + d.change "
            "FROM (SELECT c.area_id, date_trunc('month', c.heard_date)::date AS month, "
            "sum(CASE WHEN c.repeat THEN 1 ELSE -1 END) AS change "
            f"FROM ({changes}) AS c WHERE c.heard_date IS NOT NULL AND c.was_repeat <> c.repeat "
            "GROUP BY 1, 2) AS d "
            "WHERE t.area_id = d.area_id AND t.month = d.month AND d.change <> 0"
        )


def fill(referral_model, summary_model) -> None:
    """The first filling, from a migration (its historical models)."""
    summary_model.objects.bulk_create(_summarise(None, [], referral_model, summary_model), batch_size=2000)


@transaction.atomic
def rebuild() -> int:
    """Every month of every area worked out again from the referrals. Returns the rows written."""
    list(MaracArea.objects.select_for_update().order_by("pk").values_list("pk"))
    MonthlySummary.objects.all().delete()
    rows = _summarise(None, [])
    MonthlySummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _pieces(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole months from `start` to `end` (the first days of the first and last of them, or
    None) and the runs of days at either end that do not make a whole month."""
    first = start if start.day == 1 else add_months(month_start(start), 1)
    last = month_start(end) if end == month_end(end) else add_months(month_start(end), -1)
    if first > last:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if month_end(last) < end:
        edges.append((month_end(last) + timedelta(days=1), end))
    return (first, last), edges


def counts_between(
    areas: QuerySet[MaracArea],
    ranges: dict[str, tuple[date, date]],
    columns: dict[str, list[str]] | None = None,
) -> tuple[list[MaracArea], dict[int, dict[str, dict]]]:
    """The areas, and {area id: {range name: {column: count}}} for each named range of hearing
    dates (inclusive): whole months from the summary, read with the areas themselves, the days
    that do not make a whole month from the referrals. `columns` names the columns wanted for a
    range (every column otherwise). One query whatever the volume: the days are counted for
    each area in a subquery of it."""
    wanted = {name: (columns or {}).get(name, COLUMNS) for name in ranges}
    whole, partial = {}, {}
    for name, (start, end) in ranges.items():
        months, edges = _pieces(start, end)
        if months:
            whole[name] = months
        if edges:
            partial[name] = edges
    if whole:
        low = min(first for first, _last in whole.values())
        high = max(last for _first, last in whole.values())
        in_months = Q(monthly_summaries__month__gte=low, monthly_summaries__month__lte=high)
        areas = areas.annotate(months=FilteredRelation("monthly_summaries", condition=in_months)).annotate(
            **{
                f"{name}__{column}": Sum(
                    f"months__{column}", filter=Q(months__month__gte=first, months__month__lte=last)
                )
                for name, (first, last) in whole.items()
                for column in wanted[name]
            }
        )
    if partial:
        # The days, counted for each area in a subquery of the same query (issues 12 and 13).
        within = Q()
        for start, end in (span for edges in partial.values() for span in edges):
            within |= Q(heard_date__gte=start, heard_date__lte=end)
        expressions = counts()
        annotations = {}
        for name, edges in partial.items():
            days = Q()
            for start, end in edges:
                days |= Q(heard_date__gte=start, heard_date__lte=end)
            for column in wanted[name]:
                annotations[f"{name}__{column}"] = _filtered(expressions[column], days)
        areas = areas.annotate(
            days_counted=_AreaSubquery(
                Referral.objects.filter(area=OuterRef("pk"))
                .filter(within)
                .values("area")
                .annotate(counted=JSONObject(**annotations))
                .order_by()
                .values("counted")
            )
        )
    areas = list(areas)
    result: dict[int, dict[str, dict]] = {
        area.pk: {name: dict.fromkeys(wanted[name], 0) for name in ranges} for area in areas
    }
    for area in areas:
        for name in whole:
            for column in wanted[name]:
                result[area.pk][name][column] += getattr(area, f"{name}__{column}") or 0
        if partial:
            days = area.days_counted or {}
            for name in partial:
                for column in wanted[name]:
                    result[area.pk][name][column] += days.get(f"{name}__{column}") or 0
    return areas, result


class _AreaSubquery(Subquery):
    """A subquery tied to the area's primary key alone: the areas' query groups by that key,
    so it is worked out once per area, never added to the GROUP BY (where it would be worked
    out for every monthly row joined to the area)."""

    def get_group_by_cols(self):
        return []


def _filtered(aggregate, condition: Q):
    """The same aggregate restricted to rows meeting `condition` as well."""
    combined = condition if aggregate.filter is None else condition & aggregate.filter
    return type(aggregate)(*aggregate.source_expressions, filter=combined)
