"""What the DHR figures are, for the disclosure-control rule and the comparison of report
versions. Reviews and recommendations are records a partnership lead may list in the tracker and
the register, so every count is RECORDS: shown as it is."""

from somerset_safety.reports.disclosure import RECORDS, Declaration

COLUMNS = {
    "total": "total",
    "on_track": "on track",
    "due_soon": "due soon",
    "overdue": "overdue",
    "paused": "paused",
    "met_on_time": "met the clock on time",
    "met_late": "met the clock late",
}


def _bucket(declared: Declaration, key: str, label: str, path: tuple) -> None:
    declared.add(f"{key}.total", f"{label}: recommendations", (*path, "total"), kind=RECORDS)
    declared.add(
        f"{key}.implemented", f"{label}: implemented with evidence", (*path, "implemented"), kind=RECORDS
    )
    declared.add(
        f"{key}.percent", f"{label}: implemented with evidence (%)", (*path, "percent"), kind=RECORDS
    )


def dhr_declaration(data: dict) -> Declaration:
    declared = Declaration()
    declared.add("reviews", "Reviews on record", ("reviews",), kind=RECORDS)
    declared.add("open_reviews", "Reviews still open", ("open_reviews",), kind=RECORDS)
    for i, row in enumerate(data.get("stages", [])):
        for column, words in COLUMNS.items():
            declared.add(
                f"{row['key']}.{column}", f"{row['label']}: {words}", ("stages", i, column), kind=RECORDS
            )
    for column, words in COLUMNS.items():
        declared.add(f"all.{column}", f"All stages: {words}", ("totals", column), kind=RECORDS)
    recommendations = data.get("recommendations") or {}
    if recommendations:
        _bucket(declared, "recommendations", "All DHR recommendations", ("recommendations",))
        for i, agency in enumerate(recommendations.get("by_agency", [])):
            _bucket(
                declared,
                f"agency.{agency['agency_id']}",
                agency["label"],
                ("recommendations", "by_agency", i),
            )
        for i, scope in enumerate(recommendations.get("by_scope", [])):
            _bucket(
                declared,
                f"scope.{scope['key']}",
                f"{scope['label']} scope",
                ("recommendations", "by_scope", i),
            )
    return declared
