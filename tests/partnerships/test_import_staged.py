"""The staged import (PostgreSQL: the file copied into a temporary table, checked and written in
set-based SQL) gives exactly what the import through the ORM gives: the same referrals, people,
repeat and duplicate flags, monthly summary and figures, whatever the order of the rows, and the
same problems, word for word and in the same order, for a file it rejects."""

import csv
import datetime as dt
import io
import random

import pytest
from django.db import connection, transaction

from partnerships import imports
from partnerships.exceptions import ImportRejected
from partnerships.imports import COLUMNS, MAX_ERRORS, import_referrals, preview_referrals
from partnerships.models import MonthlySummary, Person, Referral
from somerset_safety.deadlines.models import Deadline

from .factories import PersonFactory, ReferralFactory
from .test_import import EXAMPLES, GOOD, to_csv

pytestmark = pytest.mark.django_db
staged_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staged import is PostgreSQL's (pgtest.sh)"
)

REFERRAL_FIELDS = [
    f.attname
    for f in Referral._meta.concrete_fields
    if f.attname not in {"id", "created_at", "victim_id", "perpetrator_id", "import_batch_id", "area_id"}
]


def snapshot() -> dict:
    """Everything an import writes, by reference rather than by database id."""
    return {
        "referrals": {
            row["reference"]: row
            for row in Referral.objects.values(
                *REFERRAL_FIELDS,
                "area__code",
                "victim__source_ref",
                "victim__role",
                "perpetrator__source_ref",
                "import_batch__row_count",
            )
        },
        "people": sorted(
            Person.objects.values_list("role", "source_ref", "full_name", "normalised_name", "address")
        ),
        "summary": sorted(
            tuple(row.values())
            for row in MonthlySummary.objects.values(
                "area__code", "month", *[f.attname for f in MonthlySummary._meta.concrete_fields][3:]
            )
        ),
        "deadlines": Deadline.objects.count(),
    }


def through(path: str, data: bytes, monkeypatch) -> tuple[dict, dict]:
    """(figures, snapshot) of importing `data` by the ORM path or the staged one, then undone."""
    with monkeypatch.context() as patched:
        if path == "orm":
            patched.setattr(imports, "_staged", lambda: False)
        with transaction.atomic():
            figures = import_referrals(actor=None, data=data, file_name="history.csv").figures()
            state = snapshot()
            transaction.set_rollback(True)
    return figures, state


def problems(path: str, data: bytes, monkeypatch) -> list:
    with monkeypatch.context() as patched:
        if path == "orm":
            patched.setattr(imports, "_staged", lambda: False)
        with pytest.raises(ImportRejected) as info:
            import_referrals(actor=None, data=data, file_name="bad.csv")
    return info.value.errors


def shuffled(data: bytes, seed: int) -> bytes:
    header, *rows = data.decode().splitlines(keepends=True)
    random.Random(seed).shuffle(rows)
    return (header + "".join(rows)).encode()


@pytest.fixture
def history(sample_refs):
    """Referrals already there before the sample file: V00006 referred on 1 August 2023 (so the
    file's 16 August 2023 referral is a repeat of it), and a withdrawn one of V00030 that counts
    for nothing."""
    from partnerships.models import MaracArea

    taunton = MaracArea.objects.get(code="TAUNTON")
    v6 = PersonFactory(role="victim", source_ref="V00006", full_name="", normalised_name="")
    v30 = PersonFactory(role="victim", source_ref="V00030", full_name="", normalised_name="")
    ReferralFactory(reference="OLD1", area=taunton, victim=v6, referral_date=dt.date(2023, 8, 1))
    ReferralFactory(
        reference="OLD2",
        area=taunton,
        victim=v30,
        referral_date=dt.date(2023, 6, 1),
        status="withdrawn",
        withdrawn_reason="Referred in error (synthetic)",
    )


