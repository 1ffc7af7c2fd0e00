"""Reviewed disposal: the records manager destroys or anonymises records due, each disposal in
the erasure log (no personal data); held and disposed records leave the list of records due."""

import datetime

import pytest
from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from partnerships import selectors as marac_selectors
from partnerships.models import Action, MaracArea, Person, Referral
from partnerships.records import REMOVED
from reviews.models import Notification, Review, ReviewDocument
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.uploads import private_storage
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings.models import AgendaItem as Item
from somerset_safety.records import registry, selectors, services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import ErasureLog, RetentionRule
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.partnerships.factories import ActionFactory, AgendaItemFactory, PersonFactory, ReferralFactory
from tests.reviews.factories import advance_to, make_review

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2033, 6, 1)


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def _victim_referred_in_2024():
    victim = PersonFactory(full_name="Vera Victim (synthetic)", address="1 Synthetic Street")
    victim.source_ref = f"SRC-{victim.pk}"
    victim.save()
    referral = ReferralFactory(
        victim=victim,
        referral_date=datetime.date(2024, 6, 1),
        status="heard",
        heard_date=datetime.date(2024, 7, 1),
        professional_judgement=True,
        professional_judgement_reasons="Vera said he threatened her (synthetic)",
        victim_age=34,
    )
    return victim, referral


def _due(key="marac_person"):
    rule = RetentionRule.objects.get(record_type=key)
    return list(selectors.due_records(registry.record_type(key), rule, TODAY))


# --- Anonymising ---------------------------------------------------------------------------------


def test_anonymising_a_marac_person_drops_the_identity_everywhere_and_logs_without_personal_data(
    records_manager, today_is
):
    today_is(datetime.date(2024, 8, 1))
    victim, referral = _victim_referred_in_2024()
    item = AgendaItemFactory(referral=referral, minutes="Vera moved to her sister's (synthetic)")
    ActionFactory(referral=referral, meeting=item.meeting, description="Visit Vera (synthetic)")
    today_is(TODAY)
    assert _due() == [victim]

    [log] = services.records_dispose(
        actor=records_manager, record_type_key="marac_person", object_ids=[victim.pk], action="anonymise"
    )

    victim.refresh_from_db()
    assert (victim.full_name, victim.date_of_birth, victim.address, victim.source_ref) == ("", None, "", "")
    assert victim.normalised_name == ""  # the name as matching compares it goes too
    history = get_history_model_for_model(Person).objects.filter(id=victim.pk)
    assert history.exists() and set(history.values_list("source_ref", flat=True)) == {""}
    referral.refresh_from_db()
    assert referral.professional_judgement_reasons == REMOVED
    # The figures stay.
    assert (referral.victim_age, referral.heard_date, referral.dash_score) == (
        34,
        datetime.date(2024, 7, 1),
        15,
    )
    assert Item.objects.get(pk=item.pk).minutes == REMOVED
    assert Action.objects.get(subject_id=referral.pk).description == REMOVED
    assert (
        log.record_type,
        log.object_id,
        log.reference,
        log.action,
        log.rule_period_months,
        log.rule_trigger,
        log.trigger_date,
        log.files_removed,
        log.approved_by,
    ) == (
        "marac_person",
        str(victim.pk),
        f"V{victim.pk:07d}",
        "anonymise",
        72,
        "last_referral",
        datetime.date(2024, 6, 1),
        0,
        records_manager,
    )
    event = AuditEvent.objects.get(action=AuditAction.ERASE)
    assert (event.object_type, event.object_id, event.detail) == (
        "partnerships.person",
        str(victim.pk),
        {"record_type": "marac_person", "disposal": "anonymise", "erasure_log": log.pk},
    )
    written = " ".join(str(v) for v in ErasureLog.objects.values().get().values())
    assert "Vera" not in written and "Synthetic Street" not in written and "SRC-" not in written
    # An anonymised person stays in the table but is no longer due.
    assert _due() == []


