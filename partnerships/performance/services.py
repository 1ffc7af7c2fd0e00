"""Every write of the performance framework: frameworks and their refresh for a new plan period,
priorities, indicators, values (entered, imported or worked out from this service's own records)
and their release. Raises BoardError (ImportRejected for a file), whose message is safe to show.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import add_months
from somerset_safety.core.edits import save_changes
from somerset_safety.core.tables import UnreadableTable, read_table
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync
from somerset_safety.reports.periods import financial_quarter_name, quarter_start

from .. import selectors as marac_selectors
from ..exceptions import BoardError, ImportRejected
from ..models import Board, Framework, Indicator, IndicatorValue, MaracArea, Priority, Release, Source
from ..models.performance import COMPUTED_SOURCES, IndicatorFrequency, ValueOrigin
from ..states import VALUE_RELEASE_MOVES

INDICATOR_FIELDS = [
    "priority",
    "code",
    "name",
    "definition",
    "source",
    "unit",
    "polarity",
    "counts_people",
    "baseline",
    "baseline_label",
    "target",
    "tolerance_pct",
    "comparator",
    "frequency",
    "commissioned_kpi_id",
    "position",
]


def quarters_of(framework: Framework) -> list[date]:
    """The first day of every quarter of the plan period, oldest first."""
    quarters, day = [], quarter_start(framework.period_start)
    while day <= framework.period_end:
        quarters.append(day)
        day = add_months(day, 3)
    return quarters


def quarter_refusal(indicator: Indicator, period_start: date) -> str | None:
    """Why a value cannot be recorded for that quarter, or None."""
    if period_start not in quarters_of(indicator.framework):
        return f"{financial_quarter_name(period_start)} is not a quarter of this framework's plan period."
    if indicator.frequency == IndicatorFrequency.ANNUAL and period_start.month != 4:
        return f"{indicator.code} is annual: record it against the first quarter of the financial year."
    return None


# --- Frameworks and priorities -------------------------------------------------------------------


@transaction.atomic
def framework_create(*, actor, board: Board, title: str, period_start: date, period_end: date) -> Framework:
    """A board's framework for a plan period. Its priorities are the board's priorities of that
    period (reference data), to which officers may add."""
    if period_end <= period_start:
        raise BoardError("The plan period must end after it starts.")
    if Framework.objects.filter(board=board, period_start=period_start).exists():
        raise BoardError(
            f"{board.name} already has a framework for the period starting {period_start:%-d %B %Y}."
        )
    framework = Framework.objects.create(
        board=board, title=title.strip(), period_start=period_start, period_end=period_end, created_by=actor
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=framework, changed_fields=["title", "period_start"]
    )
    return framework


@transaction.atomic
def priority_add(*, actor, framework: Framework, title: str) -> Priority:
    """Add a priority to the board's priorities for the framework's plan period."""
    title = " ".join(title.split())
    if not title:
        raise BoardError("Enter the priority.")
    existing = framework.priorities.select_for_update()
    number = (existing.aggregate(top=Max("number"))["top"] or 0) + 1
    priority = Priority.objects.create(
        body_id=framework.board.body_id,
        number=number,
        title=title,
        period_start=framework.period_start,
        period_end=framework.period_end,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=priority, changed_fields=["title", "number"])
    return priority


@transaction.atomic
def framework_refresh(
    *, actor, framework: Framework, title: str, period_start: date, period_end: date
) -> Framework:
    """Start the next plan period from this framework: a new framework with copies of its
    priorities and indicators (definitions, baselines, targets and tolerances, to edit). The old
    framework keeps its indicators and values as they were. Raises BoardError if the new period
    does not start after the old one or the board already has a framework for it."""
    if period_start <= framework.period_start:
        raise BoardError("The new plan period must start after the one it refreshes.")
    new = framework_create(
        actor=actor, board=framework.board, title=title, period_start=period_start, period_end=period_end
    )
    new.copied_from = framework
    new.save(update_fields=["copied_from"])
    priorities = {}
    for old in framework.priorities.order_by("number"):
        priorities[old.pk], _ = Priority.objects.get_or_create(
            body_id=old.body_id,
            period_start=period_start,
            number=old.number,
            defaults={"title": old.title, "period_end": period_end},
        )
    for indicator in framework.indicators.order_by("pk"):
        values = {name: getattr(indicator, name) for name in INDICATOR_FIELDS if name != "priority"}
        copy = Indicator.objects.create(framework=new, priority=priorities[indicator.priority_id], **values)
        deadlines_sync(subject=copy)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=new,
        changed_fields=["copied_from", "indicators"],
        detail={"copied_from": framework.pk},
    )
    return new


# --- Indicators ----------------------------------------------------------------------------------


def _checked_source(values: dict, indicator: Indicator | None = None) -> dict:
    """A commissioned-service KPI indicator names an active KPI; any other has none."""
    source = values.get("source", indicator.source if indicator else "")
    kpi_id = values.get("commissioned_kpi_id", indicator.commissioned_kpi_id if indicator else None)
    if source == Source.COMMISSIONED_KPI:
        from commissioning.selectors import kpis_for_indicators

        if kpi_id not in {pk for pk, _ in kpis_for_indicators()}:
            raise BoardError("Choose the commissioned service's KPI the indicator follows.")
        return {**values, "commissioned_kpi_id": kpi_id}
    return {**values, "commissioned_kpi_id": None}


@transaction.atomic
def indicator_create(*, actor, framework: Framework, values: Mapping) -> Indicator:
    """Add an indicator under one of the framework's priorities."""
    values = _checked_source({name: values[name] for name in INDICATOR_FIELDS if name in values})
    if (
        values["priority"].body_id != framework.board.body_id
        or values["priority"].period_start != framework.period_start
    ):
        raise BoardError("Choose one of this framework's priorities.")
    if Indicator.objects.filter(framework=framework, code=values["code"]).exists():
        raise BoardError(f"The framework already has an indicator {values['code']}.")
    indicator = Indicator.objects.create(framework=framework, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=indicator, changed_fields=list(values))
    deadlines_sync(subject=indicator)
    return indicator


