"""Quarterly returns as files: the template the page offers (CSV or Excel) and the reading of
a filled-in one. Reading is all or nothing: every problem is reported with its row and cell,
and nothing is recorded unless the whole file is right.

The layout, the same in both formats:

    A1 Contract             B1 CON-0001            C1 (title, for the provider's reference)
    A2 Quarter              B2 2024-25 Q1
    A3 Provider commentary  B3 (free text)
    row 4 blank
    row 5 KPI | Unit | Target | Value | Note
    row 6 onwards, one row per KPI reported in the quarter
"""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from somerset_safety.core.exports import MARKING, neutralise
from somerset_safety.core.tables import UnreadableTable, read_table

from .clocks import Quarter
from .models import Contract, Kpi
from .services import ReturnFigure, kpi_value_problem, kpis_for_quarter

HEADER = ["KPI", "Unit", "Target", "Value", "Note"]
HEADER_ROW = 5
FIRST_KPI_ROW = 6
COLUMNS = "ABCDE"
MAX_ROWS = 500


@dataclass(frozen=True)
class Problem:
    row: int | None
    cell: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return f"Row {self.row}, cell {self.cell}: {self.message}"


class ReturnFileRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = sorted(problems, key=lambda p: (p.row is None, p.row or 0, p.cell))


@dataclass(frozen=True)
class ReturnFile:
    quarter: Quarter
    provider_commentary: str
    figures: list[ReturnFigure]


# --- The template ---------------------------------------------------------------------------


def template_rows(contract: Contract, quarter: Quarter | None) -> list[list]:
    kpis = kpis_for_quarter(contract, quarter) if quarter else list(contract.kpis.filter(active=True))
    return [
        ["Contract", contract.reference, contract.title],
        ["Quarter", quarter.label if quarter else "", "Write it like 2024-25 Q1"],
        ["Provider commentary", ""],
        [],
        HEADER,
        *[[kpi.name, kpi.unit, f"{kpi.target:g}", "", ""] for kpi in kpis],
    ]


def template_csv(contract: Contract, quarter: Quarter | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in template_rows(contract, quarter):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def template_xlsx(contract: Contract, quarter: Quarter | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    for row in template_rows(contract, quarter):
        sheet.append([neutralise(cell) for cell in row])
    for cell in (*sheet[HEADER_ROW], sheet["A1"], sheet["A2"], sheet["A3"]):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["E"].width = 48
    sheet.oddFooter.center.text = MARKING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading a filled-in file ---------------------------------------------------------------


def read_rows(name: str, data: bytes) -> list[list[str]]:
    try:
        return read_table(
            name, data, max_rows=MAX_ROWS + FIRST_KPI_ROW + 1, max_columns=len(COLUMNS), from_template=True
        )
    except UnreadableTable as exc:
        raise ReturnFileRejected([Problem(None, "", str(exc))]) from None


def _cell(rows: list[list[str]], row: int, column: int) -> str:
    line = rows[row - 1] if len(rows) >= row else []
    return line[column] if len(line) > column else ""


def parse(contract: Contract, name: str, data: bytes) -> ReturnFile:
    """Read a return file for `contract`. Raises ReturnFileRejected naming every bad row and
    cell; returns the quarter, the commentary and a figure for every KPI reported in it."""
    rows = read_rows(name, data)
    problems: list[Problem] = []

    def bad(row: int | None, column: int, message: str) -> None:
        problems.append(Problem(row, f"{COLUMNS[column]}{row}" if row else "", message))

    if len(rows) > MAX_ROWS + FIRST_KPI_ROW:
        raise ReturnFileRejected(
            [Problem(None, "", f"The file has more than {MAX_ROWS} rows: it is not a return.")]
        )
    for row, label in ((1, "Contract"), (2, "Quarter"), (3, "Provider commentary")):
        if _cell(rows, row, 0).lower() != label.lower():
            bad(row, 0, f"This cell must say “{label}”, as in the template.")
    reference = _cell(rows, 1, 1)
    if reference != contract.reference:
        bad(1, 1, f"The file is for contract “{reference or '(blank)'}”, not {contract.reference}.")
    quarter = None
    quarter_text = _cell(rows, 2, 1)
    try:
        quarter = Quarter.parse(quarter_text)
    except ValueError:
        bad(2, 1, f"Enter the quarter like 2024-25 Q1 (not “{quarter_text or 'blank'}”).")
    header = [_cell(rows, HEADER_ROW, c) for c in range(len(HEADER))]
    if [h.lower() for h in header] != [h.lower() for h in HEADER]:
        bad(HEADER_ROW, 0, "Row 5 must be the header: " + ", ".join(HEADER) + ".")
    if problems:
        raise ReturnFileRejected(problems)

    expected = {kpi.name.strip().lower(): kpi for kpi in kpis_for_quarter(contract, quarter)}
    seen: dict[int, int] = {}
    figures = []
    for number in range(FIRST_KPI_ROW, len(rows) + 1):
        if not any(_cell(rows, number, c) for c in range(len(COLUMNS))):
            continue
        kpi_name = _cell(rows, number, 0)
        kpi: Kpi | None = expected.get(kpi_name.lower())
        if kpi is None:
            bad(
                number,
                0,
                f"“{kpi_name or '(blank)'}” is not a KPI of this contract reported in {quarter.label}.",
            )
            continue
        if kpi.pk in seen:
            bad(number, 0, f"{kpi.name} is also on row {seen[kpi.pk]}.")
            continue
        seen[kpi.pk] = number
        value, message = kpi_value_problem(kpi, _cell(rows, number, 3))
        if message:
            bad(number, 3, message + ".")
        figures.append(ReturnFigure(kpi.pk, value, _cell(rows, number, 4)))
    for kpi in expected.values():
        if kpi.pk not in seen:
            problems.append(Problem(None, "", f"There is no row for {kpi.name}: add it with its value."))
    if not expected:
        problems.append(Problem(None, "", f"No KPI of this contract is reported in {quarter.label}."))
    if problems:
        raise ReturnFileRejected(problems)
    return ReturnFile(quarter=quarter, provider_commentary=_cell(rows, 3, 1), figures=figures)
