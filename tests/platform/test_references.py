"""The one reference generator (core.references): sequential, per year where the kind says so,
never reused, correct past 9,999, continuing after references made before it existed."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from somerset_safety.core import references
from somerset_safety.core.models import ReferenceSequence

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds():
    before = dict(references._KINDS)
    references.register("test_yearly", "TY-{year}-{number:04d}", yearly=True)
    references.register("test_plain", "TP{number:03d}", yearly=False)
    yield
    references._KINDS.clear()
    references._KINDS.update(before)


def test_numbers_follow_on_per_kind_and_year(kinds):
    taken = [
        references.next_reference("test_yearly", year=2026).text,
        references.next_reference("test_yearly", year=2026).text,
        references.next_reference("test_yearly", year=2027).text,
        references.next_reference("test_plain").text,
        references.next_reference("test_yearly", year=2026).text,
    ]
    assert taken == ["TY-2026-0001", "TY-2026-0002", "TY-2027-0001", "TP001", "TY-2026-0003"]


def test_past_9999_the_number_keeps_counting(kinds):
    ReferenceSequence.objects.create(kind="test_yearly", year=2026, last_number=9998)
    texts = [references.next_reference("test_yearly", year=2026).text for _ in range(3)]
    assert texts == ["TY-2026-9999", "TY-2026-10000", "TY-2026-10001"]


def test_a_rolled_back_save_takes_no_number(kinds):
    with pytest.raises(RuntimeError), transaction.atomic():
        references.next_reference("test_plain")
        raise RuntimeError("the record was not saved")
    # The counter row was rolled back with the record, so the same number comes again: no gap
    # and no duplicate, because the record that would have used it does not exist.
    assert references.next_reference("test_plain").text == "TP001"
    assert references.next_reference("test_plain").text == "TP002"


def test_the_year_is_required_exactly_for_yearly_kinds(kinds):
    with pytest.raises(ValueError, match="give the year"):
        references.next_reference("test_yearly")
    with pytest.raises(ValueError, match="not numbered per year"):
        references.next_reference("test_plain", year=2026)


def test_highest_number_compares_numbers_not_text(officer):
    from duties.models import ImpactAssessment
    from tests.duties.factories import make_assessment

    first = make_assessment(officer)
    year = first.reference.split("-")[1]
    ImpactAssessment.objects.filter(pk=first.pk).update(reference=f"IA-{year}-9999")
    second = make_assessment(officer)
    ImpactAssessment.objects.filter(pk=second.pk).update(reference=f"IA-{year}-10000")
    assert references.highest_number(ImpactAssessment.objects, "reference", f"IA-{year}-") == 10000


def test_counters_start_after_references_made_before_them(officer):
    """A year's counter that does not exist yet starts after the highest reference of that year
    (MARAC's old random numbers, modern slavery's old text Max+1)."""
    from duties.models import SlaveryNotification
    from tests.duties.factories import make_notification

    existing = make_notification(officer)
    year = int(existing.reference.split("-")[1])
    ReferenceSequence.objects.filter(kind="slavery_notification").delete()
    SlaveryNotification.objects.filter(pk=existing.pk).update(reference=f"MS-{year}-10000")
    assert references.next_reference("slavery_notification", year=year).text == f"MS-{year}-10001"

    ReferenceSequence.objects.filter(kind="marac_referral", year=2019).delete()
    from tests.partnerships.factories import ReferralFactory

    ReferralFactory(reference="MR-2019-512345", referral_date=date(2019, 5, 1))
    ReferralFactory(reference="MR-2019-004512", referral_date=date(2019, 6, 1))
    assert references.next_reference("marac_referral", year=2019).text == "MR-2019-512346"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_get_consecutive_numbers(kinds):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises the whole database).")
    references.next_reference("test_plain")  # the row exists; both now queue on its lock
    barrier = threading.Barrier(4)
    taken, errors = [], []

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                taken.append(references.next_reference("test_plain").number)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(taken) == [2, 3, 4, 5]
