"""What the MARAC figures are, for the one disclosure-control rule (reports.disclosure) and the
comparison of report versions: every count of cases and people in the Executive report's MARAC
section, the dashboard panel and the data return, the rates and percentages worked from them,
and the sums between them.

Cases heard at MARAC are about victims: every count of them, and of victims, perpetrators and
children, is a count of PEOPLE. The number of areas is a count of RECORDS.
"""

from somerset_safety.reports.disclosure import DERIVED, RECORDS, Declaration

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
    declared.add("cases", "All areas: cases discussed", ("cases",))
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
    _declare_trend(declared, data)
    return declared


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
