"""Legal holds: a held record is never due; holds are audited, listed and released."""

import datetime

import pytest
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.records import registry, selectors, services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import HoldStatus, LegalHold, RetentionRule
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _today(today_is):
    return today_is(TODAY)


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def _old_victim():
    person = PersonFactory()
    ReferralFactory(victim=person, referral_date=datetime.date(2015, 3, 1))
    return person


def _due():
    rule = RetentionRule.objects.get(record_type="marac_person")
    return list(selectors.due_records(registry.record_type("marac_person"), rule, TODAY))


def test_a_held_record_is_not_due_and_is_due_again_once_released(records_manager):
    held, other = _old_victim(), _old_victim()
    assert _due() == [held, other]
    hold = services.hold_place(
        actor=records_manager,
        record_type_key="marac_person",
        object_id=held.pk,
        reason="Civil claim against the council",
        review_on=datetime.date(2027, 5, 1),
    )
    assert (hold.reference, hold.status, hold.placed_by) == (
        held.reference,
        HoldStatus.ACTIVE,
        records_manager,
    )
    assert _due() == [other]
    services.hold_release(actor=records_manager, hold=hold, reason="Claim settled")
    hold.refresh_from_db()
    assert (hold.status, hold.released_by, hold.release_reason) == (
        HoldStatus.RELEASED,
        records_manager,
        "Claim settled",
    )
    assert _due() == [held, other]


def test_placing_a_hold_is_audited_on_the_hold_and_the_record(records_manager):
    person = _old_victim()
    hold = services.hold_place(
        actor=records_manager,
        record_type_key="marac_person",
        object_id=person.pk,
        reason="Inquiry",
        review_on=datetime.date(2027, 1, 1),
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="records.legalhold", object_id=str(hold.pk)
    ).exists()
    on_record = AuditEvent.objects.get(
        action=AuditAction.CHANGE, object_type="partnerships.person", object_id=str(person.pk)
    )
    assert on_record.changed_fields == ["legal_hold"]


@pytest.mark.parametrize(
    "reason, review_on, message",
    [
        ("  ", datetime.date(2027, 1, 1), "Enter why the record is held"),
        ("Inquiry", TODAY, "The date to review the hold must be in the future"),
    ],
)
def test_a_hold_needs_a_reason_and_a_future_review_date(records_manager, reason, review_on, message):
    person = _old_victim()
    with pytest.raises(RecordsError, match=message):
        services.hold_place(
            actor=records_manager,
            record_type_key="marac_person",
            object_id=person.pk,
            reason=reason,
            review_on=review_on,
        )
    assert not LegalHold.objects.exists()


def test_a_second_hold_in_force_on_one_record_is_refused_and_release_twice_is_refused(records_manager):
    person = _old_victim()
    values = {
        "record_type_key": "marac_person",
        "object_id": person.pk,
        "review_on": datetime.date(2027, 1, 1),
    }
    hold = services.hold_place(actor=records_manager, reason="Inquiry", **values)
    with pytest.raises(RecordsError, match="already has a legal hold in force"):
        services.hold_place(actor=records_manager, reason="Another", **values)
    services.hold_release(actor=records_manager, hold=hold, reason="Inquiry closed")
    with pytest.raises(RecordsError, match="You can release the hold only when it is at “In force”"):
        services.hold_release(actor=records_manager, hold=hold, reason="Again")
    # Once released, a new hold may be placed.
    services.hold_place(actor=records_manager, reason="Further review", **values)
    assert LegalHold.objects.filter(status=HoldStatus.ACTIVE).count() == 1


def test_hold_pages_journey(records_manager):
    person = _old_victim()
    client = verified_client(records_manager)
    due_page = client.get(reverse("records:due", args=["marac_person"])).content.decode()
    place_url = reverse("records:hold_place", args=["marac_person", person.pk])
    assert place_url in due_page
    response = client.post(
        place_url, {"reason": "Inquest", "review_on_0": "1", "review_on_1": "3", "review_on_2": "2027"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    hold = LegalHold.objects.get()
    assert hold.review_on == datetime.date(2027, 3, 1)
    holds_page = client.get(reverse("records:holds")).content.decode()
    assert person.reference in holds_page and "Inquest" in holds_page and person.full_name not in holds_page
    assert person.reference not in client.get(reverse("records:due", args=["marac_person"])).content.decode()
    error = client.post(reverse("records:hold_release", args=[hold.pk]), {"reason": ""})
    assert error.status_code == 200 and "Enter why the hold is released" in error.content.decode()
    assert client.post(reverse("records:hold_release", args=[hold.pk]), {"reason": "Done"}).status_code == 302
    assert client.get(reverse("records:hold_release", args=[hold.pk])).status_code == 404


def test_auditor_reads_holds_but_cannot_place_or_release(auditor, records_manager):
    person = _old_victim()
    hold = services.hold_place(
        actor=records_manager,
        record_type_key="marac_person",
        object_id=person.pk,
        reason="Inquiry",
        review_on=datetime.date(2027, 1, 1),
    )
    client = verified_client(auditor)
    assert client.get(reverse("records:holds")).status_code == 200
    assert client.get(reverse("records:hold_place", args=["marac_person", person.pk])).status_code == 403
    assert client.post(reverse("records:hold_release", args=[hold.pk]), {"reason": "x"}).status_code == 403


def test_officer_gets_no_hold_pages(officer):
    client = verified_client(officer)
    assert client.get(reverse("records:holds")).status_code == 403
