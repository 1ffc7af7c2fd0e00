"""What the MARAC figures are, for the one disclosure-control rule (reports.disclosure) and the
comparison of report versions: every count of cases and people in the Executive report's MARAC
section, the dashboard panel and the data return, the rates and percentages worked from them,
and the sums between them.

Cases heard at MARAC are about victims: every count of them, and of victims, perpetrators and
children, is a count of PEOPLE. The number of areas is a count of RECORDS.
"""

from decimal import Decimal

from somerset_safety.core.exports import csv_text
from somerset_safety.reports.disclosure import DERIVED, RECORDS, Declaration, is_withheld

from . import conf
from .selectors import KPI_ROWS, RETURN_LABELS

_COUNTS = {key: count_column for key, _label, count_column, _figure, _unit in KPI_ROWS}
_COUNT_LABELS: dict[str, str] = {}
for _key, _label, _column, _figure, _unit in KPI_ROWS:
    _COUNT_LABELS.setdefault(_column, _label)

# The data return's counts and what each percentage and rate is worked from.
RETURN_COUNTS = [
    "cases_discussed",
    "repeat_cases",
    "police_referrals",
    "non_police_referrals",
    "children_in_households",
    "victims_minoritised",
    "victims_lgbt",
    "victims_disabled",
    "victims_male",
    "victims_16_17",
    "perpetrators_under_18",
]
RETURN_DERIVED = {
    "repeat_rate_pct": ("repeat_cases", "cases_discussed"),
    "non_police_pct": ("non_police_referrals", "cases_discussed"),
    "victims_minoritised_pct": ("victims_minoritised", "cases_discussed"),
    "victims_lgbt_pct": ("victims_lgbt", "cases_discussed"),
    "victims_disabled_pct": ("victims_disabled", "cases_discussed"),
    "victims_male_pct": ("victims_male", "cases_discussed"),
    "victims_16_17_pct": ("victims_16_17", "cases_discussed"),
    "cases_per_10k_rolling_12m": ("rolling_cases",),
}


def marac_declaration(data: dict) -> Declaration:
    """The figures of selectors.marac_figures()."""
    declared = Declaration()
    totals = data.get("totals") or {"kpis": []}
    total_cases = [
        ("totals", "kpis", j, "count")
        for j, kpi in enumerate(totals["kpis"])
        if _COUNTS.get(kpi["key"]) == "cases_discussed"
    ]
    declared.add("cases", "All areas: cases discussed", ("cases",), *total_cases)
    declared.add("area_count", "MARAC areas", ("area_count",), kind=RECORDS)
    declared.add(
        "areas_below_recommended",
        "Areas that heard fewer cases than SafeLives recommends",
        ("areas_below_recommended",),
        kind=RECORDS,
    )
    area_cases = []
    for i, area in enumerate(data.get("areas", [])):
        code, name = area["code"], area["name"]
        paths: dict[str, list] = {}
        for j, kpi in enumerate(area["kpis"]):
            paths.setdefault(_COUNTS.get(kpi["key"], kpi["key"]), []).append(("areas", i, "kpis", j, "count"))
        paths.setdefault("cases_discussed", []).append(("areas", i, "cases"))
        for column, places in paths.items():
            declared.add(f"{code}.{column}", f"{name}: {_COUNT_LABELS.get(column, column).lower()}", *places)
        cases = f"{code}.cases_discussed"
        area_cases.append(cases)
        for j, kpi in enumerate(area["kpis"]):
            count = f"{code}.{_COUNTS.get(kpi['key'], kpi['key'])}"
            if kpi.get("percent") is not None:
                declared.add(
                    f"{code}.{kpi['key']}.percent",
                    f"{name}: {kpi['label'].lower()} (%)",
                    ("areas", i, "kpis", j, "percent"),
                    kind=DERIVED,
                    of=(count, cases),
                )
            if kpi.get("rate") is not None:
                declared.add(
                    f"{code}.{kpi['key']}.rate",
                    f"{name}: {kpi['label'].lower()}",
                    ("areas", i, "kpis", j, "rate"),
                    kind=DERIVED,
                    of=(count,),
                )
    declared.add_sum("cases", area_cases)
    _declare_totals(declared, data)
    _declare_trend(declared, data)
    return declared


