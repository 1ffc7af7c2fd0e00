"""Domain apps contribute the generated sections of the Executive report and the panels of the
partnership dashboard here, from their AppConfig.ready(). The platform never imports them.

`build(period)` returns JSON-able aggregate figures only (no personal data) for a
`ReportPeriod`: as they stood on `period.end` (the date the figures are as at), and over
`period.start` to `period.end` where a figure is a count in the period. It is stored as the
frozen snapshot of a report version, and the `template` renders it, for the preview, the PDF
and the dashboard alike. A figure's value must not depend on anything that happened after
`period.end`. `as_at(fn)` adapts a selector that needs only the date.

`attachments` are files published with the paper (the MARAC section's figures for every area,
as CSV): each is made from the section's data as the paper shows it — protected by the
disclosure-control rule — when the version's PDF is drawn, stored with the version and listed
among its appendices.

`declare(data)` says what each figure in the data is called and what kind it is, and the sums
between them (disclosure.Declaration): the platform applies the one disclosure-control rule
with it wherever the figures are shown to someone without detail access and always in the
paper, and compares versions figure by figure with its labels.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .disclosure import Declare
from .periods import ReportPeriod


def as_at(figures: Callable[[date], dict]) -> Callable[[ReportPeriod], dict]:
    """A build for a selector of figures as at one date (the period's end)."""

    def build(period: ReportPeriod) -> dict:
        return figures(period.end)

    build.__name__ = build.__qualname__ = getattr(figures, "__name__", "build")
    build.figures = figures
    return build


@dataclass(frozen=True)
class Attachment:
    """A file published with the paper, from the section's data as the paper shows it (already
    protected): either `make(data)` gives its bytes (a CSV, say), or `pdf_template` names the
    template the paper's PDF layout draws it with (its context: `data`, and the paper's
    `content` and `version`).

    An `optional` file is published only when the report asks for its detailed appendices
    (ExecutiveReport.detailed_appendices): at national scale it can run to a hundred pages.
    """

    title: str
    file_name: str
    make: Callable[[dict], bytes] | None = None
    pdf_template: str = ""
    optional: bool = False

    def __post_init__(self):
        if (self.make is None) == (not self.pdf_template):
            raise ValueError(f"{self.file_name}: give an attachment either make or pdf_template")


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    build: Callable[[ReportPeriod], dict]
    template: str
    order: int = 100
    appendix: bool = False
    declare: Declare | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    title: str
    build: Callable[[ReportPeriod], dict]
    template: str
    order: int = 100
    declare: Declare | None = None


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
