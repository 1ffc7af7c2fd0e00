"""Quarterly returns: entered or uploaded, all or nothing, late ones late; the RAG of each."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from commissioning import returns_io, selectors, services
from commissioning.clocks import Quarter
from commissioning.deadlines import RETURN_DUE
from commissioning.exceptions import CommissioningError
from commissioning.models import Direction, KpiResult, QuarterlyReturn, ReturnSource
from somerset_safety.deadlines.models import DeadlineStatus

from .test_contracts import clocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(make_contract, commissioner):
    contract = make_contract(
        start_date=date(2025, 4, 1), initial_end_date=date(2027, 3, 31), signed_on=date(2025, 3, 1)
    )
    kpis = [
        ("Successful completions (opiate)", "%", Direction.HIGHER, "6", "1", False, "quarterly"),
        ("Repeat referrals", "%", Direction.LOWER, "25", "3", False, "quarterly"),
        ("Households not supported", "households", Direction.LOWER, "5", "2", True, "quarterly"),
        ("Clients' annual survey score", "points", Direction.HIGHER, "8", "1", False, "annual"),
    ]
    for name, unit, direction, target, tolerance, people, frequency in kpis:
        services.kpi_create(
            actor=commissioner,
            contract=contract,
            name=name,
            definition="Synthetic",
            unit=unit,
            direction=direction,
            target=Decimal(target),
            tolerance=Decimal(tolerance),
            frequency=frequency,
            benchmark=None,
            counts_people=people,
            set_on=date(2025, 3, 1),
        )
    return contract


def figures(contract, values: dict):
    by_name = {k.name: k.pk for k in contract.kpis.all()}
    return [services.ReturnFigure(by_name[name], value) for name, value in values.items()]


GOOD = {"Successful completions (opiate)": "6", "Repeat referrals": "27.5", "Households not supported": "8"}


def test_quarterly_figures_for_the_quarter_only(contract):
    names = lambda q: [k.name for k in services.kpis_for_quarter(contract, q)]  # noqa: E731
    assert names(Quarter(2025, 3)) == list(GOOD)
    assert names(Quarter(2025, 4)) == [*GOOD, "Clients' annual survey score"]


def test_a_return_on_time_and_one_late(contract, commissioner):
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 3),
        received_on=date(2026, 1, 29),
        figures=figures(contract, GOOD),
    )
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 2),
        received_on=date(2025, 11, 3),
        figures=figures(contract, GOOD),
        provider_commentary="Staff vacancies",
    )
    rows = clocks(contract)
    # Quarter 3 ends Wednesday 31 December: 20 working days from Friday 2 January is 29 January.
    assert rows[(RETURN_DUE, "2025-26 Q3")] == (date(2026, 1, 29), DeadlineStatus.MET, date(2026, 1, 29))
    # Quarter 2 ends Tuesday 30 September: due Tuesday 28 October, received 3 November (late).
    assert rows[(RETURN_DUE, "2025-26 Q2")] == (date(2025, 10, 28), DeadlineStatus.MET, date(2025, 11, 3))
    clock = next(c for c in selectors.clocks_of(contract, date(2026, 3, 1)) if c.deadline.key == "2025-26 Q2")
    assert (clock.key, clock.detail) == ("met_late", "Met 3 November 2025, 6 days late")
    assert rows[(RETURN_DUE, "2025-26 Q1")][1] == DeadlineStatus.OPEN


def test_rag_and_trend_on_the_return(contract, commissioner):
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 2),
        received_on=date(2025, 10, 20),
        figures=figures(
            contract,
            {
                "Successful completions (opiate)": "4.5",
                "Repeat referrals": "25",
                "Households not supported": "8",
            },
        ),
    )
    q3 = services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 3),
        received_on=date(2026, 1, 20),
        figures=figures(contract, GOOD),
    )
    rows = {r.result.kpi.name: (r.rag, r.trend, r.previous) for r in selectors.return_detail(q3)}
    assert rows == {
        # On target (6) is green; up from 4.5.
        "Successful completions (opiate)": ("green", "improving", Decimal("4.50")),
        # Lower is better: 27.5 is 2.5 over 25, within the tolerance of 3: amber; worse than 25.
        "Repeat referrals": ("amber", "worsening", Decimal("25.00")),
        # 8 is 3 over 5, beyond the tolerance of 2: red; the same as before.
        "Households not supported": ("red", "same", Decimal("8.00")),
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({**GOOD, "Repeat referrals": "lots"}, "must be a number"),
        ({**GOOD, "Repeat referrals": "101"}, "from 0 to 100"),
        ({**GOOD, "Households not supported": "2.5"}, "whole number"),
        ({**GOOD, "Households not supported": "-1"}, "whole number"),
        ({**GOOD, "Successful completions (opiate)": "6.125"}, "at most 2 decimal places"),
        (
            {"Successful completions (opiate)": "6", "Repeat referrals": "20"},
            "Enter the value for Households not supported",
        ),
        ({**GOOD, "Clients' annual survey score": "9"}, "not reported in this quarter"),
    ],
)
def test_a_bad_figure_writes_nothing(contract, commissioner, values, message):
    with pytest.raises(CommissioningError, match=message):
        services.return_record(
            actor=commissioner,
            contract=contract,
            quarter=Quarter(2025, 3),
            received_on=date(2026, 1, 29),
            figures=figures(contract, values),
        )
    assert not QuarterlyReturn.objects.exists() and not KpiResult.objects.exists()
    assert clocks(contract)[(RETURN_DUE, "2025-26 Q3")][1] == DeadlineStatus.OPEN


@pytest.mark.parametrize(
    ("quarter", "received", "message"),
    [
        (Quarter(2024, 4), date(2025, 4, 20), "does not owe a return for 2024-25 Q4"),
        (Quarter(2027, 1), date(2026, 3, 1), "does not owe a return for 2027-28 Q1"),
        (Quarter(2025, 4), date(2026, 3, 1), "cannot be received before the quarter ends on 31 March 2026"),
        (Quarter(2025, 3), date(2026, 3, 2), "must be today or in the past"),
    ],
)
def test_quarter_and_date_rules(contract, commissioner, quarter, received, message):
    with pytest.raises(CommissioningError, match=message):
        services.return_record(
            actor=commissioner,
            contract=contract,
            quarter=quarter,
            received_on=received,
            figures=figures(contract, GOOD),
        )


def test_one_return_a_quarter_and_sign_off(contract, commissioner):
    q = services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 3),
        received_on=date(2026, 1, 29),
        figures=figures(contract, GOOD),
    )
    with pytest.raises(CommissioningError, match="already been recorded"):
        services.return_record(
            actor=commissioner,
            contract=contract,
            quarter=Quarter(2025, 3),
            received_on=date(2026, 1, 29),
            figures=figures(contract, GOOD),
        )
    with pytest.raises(CommissioningError, match="before it was received"):
        services.return_sign_off(
            actor=commissioner, quarterly_return=q, review_notes="Checked", signed_off_on=date(2026, 1, 28)
        )
    with pytest.raises(CommissioningError, match="Enter your review"):
        services.return_sign_off(
            actor=commissioner, quarterly_return=q, review_notes=" ", signed_off_on=date(2026, 2, 2)
        )
    q = services.return_sign_off(
        actor=commissioner, quarterly_return=q, review_notes="Checked", signed_off_on=date(2026, 2, 2)
    )
    assert (q.status, q.signed_off_by) == ("signed_off", commissioner)
    with pytest.raises(CommissioningError, match="already been signed off"):
        services.return_sign_off(
            actor=commissioner, quarterly_return=q, review_notes="Again", signed_off_on=date(2026, 2, 2)
        )


# --- Upload -------------------------------------------------------------------------------


def csv_file(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def filled(contract, quarter="2025-26 Q3", values=None, extra_rows=()):
    values = GOOD if values is None else values
    rows = [
        ["Contract", contract.reference, contract.title],
        ["Quarter", quarter],
        ["Provider commentary", "Busy"],
        [],
        ["KPI", "Unit", "Target", "Value", "Note"],
    ]
    rows += [[name, "", "", value, ""] for name, value in values.items()]
    return rows + list(extra_rows)


def test_the_template_lists_the_quarters_kpis(contract):
    rows = list(csv.reader(io.StringIO(returns_io.template_csv(contract, Quarter(2025, 4)))))
    assert rows[0][:2] == ["Contract", contract.reference]
    assert rows[1][:2] == ["Quarter", "2025-26 Q4"]
    assert rows[4] == ["KPI", "Unit", "Target", "Value", "Note"]
    assert [r[0] for r in rows[5:]] == [*GOOD, "Clients' annual survey score"]
    sheet = load_workbook(io.BytesIO(returns_io.template_xlsx(contract, Quarter(2025, 3)))).active
    assert [c.value for c in sheet[5]] == ["KPI", "Unit", "Target", "Value", "Note"]
    assert sheet["A6"].value == "Successful completions (opiate)"


def test_a_good_csv_is_read(contract):
    parsed = returns_io.parse(contract, "return.csv", csv_file(filled(contract)))
    assert parsed.quarter == Quarter(2025, 3) and parsed.provider_commentary == "Busy"
    assert [f.value for f in parsed.figures] == [Decimal("6"), Decimal("27.5"), Decimal("8")]


def xlsx_file(rows, percent_cells=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref in percent_cells:
        sheet[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_xlsx_is_read_with_numbers_and_percentage_cells(contract):
    rows = filled(contract, values={})
    rows += [
        ["Successful completions (opiate)", "%", 6, 0.065, ""],
        ["Repeat referrals", "%", 25, 27.5, "Up"],
        ["Households not supported", "households", 5, 8, "No refuge space"],
    ]
    parsed = returns_io.parse(contract, "return.xlsx", xlsx_file(rows, percent_cells=["D6"]))
    assert [(f.value, f.note) for f in parsed.figures] == [
        (Decimal("6.5"), ""),
        (Decimal("27.5"), "Up"),
        (Decimal("8"), "No refuge space"),
    ]


def problems(contract, name, data) -> list[str]:
    with pytest.raises(returns_io.ReturnFileRejected) as caught:
        returns_io.parse(contract, name, data)
    return [str(p) for p in caught.value.problems]


def test_every_bad_row_and_cell_is_named(contract):
    rows = filled(
        contract,
        values={"Successful completions (opiate)": "six", "Repeat referrals": "", "Nonsense KPI": "1"},
        extra_rows=[["Repeat referrals", "", "", "20", ""]],
    )
    assert problems(contract, "return.csv", csv_file(rows)) == [
        "Row 6, cell D6: The value for Successful completions (opiate) must be a number, like 72.5 (not “six”).",
        "Row 7, cell D7: Enter the value for Repeat referrals.",
        "Row 8, cell A8: “Nonsense KPI” is not a KPI of this contract reported in 2025-26 Q3.",
        "Row 9, cell A9: Repeat referrals is also on row 7.",
        "There is no row for Households not supported: add it with its value.",
    ]


def test_the_top_of_the_file_is_checked(contract, make_contract):
    rows = filled(contract, quarter="Q3 2025")
    rows[0][1] = "CON-9999"
    rows[4] = ["KPI", "Value"]
    assert problems(contract, "return.csv", csv_file(rows)) == [
        "Row 1, cell B1: The file is for contract “CON-9999”, not CON-0001.",
        "Row 2, cell B2: Enter the quarter like 2024-25 Q1 (not “Q3 2025”).",
        "Row 5, cell A5: Row 5 must be the header: KPI, Unit, Target, Value, Note.",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("return.pdf", b"%PDF-1.4", "must be a CSV or Excel (.xlsx) file"),
        ("return.xlsx", b"not a zip at all", "not an Excel (.xlsx) workbook"),
        ("return.xlsx", b"PK\x03\x04broken", "could not be read as an Excel (.xlsx) workbook"),
        ("return.csv", "Contract,CON-0001\n".encode("utf-16"), "UTF-8"),
        ("return.csv", b"", "must say “Contract”"),
    ],
)
def test_files_that_are_not_returns(contract, name, data, message):
    assert any(message in p for p in problems(contract, name, data))


def test_an_upload_records_all_or_nothing(contract, commissioner, as_user):
    client = as_user(commissioner)
    url = f"/commissioning/contracts/{contract.pk}/returns/upload/"
    bad = filled(contract, values={**GOOD, "Repeat referrals": "n/a"})
    response = client.post(
        url,
        {
            "received_on_0": "29",
            "received_on_1": "1",
            "received_on_2": "2026",
            "file": SimpleUploadedFile("q3.csv", csv_file(bad)),
        },
    )
    assert response.status_code == 200
    assert "Row 7, cell D7: The value for Repeat referrals must be a number" in response.content.decode()
    assert not QuarterlyReturn.objects.exists() and not KpiResult.objects.exists()
    response = client.post(
        url,
        {
            "received_on_0": "29",
            "received_on_1": "1",
            "received_on_2": "2026",
            "file": SimpleUploadedFile("q3.csv", csv_file(filled(contract))),
        },
    )
    assert response.status_code == 302
    recorded = QuarterlyReturn.objects.get()
    assert (recorded.source, recorded.period, recorded.results.count()) == (
        ReturnSource.UPLOADED,
        Quarter(2025, 3),
        3,
    )
    assert recorded.upload_name == "q3.csv"
    # The same quarter again is refused, whole.
    response = client.post(
        url,
        {
            "received_on_0": "29",
            "received_on_1": "1",
            "received_on_2": "2026",
            "file": SimpleUploadedFile("q3.csv", csv_file(filled(contract))),
        },
    )
    assert "already been recorded" in response.content.decode()
    assert QuarterlyReturn.objects.count() == 1 and KpiResult.objects.count() == 3