def test_anonymised_marac_history_gives_the_same_closed_period_data_return(records_manager, today_is):
    today_is(datetime.date(2024, 12, 1))
    victims = [_victim_referred_in_2024()[0] for _ in range(3)]
    ReferralFactory(
        victim=victims[0],
        referral_date=datetime.date(2024, 9, 1),
        status="heard",
        heard_date=datetime.date(2024, 9, 20),
        is_repeat=True,
        area=Referral.objects.filter(victim=victims[0]).get().area,
    )
    areas = MaracArea.objects.filter(referrals__victim__in=victims).distinct()
    before = marac_selectors.data_return(
        areas=areas, start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31)
    )
    today_is(TODAY)
    services.records_dispose(
        actor=records_manager,
        record_type_key="marac_person",
        object_ids=[v.pk for v in victims],
        action="anonymise",
    )
    after = marac_selectors.data_return(
        areas=areas, start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31)
    )
    assert after == before
    # Four cases heard in the year, one of them repeat (worked out by hand).
    assert sum(row["cases_discussed"] for row in after) == 4
    assert sum(row["repeat_cases"] for row in after) == 1


def test_a_marac_person_cannot_be_destroyed(records_manager, today_is):
    victim, _ = _victim_referred_in_2024()
    today_is(TODAY)
    with pytest.raises(RecordsError, match="can only be: anonymise"):
        services.records_dispose(
            actor=records_manager, record_type_key="marac_person", object_ids=[victim.pk], action="destroy"
        )
    assert Person.objects.filter(pk=victim.pk, full_name="Vera Victim (synthetic)").exists()
    assert not ErasureLog.objects.exists()


# --- Destroying -------------------------------------------------------------------------------


@pytest.fixture
def closed_review(officer, today_is):
    today_is(datetime.date(2026, 11, 1))
    review = make_review(officer)
    return advance_to(review, "closed", officer)


def test_destroying_a_dhr_review_removes_its_rows_history_deadlines_and_files(
    records_manager, closed_review, today_is, django_capture_on_commit_callbacks
):
    review = closed_review
    notification = review.notification
    documents = list(ReviewDocument.objects.filter(review=review))
    # advance_to uploads a draft and a published overview report.
    assert len(documents) == 2
    names = [d.file.name for d in documents]
    assert all(private_storage.exists(name) for name in names)
    # The review's clocks are kept on its notification.
    assert Deadline.objects.filter(subject_type="reviews.notification", subject_id=notification.pk).exists()
    assert get_history_model_for_model(Review).objects.filter(id=review.pk).exists()
    today_is(TODAY)
    assert _due("dhr_review") == [review]

    with django_capture_on_commit_callbacks(execute=True):
        [log] = services.records_dispose(
            actor=records_manager, record_type_key="dhr_review", object_ids=[review.pk], action="destroy"
        )

    assert not Review.objects.filter(pk=review.pk).exists()
    assert not Notification.objects.filter(pk=notification.pk).exists()
    assert not ReviewDocument.objects.filter(pk__in=[d.pk for d in documents]).exists()
    assert not get_history_model_for_model(Review).objects.filter(id=review.pk).exists()
    assert not get_history_model_for_model(Notification).objects.filter(id=notification.pk).exists()
    assert not Deadline.objects.filter(
        subject_type__in=["reviews.review", "reviews.notification"],
        subject_id__in=[review.pk, notification.pk],
    ).exists()
    assert not any(private_storage.exists(name) for name in names)
    assert (log.action, log.reference, log.files_removed) == ("destroy", notification.reference, 2)
    assert log.rows_removed > 0
    assert "Victoria Realname" not in " ".join(str(v) for v in ErasureLog.objects.values().get().values())


def test_a_refused_disposal_changes_nothing_and_keeps_the_files(
    records_manager, closed_review, today_is, django_capture_on_commit_callbacks
):
    review = closed_review
    names = list(ReviewDocument.objects.filter(review=review).values_list("file", flat=True))
    today_is(TODAY)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RecordsError):
        services.records_dispose(
            actor=records_manager,
            record_type_key="dhr_review",
            object_ids=[review.pk, 999999],
            action="destroy",
        )
    assert Review.objects.filter(pk=review.pk).exists()
    assert all(private_storage.exists(name) for name in names)
    assert not ErasureLog.objects.exists()


# --- Refusals, holds and doing it twice ---------------------------------------------------------


