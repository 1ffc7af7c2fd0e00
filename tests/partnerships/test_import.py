import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships.exceptions import ImportRejected
from partnerships.imports import COLUMNS, import_referrals
from partnerships.models import ImportBatch, MaracArea, Person, Referral
from partnerships.services import agencies_load, areas_load
from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines.models import Deadline

from .factories import ReferralFactory

# A copy of the synthetic example files in /work/shared/examples/marac, the referrals with the
# optional last column review_at_12_months added (yes for the heard ones whose id ends 0 or 5).
EXAMPLES = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db

GOOD = {
    "referral_id": "X1",
    "marac_area": "TESTAREA",
    "referral_date": "2024-01-10",
    "heard_date": "2024-01-20",
    "victim_ref": "V1",
    "perpetrator_ref": "P1",
    "referring_agency": "POLICE",
    "dash_score": "15",
    "professional_judgement": "no",
    "escalation": "no",
    "victim_sex": "female",
    "victim_age": "30",
    "victim_ethnicity": "white_british",
    "victim_disabled": "no",
    "victim_lgbt": "not_known",
    "perpetrator_age": "",
    "children_in_household": "0",
}


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_reference_loaders_are_idempotent_and_update_by_code(sample_refs):
    before_agencies, before_areas = Agency.objects.count(), MaracArea.objects.count()
    assert agencies_load(actor=None, text=(EXAMPLES / "agencies.csv").read_text()) == (0, 10)
    assert areas_load(actor=None, text=(EXAMPLES / "areas.csv").read_text()) == (0, 3)
    assert (Agency.objects.count(), MaracArea.objects.count()) == (before_agencies, before_areas)
    assert Agency.objects.get(code="BTP").agency_type == "police"
    assert Agency.objects.get(code="POLICE").name == "Avon and Somerset Police"
    assert MaracArea.objects.get(code="EXMOOR").adult_female_population == 23410


def test_sample_file_imports_cleanly_and_repeats_are_computed(sample_refs):
    result = import_referrals(
        actor=None, data=(EXAMPLES / "referrals_sample.csv").read_bytes(), file_name="s.csv"
    )
    assert result.created == 400 == Referral.objects.count()
    rows = list(csv.DictReader(open(EXAMPLES / "referrals_sample.csv")))
    assert Referral.objects.filter(heard_date__isnull=True).count() == sum(
        1 for r in rows if not r["heard_date"]
    )
    assert Person.objects.filter(role="victim").count() == len({r["victim_ref"] for r in rows})
    assert result.repeats == Referral.objects.filter(is_repeat=True).count() > 0
    # The copy's last column marks 66 heard cases (ids ending 0 or 5) for the 12-month review.
    marked = sum(1 for r in rows if r["review_at_12_months"] == "yes")
    assert Deadline.objects.filter(kind="marac_12_months").count() == marked == 66


def test_import_computes_repeat_against_earlier_history(area):
    import_referrals(actor=None, data=to_csv([GOOD]), file_name="a.csv")
    later = GOOD | {"referral_id": "X2", "referral_date": "2025-01-10", "heard_date": "", "dash_score": "3"}
    earlier = GOOD | {"referral_id": "X0", "referral_date": "2023-06-01", "heard_date": ""}
    import_referrals(actor=None, data=to_csv([later, earlier]), file_name="b.csv")
    repeats = dict(Referral.objects.values_list("reference", "is_repeat"))
    assert repeats == {"X0": False, "X1": True, "X2": True}
    assert ImportBatch.objects.count() == 2