@staged_only
def test_the_staged_import_writes_what_the_orm_import_writes_in_any_row_order(history, monkeypatch):
    sample = (EXAMPLES / "referrals_sample.csv").read_bytes()
    figures, expected = through("orm", sample, monkeypatch)
    assert figures["referrals"] == 400 and figures["repeats"] > 0
    assert expected["referrals"]["R740045"]["is_repeat"] is True  # of OLD1, 15 days before
    for data in (sample, shuffled(sample, 1), shuffled(sample, 2)):
        assert through("staged", data, monkeypatch) == (figures, expected)
    assert through("orm", shuffled(sample, 3), monkeypatch) == (figures, expected)


@staged_only
def test_the_staged_preview_gives_the_orm_figures_and_writes_nothing(history, monkeypatch):
    rows = [
        GOOD | {"marac_area": "TAUNTON", "referral_id": "N1", "victim_ref": "V00006"},  # repeat of OLD1
        GOOD | {"marac_area": "TAUNTON", "referral_id": "N2", "victim_ref": "NEW", "perpetrator_ref": ""},
        GOOD | {"marac_area": "TAUNTON", "referral_id": "N3", "victim_ref": "NEW", "perpetrator_ref": ""},
    ]
    before = snapshot()
    figures = preview_referrals(actor=None, data=to_csv(rows), file_name="p.csv")
    # New people: NEW and P1 (V00006 exists). Repeats: N1. Possible duplicates: N2 and N3.
    assert figures == {"referrals": 3, "new_people": 2, "repeats": 1, "possible_duplicates": 2}
    assert snapshot() == before
    with monkeypatch.context() as patched:
        patched.setattr(imports, "_staged", lambda: False)
        assert preview_referrals(actor=None, data=to_csv(rows), file_name="p.csv") == figures


def test_an_imported_earlier_referral_changes_the_flags_of_one_already_there(history, monkeypatch):
    """OLD3 (victim HV, referred 10 March 2024, heard 20 March) was no repeat. The file brings
    N1 of 5 January 2024, within the 12 months before it, and N2 of 10 March 2024, its day: OLD3
    becomes a repeat (of N1) and a possible duplicate (with N2); N2 is a repeat and a possible
    duplicate; N1 neither. So the file has 1 repeat and 1 possible duplicate of its own, and
    March 2024's summary for Taunton counts OLD3 and N2, both repeats."""
    from partnerships.models import MaracArea

    taunton = MaracArea.objects.get(code="TAUNTON")
    hv = PersonFactory(role="victim", source_ref="HV", full_name="", normalised_name="")
    ReferralFactory(
        reference="OLD3",
        area=taunton,
        victim=hv,
        referral_date=dt.date(2024, 3, 10),
        status="heard",
        heard_date=dt.date(2024, 3, 20),
    )
    new = {"marac_area": "TAUNTON", "victim_ref": "HV", "perpetrator_ref": ""}
    rows = [
        GOOD | new | {"referral_id": "N2", "referral_date": "2024-03-10", "heard_date": "2024-03-21"},
        GOOD | new | {"referral_id": "N1", "referral_date": "2024-01-05", "heard_date": "2024-01-15"},
    ]
    path = "staged" if connection.vendor == "postgresql" else "orm"
    figures, state = through(path, to_csv(rows), monkeypatch)
    assert figures == {"referrals": 2, "new_people": 0, "repeats": 1, "possible_duplicates": 1}
    flags = {
        ref: (state["referrals"][ref]["is_repeat"], state["referrals"][ref]["possible_duplicate"])
        for ref in ("OLD3", "N1", "N2")
    }
    assert flags == {"OLD3": (True, True), "N1": (False, False), "N2": (True, True)}
    march = [row for row in state["summary"] if row[:2] == ("TAUNTON", dt.date(2024, 3, 1))]
    assert [row[2:4] for row in march] == [(2, 2)]  # cases, victims_repeat
    if path == "staged":
        assert through("orm", to_csv(rows), monkeypatch) == (figures, state)


