"""The Disruption Panel's aggregate figures: the dashboard panel and the Executive report
section. No group, person or place is named; counts of groups and of people are protected by
the platform's disclosure-control rule (reports.disclosure) for anyone without detail access.

Every figure is as the records stood at the end of `as_of`: a group's status from its history,
its band from the latest assessment supplied by then, disruptions by the date they happened.
"""

import datetime as dt
from datetime import date
from decimal import Decimal

from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from somerset_safety.reports.disclosure import RECORDS, Declaration

from ..models import (
    DisruptionOutcome,
    GroupStatus,
    MappingAssessment,
    OrganisedCrimeGroup,
    OutcomeType,
    PanelAction,
    Strand,
    ThreatBand,
)
from ..selectors import _financial_quarter, _quarter_label, trend_quarters
from .selectors import overdue_as_at

OPEN = (GroupStatus.REFERRED, GroupStatus.ADOPTED, GroupStatus.ACTIVE, GroupStatus.REDUCED)
NOT_BANDED = "Not yet banded"
# The national County Lines measures [C], each a count of what the outcome records.
MEASURES = (
    ("lines_closed", "Lines closed", OutcomeType.LINE_CLOSED),
    ("arrests", "Arrests", OutcomeType.ARREST),
    ("safeguarded", "People safeguarded", OutcomeType.SAFEGUARDED),
)


