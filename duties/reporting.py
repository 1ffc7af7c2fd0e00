"""The duties app's part of the Executive report and the partnership dashboard, registered
with the platform in DutiesConfig.ready(). Aggregate figures about duties only: modern
slavery records are not part of either."""

from somerset_safety.reports.disclosure import RECORDS, Declaration
from somerset_safety.reports.registry import (
    DashboardPanel,
    ReportSection,
    as_at,
    register_dashboard_panel,
    register_report_section,
)

from .selectors import duties_appendix, duties_status_panel


def duties_declaration(data: dict) -> Declaration:
    """Duties by status for the comparison of report versions: duties are records, shown as
    they are."""
    declared = Declaration()
    declared.add("total", "Statutory duties", ("total",), kind=RECORDS)
    for i, row in enumerate(data.get("counts", [])):
        declared.add(
            f"status.{row['status']}", f"Duties {row['label'].lower()}", ("counts", i, "count"), kind=RECORDS
        )
    return declared


def register_reporting() -> None:
    register_report_section(
        ReportSection(
            key="duties_appendix",
            title="Statutory duties",
            build=as_at(duties_appendix),
            template="duties/report_appendix.html",
            order=10,
            appendix=True,
            declare=duties_declaration,
        )
    )
    register_dashboard_panel(
        DashboardPanel(
            key="duties_status",
            title="Statutory duties by status",
            build=as_at(duties_status_panel),
            template="duties/dashboard_panel.html",
            order=70,
            declare=duties_declaration,
        )
    )