BAD_ROWS = [
    ("referral_id", {"referral_id": ""}),
    ("marac_area", {"marac_area": "NOWHERE"}),
    ("referral_date", {"referral_date": "10/01/2024"}),
    ("referral_date", {"referral_date": "2023-02-29"}),
    ("heard_date", {"heard_date": "2024-01-01"}),
    ("victim_ref", {"victim_ref": ""}),
    ("referring_agency", {"referring_agency": "NOPE"}),
    ("dash_score", {"dash_score": "25"}),
    ("dash_score", {"dash_score": "ten"}),
    ("professional_judgement", {"professional_judgement": "maybe"}),
    ("escalation", {"escalation": "Y"}),
    ("victim_sex", {"victim_sex": "f"}),
    ("victim_age", {"victim_age": "30.5"}),
    ("victim_ethnicity", {"victim_ethnicity": "british"}),
    ("victim_disabled", {"victim_disabled": "unknown"}),
    ("victim_lgbt", {"victim_lgbt": ""}),
    ("perpetrator_age", {"perpetrator_age": "-1"}),
    ("children_in_household", {"children_in_household": ""}),
    ("dash_score", {"dash_score": "5"}),  # meets no criterion once repeats are known
]


@pytest.mark.parametrize(("field", "change"), BAD_ROWS)
def test_each_kind_of_bad_row_rejects_the_file_and_writes_nothing(area, field, change):
    rows = [GOOD | {"referral_id": "OK1", "victim_ref": "V9"}, GOOD | change]
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=to_csv(rows), file_name="bad.csv")
    assert (3, field) in [(line, f) for line, f, _ in info.value.errors]
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_duplicate_ids_in_file_and_already_imported(area):
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=to_csv([GOOD, GOOD]), file_name="dup.csv")
    assert info.value.errors == [(3, "referral_id", "The referral id X1 is also on row 2.")]
    import_referrals(actor=None, data=to_csv([GOOD]), file_name="one.csv")
    with pytest.raises(ImportRejected, match="Nothing has been saved"):
        import_referrals(actor=None, data=to_csv([GOOD]), file_name="again.csv")
    assert Referral.objects.count() == 1


def test_wrong_header_empty_file_and_wrong_encoding(area):
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=b"referral_id,marac_area\nX,Y\n", file_name="h.csv")
    assert [field for _, field, _ in info.value.errors] == COLUMNS[2:]
    assert info.value.errors[0] == (1, "referral_date", "The column referral_date is missing.")
    with pytest.raises(ImportRejected):
        import_referrals(actor=None, data=b"", file_name="e.csv")
    with pytest.raises(ImportRejected, match="problem"):
        import_referrals(actor=None, data=",".join(COLUMNS).encode() + b"\n", file_name="e.csv")
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=b"\xff\xfe\x00", file_name="u.csv")
    assert "UTF-8" in info.value.errors[0][2]


def _header(names: list[str]) -> bytes:
    return ",".join(names).encode() + b"\n" + b",".join(b"x" for _ in names) + b"\n"


def test_header_errors_name_each_missing_unknown_and_misplaced_column(area):
    with pytest.raises(ImportRejected) as info:
        renamed = [("victims_sex" if name == "victim_sex" else name) for name in COLUMNS]
        import_referrals(actor=None, data=_header(renamed), file_name="h.csv")
    assert info.value.errors == [
        (1, "victim_sex", "The column victim_sex is missing."),
        (1, "victims_sex", "Column 11, “victims_sex”, is not a column of the import."),
    ]
    swapped = list(COLUMNS)
    swapped[2], swapped[3] = swapped[3], swapped[2]  # heard_date before referral_date
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=_header(swapped), file_name="h.csv")
    assert info.value.errors == [
        (1, "heard_date", "Column 3 should be referral_date, not heard_date."),
        (1, "referral_date", "Column 4 should be heard_date, not referral_date."),
    ]
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=_header([*COLUMNS, "notes"]), file_name="h.csv")
    assert info.value.errors == [(1, "notes", "Column 18, “notes”, is not a column of the import.")]