def _declare_totals(declared: Declaration, data: dict) -> None:
    """All areas together: each count is the sum of the areas' (so it is checked against them),
    and the count of cases is the section's `cases`."""
    totals = data.get("totals")
    if not totals:
        return
    paths: dict[str, list] = {}
    for j, kpi in enumerate(totals["kpis"]):
        paths.setdefault(_COUNTS.get(kpi["key"], kpi["key"]), []).append(("totals", "kpis", j, "count"))
    keys = {}
    for column, places in paths.items():
        if column == "cases_discussed":
            keys[column] = "cases"  # declared with the section's total
            continue
        keys[column] = declared.add(
            f"all.{column}", f"All areas: {_COUNT_LABELS.get(column, column).lower()}", *places
        )
        declared.add_sum(keys[column], [f"{area['code']}.{column}" for area in data.get("areas", [])])
    for j, kpi in enumerate(totals["kpis"]):
        count = keys[_COUNTS.get(kpi["key"], kpi["key"])]
        for part, suffix in (("percent", " (%)"), ("rate", "")):
            if kpi.get(part) is not None:
                declared.add(
                    f"all.{kpi['key']}.{part}",
                    f"All areas: {kpi['label'].lower()}{suffix}",
                    ("totals", "kpis", j, part),
                    kind=DERIVED,
                    of=(count, "cases") if part == "percent" else (count,),
                )


def _shown_decimal(value) -> Decimal | None:
    return None if value is None or is_withheld(value) else Decimal(value)


def areas_missing_benchmarks(data: dict) -> dict:
    """The areas the report lists: those below the cases SafeLives recommends for their
    population, or with a repeat rate outside the range it expects. Worked out from the figures
    as the reader sees them (a hidden repeat rate is not judged). The furthest below the
    recommended number first, at most conf.areas_listed(); `count` is how many miss one."""
    low, high = (Decimal(bound) for bound in data.get("repeat_expected") or conf.expected_repeat_rate())
    recommended = data.get("recommended_per_10k")
    rows = []
    for area in data.get("areas", []):
        kpis = {kpi["key"]: kpi for kpi in area["kpis"]}
        reasons = []
        if area.get("below_recommended"):
            reasons.append(f"Fewer than the {recommended} cases per 10,000 women recommended")
        repeat = _shown_decimal(kpis["repeat"]["percent"])
        if repeat is not None and repeat < low:
            reasons.append(f"Repeat rate below the {low}% to {high}% expected")
        elif repeat is not None and repeat > high:
            reasons.append(f"Repeat rate above the {low}% to {high}% expected")
        if reasons:
            rate = _shown_decimal(kpis["rate"]["rate"])
            rows.append(
                {
                    "name": area["name"],
                    "code": area["code"],
                    "cases": kpis["cases"],
                    "rate": kpis["rate"],
                    "repeat": kpis["repeat"],
                    "reasons": reasons,
                    "_order": (rate is not None, rate or 0, area["name"]),
                }
            )
    rows.sort(key=lambda row: row.pop("_order"))
    limit = conf.areas_listed()
    return {"rows": rows[:limit], "count": len(rows), "more": max(0, len(rows) - limit)}


def _csv_columns() -> list[tuple[str, int, str]]:
    """(return column, KPI row, part) of the CSV, in the data return's order."""
    columns, seen = [], set()
    for j, (_key, _label, count_column, figure_column, _unit) in enumerate(KPI_ROWS):
        if count_column not in seen:
            columns.append((count_column, j, "count"))
            seen.add(count_column)
        if figure_column:
            columns.append(
                (figure_column, j, "rate" if figure_column == "cases_per_10k_rolling_12m" else "percent")
            )
    return columns