def test_a_held_record_is_refused_and_nothing_in_the_batch_is_disposed_of(records_manager, today_is):
    held, _ = _victim_referred_in_2024()
    other, _ = _victim_referred_in_2024()
    today_is(TODAY)
    services.hold_place(
        actor=records_manager,
        record_type_key="marac_person",
        object_id=held.pk,
        reason="Inquest",
        review_on=datetime.date(2034, 1, 1),
    )
    with pytest.raises(RecordsError, match=f"V{held.pk:07d}: no longer due for disposal"):
        services.records_dispose(
            actor=records_manager,
            record_type_key="marac_person",
            object_ids=[held.pk, other.pk],
            action="anonymise",
        )
    assert not ErasureLog.objects.exists()
    assert Person.objects.get(pk=other.pk).full_name == "Vera Victim (synthetic)"


def test_disposing_twice_disposes_once(records_manager, today_is):
    victim, _ = _victim_referred_in_2024()
    today_is(TODAY)
    values = {"record_type_key": "marac_person", "object_ids": [victim.pk], "action": "anonymise"}
    [log] = services.records_dispose(actor=records_manager, **values)
    # The person, the two history rows its creation and its source reference wrote, and the
    # referral's reasons.
    assert log.rows_removed == 4
    with pytest.raises(RecordsError, match="no longer due"):
        services.records_dispose(actor=records_manager, **values)
    assert ErasureLog.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ERASE).count() == 1
    with pytest.raises(RecordsError, match="already been disposed of"):
        services.hold_place(
            actor=records_manager,
            record_type_key="marac_person",
            object_id=victim.pk,
            reason="Late claim",
            review_on=datetime.date(2034, 1, 1),
        )


def test_a_record_not_yet_due_is_refused(records_manager, today_is):
    today_is(datetime.date(2026, 1, 1))
    victim, _ = _victim_referred_in_2024()
    with pytest.raises(RecordsError, match="no longer due"):
        services.records_dispose(
            actor=records_manager, record_type_key="marac_person", object_ids=[victim.pk], action="anonymise"
        )


def test_an_empty_selection_is_refused(records_manager):
    with pytest.raises(RecordsError, match="Select the records to dispose of"):
        services.records_dispose(
            actor=records_manager, record_type_key="marac_person", object_ids=[], action="anonymise"
        )


# --- Pages ------------------------------------------------------------------------------------


def test_records_manager_reviews_confirms_and_finds_the_disposal_in_the_erasure_log(
    records_manager, today_is
):
    victim, _ = _victim_referred_in_2024()
    today_is(TODAY)
    client = verified_client(records_manager)
    due_page = client.get(reverse("records:due", args=["marac_person"])).content.decode()
    assert f'name="record" type="checkbox" value="{victim.pk}"' in due_page
    confirm_url = reverse("records:dispose", args=["marac_person"])
    confirm = client.get(confirm_url, {"record": [victim.pk]}).content.decode()
    assert "This cannot be undone" in confirm and f"V{victim.pk:07d}" in confirm and "Vera" not in confirm
    # Not confirmed: refused, nothing changed, the selection kept.
    refused = client.post(confirm_url, {"records": [victim.pk], "action": "anonymise"})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Confirm that you have reviewed the records" in page and "checked" in page
    assert not ErasureLog.objects.exists()
    done = client.post(confirm_url, {"records": [victim.pk], "action": "anonymise", "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("records:erasures") + "?type=marac_person"
    log_page = client.get(done["Location"]).content.decode()
    assert f"V{victim.pk:07d}" in log_page and "Anonymised" in log_page and "Rita Records" in log_page
    assert (
        f'value="{victim.pk}"'
        not in client.get(reverse("records:due", args=["marac_person"])).content.decode()
    )


def test_confirming_with_nothing_selected_goes_back_to_the_list(records_manager):
    response = verified_client(records_manager).get(reverse("records:dispose", args=["marac_person"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("records:due", args=["marac_person"])


@pytest.mark.parametrize(
    "persona, log_status, dispose_status",
    [("records_manager", 200, 302), ("auditor", 200, 403), ("officer", 403, 403), ("coordinator", 403, 403)],
)
def test_access(request, persona, log_status, dispose_status):
    client = verified_client(request.getfixturevalue(persona))
    assert client.get(reverse("records:erasures")).status_code == log_status
    assert client.get(reverse("records:dispose", args=["marac_person"])).status_code == dispose_status


def test_auditor_sees_no_disposal_controls(auditor, today_is):
    victim, _ = _victim_referred_in_2024()
    today_is(TODAY)
    page = verified_client(auditor).get(reverse("records:due", args=["marac_person"])).content.decode()
    assert f"V{victim.pk:07d}" in page and 'name="record"' not in page
