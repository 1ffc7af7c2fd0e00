"""Reading an uploaded table as rows of text: a CSV file (UTF-8) or the first sheet of an Excel
(.xlsx) workbook. Every import that takes a filled-in template reads its file here (commissioned
services' quarterly returns, performance framework values), so a file is refused in the same
words wherever it is uploaded, and a cell reads the same whichever format it came in."""

import csv
import io
from pathlib import PurePath

from openpyxl import load_workbook


class UnreadableTable(Exception):
    """The file cannot be read as a table; the message is safe to show."""


def cell_text(value, number_format: str = "") -> str:
    """What a cell says, as the person typed it: a whole number without ".0", a date as
    2024-04-01, and a cell formatted as a percentage (0.725 shown as 72.5 %) as 72.5."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (number_format or ""):
        value = round(value * 100, 6)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _csv_rows(data: bytes, kind: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableTable("The CSV file must be saved as UTF-8 (CSV UTF-8 in Excel).") from exc
    if "\0" in text:
        raise UnreadableTable(f"The file is not a CSV file{kind}.")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(data: bytes, max_rows: int, max_columns: int) -> list[list[str]]:
    if not data.startswith(b"PK"):
        raise UnreadableTable("The file is not an Excel (.xlsx) workbook.")
    # An uploaded workbook can be broken in many ways (zip, XML, styles): any failure to read
    # it is a refusal of the file, never an error page.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(max_row=max_rows, max_col=max_columns)
            return [
                [cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row] for row in rows
            ]
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - see above
        raise UnreadableTable("The file could not be read as an Excel (.xlsx) workbook.") from exc


def read_table(
    name: str, data: bytes, *, max_rows: int, max_columns: int, from_template: bool = False
) -> list[list[str]]:
    """The rows of the file as text, chosen by its name's ending. A workbook is read to
    `max_rows` rows and `max_columns` columns at most (the caller counts the rows it got, so
    read one more than it allows). `from_template` adds "made from the template" to the
    refusals. Raises UnreadableTable."""
    kind = " made from the template" if from_template else ""
    ext = PurePath(name).suffix.lower()
    if ext == ".csv":
        return _csv_rows(data, kind)
    if ext == ".xlsx":
        return _xlsx_rows(data, max_rows, max_columns)
    raise UnreadableTable(f"The file must be a CSV or Excel (.xlsx) file{kind}.")