def _with_review(rows: list[dict]) -> bytes:
    """A file with the optional last column review_at_12_months."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "review_at_12_months"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_the_optional_12_month_review_column_gives_heard_cases_their_clock(area):
    # Heard on 20 January 2024 and to come back: due 20 January 2025. Not heard, or "no", or
    # blank: no clock (a case not yet heard gets it when it is heard, as in the browser).
    rows = [
        GOOD | {"referral_id": "Y1", "victim_ref": "V1", "review_at_12_months": "yes"},
        GOOD | {"referral_id": "Y2", "victim_ref": "V2", "heard_date": "", "review_at_12_months": "yes"},
        GOOD | {"referral_id": "N1", "victim_ref": "V3", "review_at_12_months": "no"},
        GOOD | {"referral_id": "N2", "victim_ref": "V4", "review_at_12_months": ""},
    ]
    import_referrals(actor=None, data=_with_review(rows), file_name="review.csv")
    flags = dict(Referral.objects.values_list("reference", "review_at_12_months"))
    assert flags == {"Y1": True, "Y2": True, "N1": False, "N2": False}
    clocks = Deadline.objects.filter(subject_type="partnerships.referral")
    assert list(clocks.values_list("subject_id", "kind", "due_date")) == [
        (Referral.objects.get(reference="Y1").pk, "marac_12_months", dt.date(2025, 1, 20))
    ]


def test_a_file_without_the_review_column_is_still_valid_and_gives_no_clock(area):
    import_referrals(actor=None, data=to_csv([GOOD]), file_name="old.csv")
    assert Referral.objects.get().review_at_12_months is False
    assert not Deadline.objects.filter(subject_type="partnerships.referral").exists()


def test_the_review_column_is_checked_like_the_others(area):
    with pytest.raises(ImportRejected) as info:
        import_referrals(
            actor=None, data=_with_review([GOOD | {"review_at_12_months": "maybe"}]), file_name="r.csv"
        )
    assert info.value.errors == [
        (2, "review_at_12_months", "Referral X1: “maybe”: enter yes or no, or leave it blank.")
    ]
    misplaced = [*COLUMNS[:-1], "review_at_12_months", COLUMNS[-1]]
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=_header(misplaced), file_name="h.csv")
    assert info.value.errors == [
        (1, "review_at_12_months", "Column 17 should be children_in_household, not review_at_12_months."),
        (1, "children_in_household", "Column 18 should be review_at_12_months, not children_in_household."),
    ]
    short = _with_review([GOOD | {"review_at_12_months": "no"}]) + b"X2,TESTAREA\r\n"
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=short, file_name="s.csv")
    assert info.value.errors == [(3, "row", "Expected 18 columns, found 2.")]
    assert Referral.objects.count() == 0


def test_bad_values_are_echoed_with_the_row_and_referral_id(area):
    rows = [
        GOOD | {"referral_id": "R7", "referral_date": "10/01/2024", "victim_sex": "f", "marac_area": "NOPE"}
    ]
    with pytest.raises(ImportRejected) as info:
        import_referrals(actor=None, data=to_csv(rows), file_name="bad.csv")
    assert info.value.errors == [
        (2, "marac_area", "Referral R7: “NOPE” is not the code of a MARAC area."),
        (2, "referral_date", "Referral R7: “10/01/2024” is not a real date as YYYY-MM-DD."),
        (2, "victim_sex", "Referral R7: “f”: enter female, male, other or not_known."),
    ]


def test_command_imports_and_reports_bad_rows(area, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([GOOD]))
    call_command("import_marac_referrals", str(good))
    assert Referral.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([GOOD | {"referral_id": "B1", "victim_sex": "x"}]))
    with pytest.raises(CommandError, match="Nothing has been saved"):
        call_command("import_marac_referrals", str(bad))
    assert "Row 2, victim_sex" in capsys.readouterr().err
    assert Referral.objects.count() == 1


def test_area_and_agency_commands(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text("code,name,adult_female_population\nNEWAREA,New MARAC (synthetic),5000\n")
    call_command("load_marac_areas", str(areas))
    call_command("load_marac_areas", str(areas))
    assert MaracArea.objects.filter(code="NEWAREA").count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,type\nX,Y,spaceship\n")
    with pytest.raises(CommandError, match="not an agency type"):
        call_command("load_marac_agencies", str(bad))


def test_the_preview_writes_nothing_and_gives_the_figures(area):
    from partnerships.imports import preview_referrals
    from somerset_safety.audit.models import AuditEvent

    existing = Person.objects.create(role="victim", source_ref="V1")
    ReferralFactory(victim=existing, area=area, referral_date="2023-12-01", reference="OLD")
    rows = [
        GOOD,  # V1 again on 10 Jan 2024: a repeat of 1 Dec 2023
        GOOD | {"referral_id": "X2", "victim_ref": "V2", "perpetrator_ref": "P2"},
        GOOD | {"referral_id": "X3", "victim_ref": "V2", "perpetrator_ref": "P2"},  # same day as X2
    ]
    before = (
        Referral.objects.count(),
        Person.objects.count(),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )
    figures = preview_referrals(actor=None, data=to_csv(rows), file_name="p.csv")
    # New people: V2, P1, P2 (V1 exists). Repeats: X1. Possible duplicates: X2 and X3.
    assert figures == {"referrals": 3, "new_people": 3, "repeats": 1, "possible_duplicates": 2}
    after = (
        Referral.objects.count(),
        Person.objects.count(),
        ImportBatch.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_background_import_checks_previews_and_writes_on_confirmation(
    area, coordinator, as_user, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partnerships.models import ImportJob

    client = as_user(coordinator)
    upload = SimpleUploadedFile(
        "history.csv", to_csv([GOOD, GOOD | {"referral_id": "X2", "victim_ref": "V2"}])
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/partnerships/marac/referrals/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.rows_checked, job.rows_total) == ("ready", 2, 2)
    assert Referral.objects.count() == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing has been saved yet" in page and "Confirm and import" in page
    progress = client.get(f"/partnerships/marac/referrals/import/{job.pk}/progress/").json()
    assert progress == {
        "status": "ready",
        "label": "Checked: confirm to import",
        "checked": 2,
        "total": 2,
        "percent": 100,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == "imported" and job.batch.row_count == 2
    assert Referral.objects.count() == 2
    again = SimpleUploadedFile("again.csv", to_csv([GOOD, GOOD | {"referral_id": "X2", "victim_ref": "V2"}]))
    refused = client.post("/partnerships/marac/referrals/import/", {"file": again})
    assert "This file was already imported on" in refused.content.decode()
    assert ImportJob.objects.count() == 1


def test_a_rejected_file_keeps_its_problems_on_the_job(
    area, coordinator, as_user, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partnerships.models import ImportJob

    client = as_user(coordinator)
    upload = SimpleUploadedFile("bad.csv", to_csv([GOOD | {"victim_sex": "x"}]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/partnerships/marac/referrals/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert job.errors == [[2, "victim_sex", "Referral X1: “x”: enter female, male, other or not_known."]]
    assert "Problems found (1)" in client.get(job.get_absolute_url()).content.decode()
    assert client.post(job.get_absolute_url()).status_code == 302
    job.refresh_from_db()
    assert job.status == "rejected" and Referral.objects.count() == 0


def test_imported_referrals_get_the_deadlines_of_referrals_entered_in_the_browser(area, coordinator):
    """The import writes in bulk, then syncs the referrals' deadlines as the services do for one
    entered in the browser: a heard case that comes back after 12 months gets that deadline."""
    from partnerships.deadlines import KIND_12_MONTHS
    from somerset_safety.deadlines.models import Deadline

    # Both flagged to come back, in the file's optional last column.
    heard = GOOD | {"review_at_12_months": "yes"}
    waiting = heard | {"referral_id": "X2", "victim_ref": "V2", "heard_date": ""}
    import_referrals(actor=coordinator, data=_with_review([heard, waiting]), file_name="deadlines.csv")
    heard = Referral.objects.get(reference="X1")
    deadline = Deadline.objects.get(subject_type="partnerships.referral", subject_id=heard.pk)
    assert deadline.kind == KIND_12_MONTHS and deadline.status == "open"
    assert deadline.due_date == dt.date(2025, 1, 20)  # heard 20 January 2024
    assert list(deadline.responsible_users.all()) == [coordinator]  # no named coordinator: all of them
    # Not yet heard: no clock, as in the browser.
    assert not Deadline.objects.filter(
        subject_type="partnerships.referral", subject_id=Referral.objects.get(reference="X2").pk
    ).exists()