@transaction.atomic
def indicator_update(
    *, actor, indicator: Indicator, values: Mapping, expected_version: str = ""
) -> list[str]:
    """Change an indicator's definition or targets. Raises BoardError for a code the framework
    already has, StaleEdit if someone changed it after `expected_version` (the form's)."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    values = _checked_source({name: values[name] for name in INDICATOR_FIELDS if name in values}, indicator)
    clash = Indicator.objects.filter(framework_id=indicator.framework_id, code=values.get("code")).exclude(
        pk=indicator.pk
    )
    if clash.exists():
        raise BoardError(f"The framework already has an indicator {values['code']}.")
    changed = save_changes(indicator, values, actor, expected_version=expected_version)
    if changed:
        deadlines_sync(subject=indicator)
    return changed


# --- Values ------------------------------------------------------------------------------------


def _put_value(
    *, actor, indicator: Indicator, period_start: date, value: Decimal, comparator_value, origin: str
) -> IndicatorValue:
    """Record or correct one value. A value that was released and changes goes back to restricted,
    to be approved again."""
    refusal = quarter_refusal(indicator, period_start)
    if refusal:
        raise BoardError(refusal)
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, period_start=period_start)
        .first()
    )
    if existing is None:
        row = IndicatorValue.objects.create(
            indicator=indicator,
            period_start=period_start,
            value=value,
            comparator_value=comparator_value,
            origin=origin,
            entered_by=actor,
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=row, changed_fields=["value", "comparator_value"]
        )
        return row
    changed = save_changes(
        existing,
        {"value": value, "comparator_value": comparator_value, "origin": origin, "entered_by": actor},
        actor,
    )
    if {"value", "comparator_value"} & set(changed) and existing.release != Release.RESTRICTED:
        existing = transition(
            existing,
            "reopen",
            machine=VALUE_RELEASE_MOVES,
            actor=actor,
            values={"approved_by": None, "approved_at": None},
        )
    return existing


@transaction.atomic
def values_record_quarter(
    *,
    actor,
    framework: Framework,
    period_start: date,
    entries: Mapping[int, tuple[Decimal | None, Decimal | None]],
) -> int:
    """Record a quarter's values, indicator id → (value, comparator value); a blank value leaves
    the indicator as it is. Values of indicators worked out by this service are refused. All or
    nothing. Returns how many were recorded."""
    indicators = {i.pk: i for i in framework.indicators.all()}
    recorded = 0
    for indicator_id, (value, comparator_value) in entries.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise BoardError("One of the indicators is not in this framework.")
        if value is None:
            continue
        if indicator.computed:
            raise BoardError(f"{indicator.code} is worked out by this service; its value cannot be entered.")
        _put_value(
            actor=actor,
            indicator=indicator,
            period_start=period_start,
            value=value,
            comparator_value=comparator_value,
            origin=ValueOrigin.ENTERED,
        )
        recorded += 1
    for indicator in indicators.values():
        deadlines_sync(subject=indicator)
    return recorded


@transaction.atomic
def value_release(*, actor, value: IndicatorValue, move: str) -> IndicatorValue:
    """Approve a value as provisional or for publication (recording who and when), or reopen it
    for correction. Raises BoardError when the move cannot be made now."""
    approved = move in {"provisional", "publish"}
    return transition(
        value,
        move,
        machine=VALUE_RELEASE_MOVES,
        actor=actor,
        values={
            "approved_by": actor if approved else None,
            "approved_at": timezone.now() if approved else None,
        },
    )


# --- Values worked out from this service's records ------------------------------------------------------


def computed_value(indicator: Indicator, period_start: date) -> Decimal | None:
    """An indicator worked out from this service's own records for one quarter.

    MARAC: the figures of the SafeLives data return for every area over the quarter, added up
    (the repeat rate from the added counts). A commissioned-service KPI: the provider's figure in
    its quarterly return for the quarter (None until the return is in)."""
    if indicator.source == Source.COMMISSIONED_KPI:
        from commissioning.selectors import kpi_quarter_value

        return kpi_quarter_value(indicator.commissioned_kpi_id, period_start)
    end = add_months(period_start, 3) - timedelta(days=1)
    rows = marac_selectors.data_return(areas=MaracArea.objects.all(), start=period_start, end=end)
    cases = sum(row["cases_discussed"] for row in rows)
    if indicator.source == Source.MARAC_CASES:
        return Decimal(cases)
    if indicator.source == Source.MARAC_REPEAT_RATE:
        return marac_selectors.one_place(sum(row["repeat_cases"] for row in rows), cases)
    raise ValueError(indicator.source)


@transaction.atomic
def values_compute(*, actor, framework: Framework, period_start: date) -> int:
    """Work out the quarter's values of the indicators this service computes. Returns how many."""
    recorded = 0
    for indicator in framework.indicators.filter(source__in=COMPUTED_SOURCES):
        if quarter_refusal(indicator, period_start):
            continue
        value = computed_value(indicator, period_start)
        if value is None:
            continue
        _put_value(
            actor=actor,
            indicator=indicator,
            period_start=period_start,
            value=value,
            comparator_value=None,
            origin=ValueOrigin.COMPUTED,
        )
        deadlines_sync(subject=indicator)
        recorded += 1
    return recorded