def areas_csv(data: dict) -> bytes:
    """Every area's figures (and all areas together) as the data return's columns, from the
    section's data as the paper shows it: a hidden figure reads "fewer than 5" or "not shown"."""
    columns = _csv_columns()
    header = ["marac_area", "area_name", "period_start", "period_end", *(name for name, _j, _part in columns)]
    places = [("", "All areas", data.get("totals"))] + [
        (area["code"], area["name"], area) for area in data.get("areas", [])
    ]
    rows = [
        [
            code,
            name,
            data["period_start"],
            data["period_end"],
            *(str(part["kpis"][j][kind]) for _n, j, kind in columns),
        ]
        for code, name, part in places
        if part
    ]
    return csv_text(header, rows, marking_row=False).encode()


def _declare_trend(declared: Declaration, data: dict) -> None:
    trend = data.get("trend") or {}
    quarters = trend.get("quarters", [])
    for q, quarter in enumerate(quarters):
        total = declared.add(
            f"all.{quarter['start']}", f"All areas: cases discussed {quarter['label']}", ("trend", "total", q)
        )
        parts = [
            declared.add(
                f"{area['code']}.{quarter['start']}",
                f"{area['name']}: cases discussed {quarter['label']}",
                ("trend", "areas", i, "counts", q),
            )
            for i, area in enumerate(trend.get("areas", []))
        ]
        declared.add_sum(total, parts)
    # Where the quarters shown make up the 12 months exactly, each area's cases are their sum.
    starts = [q["start"] for q in quarters]
    if data.get("period_start") in starts and quarters and quarters[-1]["end"] == data.get("period_end"):
        within = starts[starts.index(data["period_start"]) :]
        declared.add_sum("cases", [f"all.{start}" for start in within])
        for area in trend.get("areas", []):
            declared.add_sum(
                f"{area['code']}.cases_discussed", [f"{area['code']}.{start}" for start in within]
            )


def return_declaration(data: dict) -> Declaration:
    """The figures of the data return page: data = {"rows": selectors.data_return(...)}."""
    declared = Declaration()
    for i, row in enumerate(data["rows"]):
        area = row["marac_area"]
        for column in [*RETURN_COUNTS, "rolling_cases"]:
            declared.add(
                f"{area}.{column}",
                f"{area}: {RETURN_LABELS.get(column, 'cases in the 12 months to the period end').lower()}",
                ("rows", i, column),
            )
        for column, sources in RETURN_DERIVED.items():
            declared.add(
                f"{area}.{column}",
                f"{area}: {RETURN_LABELS[column].lower()}",
                ("rows", i, column),
                kind=DERIVED,
                of=[f"{area}.{source}" for source in sources],
            )
        declared.add_sum(
            f"{area}.cases_discussed", [f"{area}.police_referrals", f"{area}.non_police_referrals"]
        )
    return declared


def representation_declaration(data: dict) -> Declaration:
    """The figures of selectors.representation_figures(): meetings and returns are RECORDS."""
    declared = Declaration()
    for i, row in enumerate(data.get("agencies", [])):
        for q, label in enumerate(data.get("quarters", [])):
            cell = ("agencies", i, "quarters", q)
            name = f"{row['agency']}, {label}"
            keys = {}
            for column, what in (
                ("invited", "meetings invited to"),
                ("present", "meetings attended"),
                ("due", "cases to research"),
                ("returned", "research returns"),
            ):
                keys[column] = declared.add(
                    f"{i}.{q}.{column}", f"{name}: {what}", (*cell, column), kind=RECORDS
                )
            declared.add(
                f"{i}.{q}.attendance_rate",
                f"{name}: attendance (%)",
                (*cell, "attendance_rate"),
                kind=DERIVED,
                of=(keys["present"], keys["invited"]),
            )
            declared.add(
                f"{i}.{q}.return_rate",
                f"{name}: research returned (%)",
                (*cell, "return_rate"),
                kind=DERIVED,
                of=(keys["returned"], keys["due"]),
            )
    return declared