def _end_of(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _groups_as_at(as_of: date) -> dict[int, tuple[str, str | None]]:
    """group id -> (status, band), as each group stood at the end of `as_of`: its status from
    its history, its band from the latest assessment supplied by then. One query."""
    end = _end_of(as_of)
    history = OrganisedCrimeGroup.history.filter(history_date__lt=end)
    supplied = MappingAssessment.objects.filter(
        group_id=OuterRef("id"), supplied_on__lte=as_of, recorded_at__lt=end
    ).order_by("-supplied_on", "-id")
    rows = (
        history.filter(
            history_id__in=Subquery(
                history.filter(id=OuterRef("id"))
                .order_by("-history_date", "-history_id")
                .values("history_id")[:1]
            )
        )
        .annotate(band=Subquery(supplied.values("band__label")[:1]))
        .values_list("id", "status", "history_type", "band")
    )
    return {pk: (status, band) for pk, status, kind, band in rows if kind != "-"}


def _bands_and_overdue(as_of: date) -> tuple[list[str], int]:
    """Every threat band's label (each once, in scale and rank order) and the number of 4P
    actions overdue on `as_of`, in one query: the bands' rows and a row with the count, joined by
    UNION ALL; the count's row has no band, and there is none when no action is overdue."""
    nothing = Value(None, output_field=IntegerField())
    bands = (
        ThreatBand.objects.annotate(overdue=nothing)
        .values_list("scale_id", "rank", "label", "overdue")
        .order_by()
    )
    overdue = (
        overdue_as_at(PanelAction.objects.all(), as_of)
        .annotate(counted=Value(1))
        .values("counted")
        .annotate(overdue=Count("pk"))
        .annotate(scale=nothing, band_rank=nothing, band=Value(None, output_field=CharField()))
        .values_list("scale", "band_rank", "band", "overdue")
        .order_by()
    )
    rows = list(bands.union(overdue, all=True))
    bands_in_order = sorted((row for row in rows if row[3] is None), key=lambda row: (row[0], row[1]))
    labels = [label for _scale, _rank, label, _ in bands_in_order]
    return list(dict.fromkeys(labels)), sum(row[3] for row in rows if row[3] is not None)


def _by_agency(recorded: list[tuple]) -> dict[str, list[str]]:
    """agency name -> the strand of each disruption it recorded, in the rows' order (agency
    name order); each row is (day, strand, outcome type, number, value, agency name)."""
    grouped: dict[str, list[str]] = {}
    for row in recorded:
        grouped.setdefault(row[5], []).append(row[1])
    return grouped


def disruption_figures(as_of: date) -> dict:
    groups = _groups_as_at(as_of)
    band_names, overdue = _bands_and_overdue(as_of)
    band_names = [*band_names, NOT_BANDED]
    open_statuses = [s for s in GroupStatus if s in OPEN]
    by_band = []
    for band in band_names:
        counts = [
            sum(1 for s, group_band in groups.values() if s == status and (group_band or NOT_BANDED) == band)
            for status in open_statuses
        ]
        by_band.append({"band": band, "counts": counts, "total": sum(counts)})
    quarters = trend_quarters(as_of, 4)
    start = quarters[0][0]
    outcomes = DisruptionOutcome.objects.filter(
        occurred_on__gte=start, occurred_on__lte=as_of, recorded_at__lt=_end_of(as_of)
    )
    # One query for every outcome, in agency name order for the table by agency.
    recorded = list(
        outcomes.order_by("agency__name", "id").values_list(
            "occurred_on", "strand", "outcome_type", "number", "value", "agency__name"
        )
    )
    rows = [row[:5] for row in recorded]
    by_agency = []
    for agency, agency_rows in _by_agency(recorded).items():
        counts = [sum(1 for strand in agency_rows if strand == s) for s in Strand]
        by_agency.append({"agency": agency, "counts": counts, "total": sum(counts)})
    strands = list(Strand)
    quarter_rows = []
    for q_start, q_end in quarters:
        counts = [
            sum(1 for day, strand, _, _, _ in rows if q_start <= day <= q_end and strand == s)
            for s in strands
        ]
        quarter_rows.append(
            {
                "label": _quarter_label(q_start, q_end),
                "short": _financial_quarter(q_start),
                "counts": counts,
                "total": sum(counts),
            }
        )
    measures = [
        {"key": key, "label": label, "count": sum(n for _, _, kind, n, _ in rows if kind == outcome)}
        for key, label, outcome in MEASURES
    ]
    seized = sum((value for _, _, kind, _, value in rows if kind == OutcomeType.ASSET_SEIZURE), Decimal(0))
    return {
        "as_of": as_of.isoformat(),
        "period_start": start.isoformat(),
        "statuses": [str(s.label) for s in open_statuses],
        "by_band": by_band,
        "open_groups": sum(row["total"] for row in by_band),
        "strands": [str(s.label) for s in strands],
        "quarters": quarter_rows,
        "disruptions": sum(row["total"] for row in quarter_rows),
        "by_agency": by_agency,
        "measures": measures,
        "seized_value": str(seized),
        "actions_overdue": overdue,
    }


def disruption_declaration(data: dict) -> Declaration:
    """Groups and people are protected; disruption records are counted as groups are (the panel
    works on few groups, so a small count could point to one)."""
    declared = Declaration()
    columns: dict[int, list[str]] = {}
    row_totals = []
    for i, row in enumerate(data["by_band"]):
        cells = []
        for j, status in enumerate(data["statuses"]):
            key = declared.add(
                f"band.{i}.{j}", f"{row['band']}: {status.lower()} groups", ("by_band", i, "counts", j)
            )
            cells.append(key)
            columns.setdefault(j, []).append(key)
        total = declared.add(f"band.{i}", f"{row['band']}: open groups", ("by_band", i, "total"))
        declared.add_sum(total, cells)
        row_totals.append(total)
    declared.add("open_groups", "Open groups", ("open_groups",))
    declared.add_sum("open_groups", row_totals)
    quarter_totals = []
    for i, row in enumerate(data["quarters"]):
        cells = [
            declared.add(f"q.{i}.{j}", f"{row['label']}: {strand} disruptions", ("quarters", i, "counts", j))
            for j, strand in enumerate(data["strands"])
        ]
        total = declared.add(f"q.{i}", f"{row['label']}: disruptions", ("quarters", i, "total"))
        declared.add_sum(total, cells)
        quarter_totals.append(total)
    declared.add("disruptions", "Disruptions in the year", ("disruptions",))
    declared.add_sum("disruptions", quarter_totals)
    # Versions stored before the table by agency have no "by_agency".
    agency_totals = []
    for i, row in enumerate(data.get("by_agency", [])):
        cells = [
            declared.add(
                f"agency.{i}.{j}",
                f"{row['agency']}: {strand} disruptions in the year",
                ("by_agency", i, "counts", j),
            )
            for j, strand in enumerate(data["strands"])
        ]
        total = declared.add(
            f"agency.{i}", f"{row['agency']}: disruptions in the year", ("by_agency", i, "total")
        )
        declared.add_sum(total, cells)
        agency_totals.append(total)
    declared.add_sum("disruptions", agency_totals)
    for i, measure in enumerate(data["measures"]):
        declared.add(f"m.{measure['key']}", measure["label"], ("measures", i, "count"))
    declared.add("seized_value", "Value of assets seized", ("seized_value",), kind=RECORDS)
    declared.add("actions_overdue", "4P actions overdue", ("actions_overdue",), kind=RECORDS)
    return declared