# --- Import ------------------------------------------------------------------------------------

IMPORT_COLUMNS = ["indicator", "quarter_start", "value", "comparator_value"]
MAX_IMPORT_ROWS = 2000


@dataclass(frozen=True)
class ImportedValue:
    indicator: Indicator
    period_start: date
    value: Decimal
    comparator_value: Decimal | None


def read_values_file(name: str, data: bytes) -> list[list[str]]:
    """The rows of a CSV (UTF-8) or Excel (.xlsx, first sheet) file, as text. Raises ImportRejected."""
    try:
        return read_table(name, data, max_rows=MAX_IMPORT_ROWS + 2, max_columns=len(IMPORT_COLUMNS))
    except UnreadableTable as exc:
        raise ImportRejected([(1, "file", str(exc))]) from None


def parse_values(framework: Framework, rows: list[list[str]]) -> list[ImportedValue]:
    """Check every row; raise ImportRejected listing each problem (row 1 is the header)."""
    header = [cell.strip().lower() for cell in (rows[0] if rows else [])]
    while header and not header[-1]:
        header.pop()
    if header != IMPORT_COLUMNS:
        raise ImportRejected(
            [(1, "header", f"The first row must be the column names: {', '.join(IMPORT_COLUMNS)}.")]
        )
    indicators = {i.code.upper(): i for i in framework.indicators.all()}
    errors, parsed, seen = [], [], {}
    body = rows[1:]
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportRejected([(1, "file", f"The file has more than {MAX_IMPORT_ROWS} rows.")])
    for number, row in enumerate(body, start=2):
        cells = dict(zip(IMPORT_COLUMNS, [*row, "", "", "", ""], strict=False))
        if not any(cells.values()):
            continue
        indicator = indicators.get(cells["indicator"].upper())
        if indicator is None:
            errors.append(
                (number, "indicator", f"“{cells['indicator']}” is not an indicator of this framework.")
            )
        elif indicator.computed:
            errors.append(
                (number, "indicator", f"{indicator.code} is worked out by this service; leave it out.")
            )
        try:
            period_start = date.fromisoformat(cells["quarter_start"])
        except ValueError:
            errors.append(
                (
                    number,
                    "quarter_start",
                    "Enter the first day of the quarter as YYYY-MM-DD, e.g. 2025-04-01.",
                )
            )
            period_start = None
        if period_start and quarter_start(period_start) != period_start:
            errors.append(
                (
                    number,
                    "quarter_start",
                    "The date must be the first day of a quarter (1 April, 1 July, 1 October or 1 January).",
                )
            )
            period_start = None
        if indicator is not None and period_start is not None and not indicator.computed:
            refusal = quarter_refusal(indicator, period_start)
            if refusal:
                errors.append((number, "quarter_start", refusal))
        values = {}
        for column in ("value", "comparator_value"):
            text = cells[column].replace(",", "")
            if not text:
                values[column] = None
                continue
            try:
                values[column] = Decimal(text)
                if not values[column].is_finite() or abs(values[column]) >= Decimal("1e12"):
                    raise InvalidOperation
            except InvalidOperation:
                errors.append((number, column, f"“{cells[column]}” is not a number."))
                values[column] = None
        if not cells["value"]:
            errors.append((number, "value", "Enter the value."))
        key = (cells["indicator"].upper(), cells["quarter_start"])
        if key in seen:
            errors.append(
                (number, "indicator", f"The same indicator and quarter are also on row {seen[key]}.")
            )
        seen[key] = number
        if not errors or errors[-1][0] != number:
            parsed.append(ImportedValue(indicator, period_start, values["value"], values["comparator_value"]))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([(2, "file", "The file has no values in it.")])
    return parsed


@transaction.atomic
def values_import(*, actor, framework: Framework, data: bytes, file_name: str) -> int:
    """Import values from a CSV or Excel file: all or nothing, every problem listed by row and
    column. Returns how many values were recorded."""
    parsed = parse_values(framework, read_values_file(file_name, data))
    for row in parsed:
        _put_value(
            actor=actor,
            indicator=row.indicator,
            period_start=row.period_start,
            value=row.value,
            comparator_value=row.comparator_value,
            origin=ValueOrigin.IMPORTED,
        )
    for indicator in {row.indicator.pk: row.indicator for row in parsed}.values():
        deadlines_sync(subject=indicator)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=framework,
        changed_fields=["values"],
        detail={"imported": len(parsed), "file": PurePath(file_name).suffix.lower()},
    )
    return len(parsed)
