"""One reader for every uploaded table (commissioned services' returns, performance values):
cells read as typed, and a bad file refused in the same words wherever it is uploaded."""

import datetime
import io

import pytest
from openpyxl import Workbook

from somerset_safety.core.tables import UnreadableTable, read_table


def _workbook(rows, formats=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_reads_as_the_person_typed_it():
    data = _workbook(
        [
            ["Indicator", "Quarter start", "Value"],
            ["Repeat rate", datetime.datetime(2024, 4, 1), 0.725],
            ["  Referrals ", datetime.date(2024, 7, 1), 12.0],
            [None, None, 3.5],
        ],
        formats={"C2": "0.0%"},
    )
    assert read_table("values.xlsx", data, max_rows=10, max_columns=3) == [
        ["Indicator", "Quarter start", "Value"],
        ["Repeat rate", "2024-04-01", "72.5"],  # a percentage cell, as shown
        ["Referrals", "2024-07-01", "12"],
        ["", "", "3.5"],
    ]


def test_a_workbook_is_read_to_the_limits_given():
    data = _workbook([[1, 2, 3, 4]] * 5)
    assert read_table("values.xlsx", data, max_rows=3, max_columns=2) == [["1", "2"]] * 3


def test_a_csv_file_reads_with_its_byte_order_mark_and_spaces_removed():
    data = "\ufeffIndicator, Value\nRepeat rate , 72.5\n".encode()
    assert read_table("values.csv", data, max_rows=10, max_columns=2) == [
        ["Indicator", "Value"],
        ["Repeat rate", "72.5"],
    ]


@pytest.mark.parametrize(
    ("name", "data", "from_template", "message"),
    [
        ("values.pdf", b"%PDF-1.4", False, "The file must be a CSV or Excel (.xlsx) file."),
        (
            "values.pdf",
            b"%PDF-1.4",
            True,
            "The file must be a CSV or Excel (.xlsx) file made from the template.",
        ),
        ("values.xlsx", b"not a zip", False, "The file is not an Excel (.xlsx) workbook."),
        (
            "values.xlsx",
            b"PK\x03\x04broken",
            False,
            "The file could not be read as an Excel (.xlsx) workbook.",
        ),
        (
            "values.csv",
            "Value\n1\n".encode("utf-16"),
            False,
            "The CSV file must be saved as UTF-8 (CSV UTF-8 in Excel).",
        ),
        ("values.csv", b"Value\n\x001\n", True, "The file is not a CSV file made from the template."),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_in_plain_words(name, data, from_template, message):
    with pytest.raises(UnreadableTable) as refused:
        read_table(name, data, max_rows=10, max_columns=3, from_template=from_template)
    assert str(refused.value) == message
