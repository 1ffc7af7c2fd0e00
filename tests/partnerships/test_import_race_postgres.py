"""Two imports at once, on PostgreSQL (SQLite serialises the whole database, so the race cannot
happen there): with the same new people, the second waits for the first and uses the people it
made; with the same referral id, the one that writes second is told to try again."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from partnerships import imports
from partnerships.exceptions import ImportRejected
from partnerships.imports import import_job_confirm, import_job_create, import_referrals
from partnerships.models import ImportBatch, ImportJob, Person, Referral
from tests.environment import postgres_configured, require

from .test_import import GOOD, to_csv

pytestmark = pytest.mark.django_db(transaction=True)

TRY_AGAIN = "Another import is running for these people; try again when it has finished."


@pytest.fixture(autouse=True)
def _postgres():
    require(postgres_configured(), "Racing imports need PostgreSQL")


def _second_waits_for_first(first, second) -> dict[str, object]:
    """Run `first` in a transaction kept open until `second` is waiting on the rows it wrote,
    then commit it; return what each returned or raised."""
    wrote, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                wrote.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001
            outcome["first"] = exc
            wrote.set()
        finally:
            connection.close()

    def run_second():
        try:
            wrote.wait(10)
            outcome["second"] = second()
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    wrote.wait(10)
    time.sleep(1)  # the second has checked its file and now waits on the first's new victim
    assert threads[1].is_alive(), "the second import should be waiting for the first's rows"
    release.set()
    for thread in threads:
        thread.join(20)
    return outcome


def test_the_second_of_two_imports_with_the_same_new_victim_waits_and_uses_the_first_ones(area):
    # Two different files, each with a referral of the victim V9, whom neither finds in the
    # database. The staged import makes people with ON CONFLICT DO NOTHING: the second waits
    # for the first, then finds V9 (and P1) made, and its referral is V9's second.
    first_file = to_csv([GOOD | {"referral_id": "A1", "victim_ref": "V9"}])
    second_file = to_csv([GOOD | {"referral_id": "B1", "victim_ref": "V9"}])

    outcome = _second_waits_for_first(
        lambda: import_referrals(actor=None, data=first_file, file_name="first.csv"),
        lambda: import_referrals(actor=None, data=second_file, file_name="second.csv"),
    )

    assert (outcome["first"].created, outcome["first"].new_people) == (1, 2)  # V9 and P1
    assert (outcome["second"].created, outcome["second"].new_people) == (1, 0)
    assert Person.objects.filter(role="victim", source_ref="V9").count() == 1
    # Both of V9's referrals are dated 10 January 2024: possible duplicates, the first's too.
    assert dict(Referral.objects.values_list("reference", "possible_duplicate")) == {"A1": True, "B1": True}


def test_the_second_of_two_imports_with_the_same_referral_id_is_told_to_try_again(area):
    first_file = to_csv([GOOD | {"referral_id": "A1", "victim_ref": "V8"}])
    second_file = to_csv([GOOD | {"referral_id": "A1", "victim_ref": "V9"}])

    outcome = _second_waits_for_first(
        lambda: import_referrals(actor=None, data=first_file, file_name="first.csv"),
        lambda: import_referrals(actor=None, data=second_file, file_name="second.csv"),
    )

    assert outcome["first"].created == 1
    refused = outcome["second"]
    assert isinstance(refused, ImportRejected), refused
    assert refused.errors == [(1, "file", TRY_AGAIN)]
    assert str(refused) == "The file was not imported: 1 problem found. Nothing has been saved."
    assert list(Referral.objects.values_list("reference", "victim__source_ref")) == [("A1", "V8")]
    assert list(ImportBatch.objects.values_list("file_name", flat=True)) == ["first.csv"]
    assert not Person.objects.filter(source_ref="V9").exists()
    # Trying again once the first has finished names the id as already imported.
    with pytest.raises(ImportRejected) as again:
        import_referrals(actor=None, data=second_file, file_name="second.csv")
    assert again.value.errors == [(2, "referral_id", "The referral id A1 has already been imported.")]


def test_a_background_import_that_loses_the_race_shows_the_officer_why(
    area, coordinator, as_user, monkeypatch
):
    upload = SimpleUploadedFile("second.csv", to_csv([GOOD | {"referral_id": "B1", "victim_ref": "V9"}]))
    job = import_job_create(actor=coordinator, upload=upload)  # checked at once: tasks run eagerly
    queued = []
    monkeypatch.setattr(imports, "enqueue", lambda *args: queued.append(args))
    job = import_job_confirm(actor=coordinator, job=ImportJob.objects.get(pk=job.pk))
    assert (job.status, queued) == ("importing", [("partnerships.import_write", job.pk)])
    first_file = to_csv([GOOD | {"referral_id": "B1", "victim_ref": "V8"}])  # the same referral id

    outcome = _second_waits_for_first(
        lambda: import_referrals(actor=None, data=first_file, file_name="first.csv"),
        lambda: imports.import_job_write(job.pk),  # as the worker runs it
    )

    assert outcome["second"] == "rejected"
    job.refresh_from_db()
    assert job.batch is None and job.errors == [[1, "file", TRY_AGAIN]]
    page = as_user(coordinator).get(job.get_absolute_url()).content.decode()
    assert "Problems found (1)" in page and TRY_AGAIN in page
    assert list(Referral.objects.values_list("reference", "victim__source_ref")) == [("B1", "V8")]
