"""Domain apps contribute the generated sections of the Executive report and the panels of the
partnership dashboard here, from their AppConfig.ready(). The platform never imports them.

`build(as_of)` returns JSON-able aggregate figures only (no personal data): it is stored as
the frozen snapshot of a report version, and the `template` renders it, for the preview, the
PDF and the dashboard alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    build: Callable[[date], dict]
    template: str
    order: int = 100
    appendix: bool = False


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    title: str
    build: Callable[[date], dict]
    template: str
    order: int = 100


_sections: dict[str, ReportSection] = {}
_panels: dict[str, DashboardPanel] = {}


def register_report_section(section: ReportSection) -> None:
    _sections[section.key] = section


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def report_sections() -> list[ReportSection]:
    return sorted(_sections.values(), key=lambda s: (s.appendix, s.order, s.key))


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))
