"""Quarterly returns: entered or uploaded, all or nothing, late ones late; the RAG of each."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
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


# --- Correcting a return awaiting review --------------------------------------------------------


@pytest.fixture
def q3(contract, commissioner):
    """Received on its due date, 29 January 2026: met."""
    return services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 3),
        received_on=date(2026, 1, 29),
        figures=figures(contract, GOOD),
    )


def _stored(quarterly_return) -> dict:
    return {r.kpi.name: (r.value, r.note) for r in quarterly_return.results.select_related("kpi")}


def _return_changes(quarterly_return):
    from somerset_safety.audit.models import AuditAction, AuditEvent

    return [
        (e.changed_fields, e.detail)
        for e in AuditEvent.objects.filter(
            object_type="commissioning.quarterlyreturn",
            object_id=str(quarterly_return.pk),
            action=AuditAction.CHANGE,
        ).order_by("id")
    ]


def test_correcting_a_return_awaiting_review(contract, commissioner, q3):
    repeat = contract.kpis.get(name="Repeat referrals")
    corrected = figures(contract, {**GOOD, "Repeat referrals": "24"})
    corrected = [
        services.ReturnFigure(f.kpi_id, f.value, "Recounted" if f.kpi_id == repeat.pk else "")
        for f in corrected
    ]
    changed = services.return_correct(
        actor=commissioner,
        quarterly_return=q3,
        received_on=date(2026, 2, 2),
        figures=corrected,
        provider_commentary="  Recount of repeat referrals  ",
    )
    assert changed == ["provider_commentary", "received_on", "results"]
    q3.refresh_from_db()
    assert (q3.received_on, q3.provider_commentary) == (date(2026, 2, 2), "Recount of repeat referrals")
    assert _stored(q3) == {
        "Successful completions (opiate)": (Decimal("6"), ""),
        "Repeat referrals": (Decimal("24"), "Recounted"),
        "Households not supported": (Decimal("8"), ""),
    }
    # Lower is better, target 25: 27.5 was amber (within 3), 24 is green.
    rows = {row.result.kpi.name: row.rag for row in selectors.return_detail(q3)}
    assert rows["Repeat referrals"] == "green"
    # Due Thursday 29 January; now received Monday 2 February: met late.
    assert clocks(contract)[(RETURN_DUE, "2025-26 Q3")] == (
        date(2026, 1, 29),
        DeadlineStatus.MET,
        date(2026, 2, 2),
    )
    assert _return_changes(q3) == [(["provider_commentary", "received_on", "results"], {"kpis": [repeat.pk]})]
    # The same figures again: nothing to save, nothing audited.
    assert (
        services.return_correct(
            actor=commissioner,
            quarterly_return=q3,
            received_on=date(2026, 2, 2),
            figures=corrected,
            provider_commentary="Recount of repeat referrals",
        )
        == []
    )
    assert len(_return_changes(q3)) == 1


@pytest.mark.parametrize(
    ("values", "received_on", "message"),
    [
        (
            {**GOOD, "Repeat referrals": "120"},
            date(2026, 1, 29),
            "The value for Repeat referrals is a percentage: it must be from 0 to 100.",
        ),
        (
            {**GOOD, "Households not supported": "2.5"},
            date(2026, 1, 29),
            "The value for Households not supported is a count: it must be a whole number, 0 or more.",
        ),
        (
            {k: v for k, v in GOOD.items() if k != "Households not supported"},
            date(2026, 1, 29),
            "Enter the value for Households not supported.",
        ),
        (
            GOOD,
            date(2025, 12, 30),
            "A return for 2025-26 Q3 cannot be received before the quarter ends on 31 December 2025.",
        ),
        (GOOD, date(2026, 3, 2), "The date the return was received must be today or in the past."),
    ],
)
def test_a_bad_correction_changes_nothing(contract, commissioner, q3, today, values, received_on, message):
    before = _stored(q3)
    with pytest.raises(CommissioningError) as refused:
        services.return_correct(
            actor=commissioner,
            quarterly_return=q3,
            received_on=received_on,
            figures=figures(contract, {**values, "Successful completions (opiate)": "7"}),
        )
    assert str(refused.value) == message
    q3.refresh_from_db()
    assert _stored(q3) == before and q3.received_on == date(2026, 1, 29)
    assert _return_changes(q3) == []


def test_a_signed_off_return_cannot_be_corrected(contract, commissioner, q3, as_user, today):
    services.return_sign_off(
        actor=commissioner, quarterly_return=q3, review_notes="Checked", signed_off_on=date(2026, 2, 10)
    )
    refusal = "This return was signed off on 10 February 2026: its figures are on record as reviewed and cannot be corrected."
    with pytest.raises(CommissioningError) as refused:
        services.return_correct(
            actor=commissioner,
            quarterly_return=q3,
            received_on=date(2026, 1, 29),
            figures=figures(contract, {**GOOD, "Repeat referrals": "24"}),
        )
    assert str(refused.value) == refusal
    client = as_user(commissioner)
    url = f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/correct/"
    assert refusal in client.get(url).content.decode()
    posted = client.post(url, {"received_on_0": "29", "received_on_1": "1", "received_on_2": "2026"})
    assert posted.status_code == 200 and refusal in posted.content.decode()
    assert _stored(q3)["Repeat referrals"] == (Decimal("27.5"), "")
    detail = client.get(f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/").content.decode()
    assert url not in detail


def _correction_post(contract, q3, **values) -> dict:
    from somerset_safety.core.edits import record_version

    by_name = {k.name: k.pk for k in contract.kpis.all()}
    data = {
        "received_on_0": "29",
        "received_on_1": "1",
        "received_on_2": "2026",
        "provider_commentary": "",
        "expected_version": record_version(q3),
    }
    for name, value in GOOD.items():
        data[f"value_{by_name[name]}"] = value
        data[f"note_{by_name[name]}"] = ""
    for name, value in values.items():
        data[f"value_{by_name[name]}"] = value
    return data


def test_an_officer_corrects_a_return_on_its_page(contract, commissioner, officer, q3, as_user):
    url = f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/correct/"
    client = as_user(commissioner)
    detail = client.get(f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/").content.decode()
    assert url in detail
    assert (
        url
        not in as_user(officer)
        .get(f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/")
        .content.decode()
    )
    page = client.get(url).content.decode()
    assert 'value="27.50"' in page and 'name="expected_version"' in page

    refused = client.post(url, _correction_post(contract, q3, **{"Repeat referrals": "abc"}))
    assert refused.status_code == 200
    assert "The value for Repeat referrals must be a number, like 72.5" in refused.content.decode()
    saved = client.post(url, _correction_post(contract, q3, **{"Repeat referrals": "24"}))
    assert saved.status_code == 302
    assert _stored(q3)["Repeat referrals"] == (Decimal("24"), "")


def test_a_correction_over_a_newer_one_is_refused(contract, commissioner, q3, as_user):
    url = f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/correct/"
    opened_on = _correction_post(contract, q3, **{"Repeat referrals": "26"})
    # Someone else corrects a figure only (the return's own fields unchanged) in between.
    with time_machine.travel("2026-03-01 10:42 +00:00", tick=False):
        services.return_correct(
            actor=commissioner,
            quarterly_return=q3,
            received_on=date(2026, 1, 29),
            figures=figures(contract, {**GOOD, "Households not supported": "7"}),
        )
    refused = as_user(commissioner).post(url, opened_on)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else changed this record" in page and "They changed: Results" in page
    assert 'value="26"' in page
    assert _stored(q3)["Repeat referrals"] == (Decimal("27.5"), "")
    assert _stored(q3)["Households not supported"] == (Decimal("7"), "")


@pytest.mark.parametrize(
    ("persona", "status"), [("officer", 403), ("partnership_lead", 404), ("agency_rep", 404)]
)
def test_only_commissioning_officers_correct_returns(request, contract, q3, as_user, persona, status):
    url = f"/commissioning/contracts/{contract.pk}/returns/{q3.pk}/correct/"
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url).status_code == status
    assert client.post(url, _correction_post(contract, q3, **{"Repeat referrals": "1"})).status_code == status
    assert _stored(q3)["Repeat referrals"] == (Decimal("27.5"), "")
