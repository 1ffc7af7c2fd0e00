"""Disposal against concurrent holds, and a full batch, on PostgreSQL (SQLite serialises the whole
database, so neither race can happen there)."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from partnerships.models import Person
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.records import services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import ErasureLog, LegalHold
from tests.environment import postgres_configured, require
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2033, 6, 1)


@pytest.fixture
def setup(today_is):
    require(postgres_configured(), "Concurrent disposal needs PostgreSQL")
    today_is(TODAY)
    manager = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.RECORDS_MANAGER])
    victim = PersonFactory(full_name="Vera Victim (synthetic)")
    ReferralFactory(victim=victim, referral_date=datetime.date(2024, 6, 1))
    return manager, victim


def _run_both(first, second):
    """Run `first` in a transaction kept open until `second` has had time to queue on its locks,
    then commit it; return what each raised."""
    done_first, release = threading.Event(), threading.Event()
    errors: dict[str, Exception] = {}

    def run_first():
        try:
            with transaction.atomic():
                first()
                done_first.set()
                release.wait(10)
        except Exception as exc:  # noqa: BLE001
            errors["first"] = exc
            done_first.set()
        finally:
            connection.close()

    def run_second():
        try:
            done_first.wait(10)
            second()
        except Exception as exc:  # noqa: BLE001
            errors["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    done_first.wait(10)
    time.sleep(1)  # the second is now waiting for the first's row lock
    assert threads[1].is_alive(), "the second should be waiting for the first's lock"
    release.set()
    for t in threads:
        t.join(20)
    return errors


def test_a_hold_placed_while_a_disposal_waits_stops_it(setup):
    manager, victim = setup

    def hold():
        services.hold_place(
            actor=manager,
            record_type_key="marac_person",
            object_id=victim.pk,
            reason="Inquest",
            review_on=datetime.date(2034, 1, 1),
        )

    def dispose():
        services.records_dispose(
            actor=manager, record_type_key="marac_person", object_ids=[victim.pk], action="anonymise"
        )

    errors = _run_both(hold, dispose)
    assert "first" not in errors
    assert isinstance(errors.get("second"), RecordsError) and "no longer due" in str(errors["second"])
    assert not ErasureLog.objects.exists()
    assert Person.objects.get(pk=victim.pk).full_name == "Vera Victim (synthetic)"


def test_a_hold_placed_while_a_disposal_is_under_way_is_refused(setup):
    manager, victim = setup

    def dispose():
        services.records_dispose(
            actor=manager, record_type_key="marac_person", object_ids=[victim.pk], action="anonymise"
        )

    def hold():
        services.hold_place(
            actor=manager,
            record_type_key="marac_person",
            object_id=victim.pk,
            reason="Inquest",
            review_on=datetime.date(2034, 1, 1),
        )

    errors = _run_both(dispose, hold)
    assert "first" not in errors
    assert isinstance(errors.get("second"), RecordsError) and "already been disposed of" in str(
        errors["second"]
    )
    assert ErasureLog.objects.count() == 1 and not LegalHold.objects.exists()


def test_two_disposals_of_the_same_records_at_once_dispose_once(setup):
    manager, victim = setup
    values = {"record_type_key": "marac_person", "object_ids": [victim.pk], "action": "anonymise"}
    errors = _run_both(
        lambda: services.records_dispose(actor=manager, **values),
        lambda: services.records_dispose(actor=manager, **values),
    )
    assert "first" not in errors and isinstance(errors.get("second"), RecordsError)
    assert ErasureLog.objects.count() == 1


def test_a_full_batch_of_a_hundred_people_is_anonymised_in_one_go(setup):
    manager, _ = setup
    people = [PersonFactory(full_name=f"Person {n} (synthetic)") for n in range(99)]
    for person in people:
        ReferralFactory(victim=person, referral_date=datetime.date(2020, 1, 1))
    ids = list(Person.objects.values_list("pk", flat=True))
    assert len(ids) == services.DISPOSAL_BATCH_MAX == 100
    logs = services.records_dispose(
        actor=manager, record_type_key="marac_person", object_ids=ids, action="anonymise"
    )
    assert len(logs) == 100
    assert not Person.objects.exclude(full_name="").exists()
    with pytest.raises(RecordsError, match="at most 100"):
        services.records_dispose(
            actor=manager, record_type_key="marac_person", object_ids=[*ids, 10**9], action="anonymise"
        )
