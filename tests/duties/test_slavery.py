"""The duty to notify: the NRM/MS1 rule, anonymity, and every allowed and refused decision."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError

from duties import services
from duties.exceptions import DutiesError, TransitionRefused
from duties.forms import SlaveryNotificationForm
from duties.models import AgeGroup, Consent, Decision, NotificationStatus, Route, SlaveryNotification
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.dates import add_working_days, today
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .factories import make_ms1, make_notification

pytestmark = pytest.mark.django_db


# --- The route rule, in the service and in the database ----------------------------------------


def test_adult_without_consent_cannot_be_given_the_nrm_route(officer):
    with pytest.raises(DutiesError, match="anonymous MS1"):
        make_notification(officer, consent=Consent.NO, route=Route.NRM)
    assert not SlaveryNotification.objects.exists()


@pytest.mark.parametrize(
    ("age_group", "consent"), [(AgeGroup.CHILD, Consent.NOT_NEEDED), (AgeGroup.ADULT, Consent.YES)]
)
def test_child_or_consenting_adult_cannot_be_notified_on_ms1(officer, age_group, consent):
    with pytest.raises(DutiesError, match="must be referred into the National Referral Mechanism"):
        make_notification(officer, age_group=age_group, consent=consent, route=Route.MS1, person_name="")


def test_child_consent_must_be_not_needed(officer):
    with pytest.raises(DutiesError, match="consent is not needed"):
        make_notification(officer, age_group=AgeGroup.CHILD, consent=Consent.YES)


@pytest.mark.parametrize(
    "identifying",
    [{"person_name": "A Person"}, {"date_of_birth": date(1990, 1, 1)}, {"nrm_reference": "NRM123"}],
)
def test_ms1_keeps_no_identifying_field(officer, identifying):
    with pytest.raises(DutiesError, match="anonymous"):
        make_ms1(officer, **identifying)


def test_ms1_record_is_stored_without_identifying_fields(officer):
    ms1 = make_ms1(officer)
    ms1.refresh_from_db()
    assert (ms1.person_name, ms1.date_of_birth, ms1.nrm_reference) == ("", None, "")
    assert ms1.status == NotificationStatus.MS1_SUBMITTED
    assert ms1.rg_expected_on is None
    assert not Deadline.objects.filter(subject_type="duties.slaverynotification").exists()
    identifying = {"person_name", "date_of_birth", "nrm_reference"}
    event = AuditEvent.objects.get(object_type="duties.slaverynotification", action=AuditAction.CREATE)
    assert not identifying & set(event.changed_fields)


def test_database_refuses_a_name_on_an_ms1(officer):
    ms1 = make_ms1(officer)
    with pytest.raises(IntegrityError):
        SlaveryNotification.objects.filter(pk=ms1.pk).update(person_name="A Person")


def test_database_refuses_nrm_for_an_adult_without_consent(officer):
    nrm = make_notification(officer)
    with pytest.raises(IntegrityError):
        SlaveryNotification.objects.filter(pk=nrm.pk).update(consent=Consent.NO)


def _form_data(**overrides):
    encounter, submitted = today() - timedelta(days=10), today() - timedelta(days=9)
    data = {
        "encounter_date_0": str(encounter.day),
        "encounter_date_1": str(encounter.month),
        "encounter_date_2": str(encounter.year),
        "age_group": "adult",
        "consent": "no",
        "route": "ms1",
        "exploitation_types": ["labour"],
        "first_responder": str(Agency.objects.get(code="CST").pk),
        "submitted_on_0": str(submitted.day),
        "submitted_on_1": str(submitted.month),
        "submitted_on_2": str(submitted.year),
        "safeguarding_referral_made": "no",
    }
    data.update(overrides)
    return data


def test_form_refuses_nrm_for_an_adult_without_consent():
    form = SlaveryNotificationForm(_form_data(route="nrm"))
    assert not form.is_valid()
    assert "submit an anonymous MS1 notification" in form.errors["route"][0]


def test_form_refuses_a_name_on_an_ms1_and_keeps_what_was_typed():
    form = SlaveryNotificationForm(_form_data(person_name="A Person"))
    assert not form.is_valid()
    assert form.errors["person_name"] == ["Leave this blank: an MS1 notification is anonymous"]
    assert form["person_name"].value() == "A Person"


def test_form_accepts_an_anonymous_ms1():
    form = SlaveryNotificationForm(_form_data())
    assert form.is_valid(), form.errors


def test_form_refuses_ms1_for_a_child():
    form = SlaveryNotificationForm(_form_data(age_group="child", consent="not_needed"))
    assert not form.is_valid()
    assert "must be referred into the NRM" in form.errors["route"][0]


# --- Dates and deadlines -------------------------------------------------------------------------


def test_nrm_referral_expects_a_decision_five_working_days_later(officer):
    nrm = make_notification(officer)
    assert nrm.status == NotificationStatus.AWAITING_RG
    assert nrm.rg_expected_on == add_working_days(nrm.submitted_on, 5)
    assert nrm.reference == f"MS-{today().year}-0001"
    deadline = Deadline.objects.get(subject_type="duties.slaverynotification", subject_id=nrm.pk)
    assert deadline.due_date == nrm.rg_expected_on
    assert nrm.reference in deadline.label and "Synthetic Person" not in deadline.label


def test_working_days_for_the_decision_are_a_setting(officer, settings):
    settings.DUTIES_RG_DECISION_WORKING_DAYS = 10
    nrm = make_notification(officer)
    assert nrm.rg_expected_on == add_working_days(nrm.submitted_on, 10)


def test_submission_before_encounter_is_refused(officer):
    with pytest.raises(DutiesError, match="on or after the date of the encounter"):
        make_notification(officer, submitted_on=today() - timedelta(days=5))


def test_safeguarding_referral_needs_date_and_recipient(officer):
    with pytest.raises(DutiesError, match="safeguarding referral"):
        make_notification(officer, safeguarding_referral_made=True)


def test_other_exploitation_needs_a_description(officer):
    with pytest.raises(DutiesError, match="other type"):
        make_notification(officer, exploitation_types=["other"])


# --- Transitions ---------------------------------------------------------------------------------


def test_positive_reasonable_grounds_starts_a_recovery_period_of_at_least_30_days(officer):
    nrm = make_notification(officer)
    decided = today() - timedelta(days=1)
    nrm = services.slavery_rg_decide(
        actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=decided
    )
    assert nrm.status == NotificationStatus.RG_POSITIVE
    assert nrm.recovery_period_ends_on == decided + timedelta(days=30)
    deadline = Deadline.objects.get(subject_type="duties.slaverynotification", subject_id=nrm.pk)
    assert deadline.status == DeadlineStatus.MET and deadline.met_on == decided
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_id=str(nrm.pk)).get()
    assert event.detail == {"move": "rg_decide", "from": "awaiting_rg", "to": "rg_positive"}


def test_recovery_period_shorter_than_the_minimum_is_refused(officer):
    nrm = make_notification(officer)
    decided = today() - timedelta(days=1)
    with pytest.raises(DutiesError, match="at least 30 days"):
        services.slavery_rg_decide(
            actor=officer,
            notification=nrm,
            decision=Decision.POSITIVE,
            decided_on=decided,
            recovery_period_ends_on=decided + timedelta(days=29),
        )
    nrm = services.slavery_rg_decide(
        actor=officer,
        notification=nrm,
        decision=Decision.POSITIVE,
        decided_on=decided,
        recovery_period_ends_on=decided + timedelta(days=45),
    )
    assert nrm.recovery_period_ends_on == decided + timedelta(days=45)


def test_negative_reasonable_grounds_is_final(officer):
    nrm = make_notification(officer)
    nrm = services.slavery_rg_decide(
        actor=officer, notification=nrm, decision=Decision.NEGATIVE, decided_on=today()
    )
    assert nrm.status == NotificationStatus.RG_NEGATIVE and nrm.recovery_period_ends_on is None
    with pytest.raises(TransitionRefused, match="cannot move"):
        services.slavery_cg_decide(
            actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today()
        )
    with pytest.raises(TransitionRefused):
        services.slavery_rg_decide(
            actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today()
        )


@pytest.mark.parametrize(
    ("decision", "status"), [(Decision.POSITIVE, "cg_positive"), (Decision.NEGATIVE, "cg_negative")]
)
def test_conclusive_grounds_after_positive_reasonable_grounds(officer, decision, status):
    nrm = make_notification(officer)
    nrm = services.slavery_rg_decide(
        actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today() - timedelta(days=1)
    )
    nrm = services.slavery_cg_decide(actor=officer, notification=nrm, decision=decision, decided_on=today())
    assert nrm.status == status and nrm.cg_decision_on == today()
    for move in (services.slavery_rg_decide, services.slavery_cg_decide):
        with pytest.raises(TransitionRefused):
            move(actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today())


def test_conclusive_grounds_before_reasonable_grounds_is_refused(officer):
    nrm = make_notification(officer)
    with pytest.raises(TransitionRefused, match="Awaiting reasonable-grounds decision"):
        services.slavery_cg_decide(
            actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today()
        )


def test_conclusive_decision_before_the_reasonable_grounds_decision_is_refused(officer):
    nrm = make_notification(officer)
    nrm = services.slavery_rg_decide(
        actor=officer, notification=nrm, decision=Decision.POSITIVE, decided_on=today() - timedelta(days=1)
    )
    with pytest.raises(DutiesError, match="cannot be before"):
        services.slavery_cg_decide(
            actor=officer,
            notification=nrm,
            decision=Decision.POSITIVE,
            decided_on=today() - timedelta(days=2),
        )


@pytest.mark.parametrize("move", ["slavery_rg_decide", "slavery_cg_decide"])
def test_ms1_has_no_decisions(officer, move):
    ms1 = make_ms1(officer)
    with pytest.raises(TransitionRefused, match="MS1"):
        getattr(services, move)(
            actor=officer, notification=ms1, decision=Decision.POSITIVE, decided_on=today()
        )


def test_decision_dates_must_be_possible(officer):
    nrm = make_notification(officer)
    with pytest.raises(DutiesError, match="cannot be before"):
        services.slavery_rg_decide(
            actor=officer,
            notification=nrm,
            decision=Decision.POSITIVE,
            decided_on=nrm.submitted_on - timedelta(days=1),
        )
    with pytest.raises(DutiesError, match="today or in the past"):
        services.slavery_rg_decide(
            actor=officer,
            notification=nrm,
            decision=Decision.POSITIVE,
            decided_on=today() + timedelta(days=1),
        )
    nrm.refresh_from_db()
    assert nrm.status == NotificationStatus.AWAITING_RG


def test_update_changes_only_what_may_change(officer):
    ms1 = make_ms1(officer)
    with pytest.raises(DutiesError, match="no NRM reference"):
        services.slavery_notification_update(
            actor=officer, notification=ms1, exploitation_types=["labour"], nrm_reference="NRM1"
        )
    services.slavery_notification_update(
        actor=officer,
        notification=ms1,
        exploitation_types=["labour", "criminal"],
        safeguarding_referral_made=True,
        safeguarding_referral_on=today(),
        safeguarding_referral_to="Adult social care",
    )
    ms1.refresh_from_db()
    assert set(ms1.exploitations.values_list("exploitation_type", flat=True)) == {"labour", "criminal"}
    assert ms1.safeguarding_referral_made
    event = AuditEvent.objects.filter(object_id=str(ms1.pk), action=AuditAction.CHANGE).get()
    assert set(event.changed_fields) == {
        "exploitation_types",
        "safeguarding_referral_made",
        "safeguarding_referral_on",
        "safeguarding_referral_to",
    }