def test_ids_on_an_earlier_row_or_already_imported_are_named_in_row_order(history, monkeypatch):
    rows = [
        GOOD | {"marac_area": "TAUNTON"},
        GOOD | {"marac_area": "TAUNTON", "victim_sex": "x"},  # X1 again, and a bad value
        GOOD | {"marac_area": "TAUNTON", "referral_id": "OLD1"},
    ]
    assert problems("orm" if connection.vendor != "postgresql" else "staged", to_csv(rows), monkeypatch) == [
        (3, "referral_id", "The referral id X1 is also on row 2."),
        (3, "victim_sex", "Referral X1: “x”: enter female, male, other or not_known."),
        (4, "referral_id", "The referral id OLD1 has already been imported."),
    ]


def _lines(rows: list) -> bytes:
    """A file of rows given as dicts (written as CSV) or as raw lines."""
    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\r\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    for row in rows:
        if isinstance(row, str):
            out.write(row + "\r\n")
        else:
            writer.writerow(row)
    return out.getvalue().encode()


def _bad(n: int) -> dict:
    return GOOD | {"marac_area": "TAUNTON", "referral_id": f"B{n}", "victim_ref": f"BV{n}", "victim_sex": "x"}


def _good(n: int) -> dict:
    return GOOD | {"marac_area": "TAUNTON", "referral_id": f"G{n}", "victim_ref": f"GV{n}"}


REJECTED = {
    "every kind of problem, fewer than the limit": [
        _good(1),
        _good(1) | {"dash_score": "ten"},
        "",
        "G2,TAUNTON,2024-01-10",
        _good(3) | {"referral_id": "OLD1"},
        _good(4) | {"referral_id": "L" * 61},
        _good(5) | {"referral_id": "L" * 61},
        _good(6) | {"referral_id": ""},
        _good(7) | {"referral_id": "OLD1"},
        _good(8),
    ],
    "the limit reached on a row of problems": [_good(0), *[_bad(n) for n in range(150)], _good(0)]
    + [_bad(n) for n in range(150, 300)],
    "the limit reached by a referral id found in SQL": [_bad(n) for n in range(MAX_ERRORS - 1)]
    + [_good(1), _good(1), _bad(999), _good(2)],
    "the limit reached on a row with the wrong columns": [_bad(n) for n in range(MAX_ERRORS - 1)]
    + [_good(1), "a,b", "c,d", _good(2), _good(3)],
    "only rows with the wrong columns": ["a,b"] * (MAX_ERRORS + 5),
    "more rows meeting no criterion than the limit": [
        _good(n) | {"dash_score": "3", "referral_date": f"2024-0{1 + n % 9}-1{n % 10}", "heard_date": ""}
        for n in range(MAX_ERRORS + 40)
    ],
    "a header but no referrals": ["", ","],
}


@staged_only
@pytest.mark.parametrize("case", REJECTED)
def test_the_staged_import_rejects_with_the_orm_import_problems(history, monkeypatch, case):
    data = _lines(REJECTED[case])
    staged = problems("staged", data, monkeypatch)
    assert staged == problems("orm", data, monkeypatch)
    assert staged
    assert Referral.objects.filter(import_batch__isnull=False).count() == 0


def test_checking_stops_at_the_end_of_the_row_that_reaches_the_limit(history, monkeypatch):
    # 199 rows with one problem each (rows 2 to 200), then G1 twice: the second G1 (row 202) is
    # the 200th problem, so checking stops there, before the bad row after it.
    data = _lines(REJECTED["the limit reached by a referral id found in SQL"])
    found = problems("orm" if connection.vendor != "postgresql" else "staged", data, monkeypatch)
    assert len(found) == MAX_ERRORS + 1
    assert found[-2:] == [
        (202, "referral_id", "The referral id G1 is also on row 201."),
        (202, "file", f"Stopped checking after {MAX_ERRORS} problems."),
    ]
