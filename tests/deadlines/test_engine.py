import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from somerset_safety.accounts.models import Agency, ReminderPreference
from somerset_safety.accounts.roles import Role
from somerset_safety.core.models import UnqueuedTask
from somerset_safety.deadlines import reminders
from somerset_safety.deadlines.models import Deadline, DeadlineStatus, ReminderSend, ReminderStatus
from somerset_safety.deadlines.services import deadlines_sync
from tests.factories import AgencyFactory, UserFactory

from .broker import broker
from .conftest import HIDDEN


@pytest.fixture
def subject(db, agency_rule):
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    agency_rule[agency.pk] = date(2026, 3, 31)
    deadlines_sync(subject=agency)
    return agency


@pytest.mark.django_db
def test_sync_creates_updates_and_removes(subject, agency_rule):
    deadline = Deadline.objects.get()
    assert (deadline.kind, deadline.due_date, deadline.status) == (
        "test.return_due",
        date(2026, 3, 31),
        "open",
    )
    assert deadline.subject_url == f"/test-agencies/{subject.pk}/"
    agency_rule[subject.pk] = date(2026, 4, 30)
    deadlines_sync(subject=subject)
    assert Deadline.objects.get().due_date == date(2026, 4, 30)
    del agency_rule[subject.pk]
    deadlines_sync(subject=subject)
    assert not Deadline.objects.exists()


@pytest.mark.django_db
def test_waived_deadline_keeps_its_waiver_when_resynced(subject, officer):
    from somerset_safety.deadlines.services import deadline_waive

    deadline_waive(actor=officer, deadline=Deadline.objects.get(), reason="No longer needed")
    deadlines_sync(subject=subject)
    assert Deadline.objects.get().status == DeadlineStatus.WAIVED


@pytest.mark.django_db
def test_statutory_deadline_cannot_be_waived(db, agency_rule, officer):
    from somerset_safety.deadlines.exceptions import DeadlineError
    from somerset_safety.deadlines.services import deadline_waive

    agency = AgencyFactory(code="STATDUTY", name="Statutory agency")
    agency_rule[agency.pk] = date(2026, 3, 31)
    deadlines_sync(subject=agency)
    with pytest.raises(DeadlineError, match="statutory"):
        deadline_waive(actor=officer, deadline=Deadline.objects.get(), reason="x")
    assert Deadline.objects.get().status == DeadlineStatus.OPEN


def _people(subject, council_team):
    lead = UserFactory(agency=subject, roles=[Role.AGENCY_REP], full_name="Lena Lead")
    subject.lead = lead
    subject.save(update_fields=["lead"])
    immediate = UserFactory(
        agency=subject,
        roles=[Role.AGENCY_REP],
        reminder_preference=ReminderPreference.IMMEDIATE,
        full_name="Ivy Instant",
    )
    team_officer = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Tom Team")
    return lead, immediate, team_officer


@pytest.mark.django_db
def test_a_time_travelled_month_of_sweeps_sends_exactly_the_expected_emails(subject, council_team):
    lead, immediate, team_officer = _people(subject, council_team)
    day = date(2026, 3, 10)
    while day <= date(2026, 4, 20):
        with time_machine.travel(day, tick=False):
            result = reminders.reminder_sweep(today=day)
            for pk in result.immediate_ids:
                reminders.reminder_send(reminder_id=pk)
            reminders.digest_send(today=day)
        day += timedelta(days=1)

    def steps(user, escalation=False):
        return sorted(
            ReminderSend.objects.filter(recipient=user, escalation=escalation).values_list("step", flat=True)
        )

    expected = sorted(["before-14", "before-7", "before-1", "due", "overdue-7", "overdue-14"])
    assert steps(immediate) == expected
    assert steps(lead) == expected  # as an agency representative, in the digest
    assert steps(lead, escalation=True) == ["escalation"]
    assert steps(team_officer, escalation=True) == ["escalation"]
    assert steps(team_officer) == []  # the agency has people, so the team is not reminded
    assert not ReminderSend.objects.exclude(status=ReminderStatus.SENT).exists()
    to_immediate = [m for m in mail.outbox if m.to == [immediate.email]]
    assert len(to_immediate) == 6  # one email per reminder step
    to_lead = [m for m in mail.outbox if m.to == [lead.email]]
    # Digest days are working days: before-14 (17 Mar), before-7 (24 Mar), before-1 (30 Mar), due (31 Mar),
    # overdue-7 (7 Apr) and overdue-14 (14 Apr, with the escalation sent immediately).
    assert len(to_lead) == 7
    assert len(mail.outbox) == 6 + 7 + 1


@pytest.mark.django_db
def test_sweeping_twice_sends_nothing_more(subject, council_team):
    _people(subject, council_team)
    day = date(2026, 3, 24)
    first = reminders.reminder_sweep(today=day)
    second = reminders.reminder_sweep(today=day)
    assert first.reminders_logged == 2 and second.reminders_logged == 0
    assert second.immediate_ids == []
    for pk in first.immediate_ids:
        assert reminders.reminder_send(reminder_id=pk)
        assert not reminders.reminder_send(reminder_id=pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(agency_rule):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises the whole database).")
    council_team = Agency.objects.get(code="CST")
    subject = AgencyFactory(code="RETURNS", name="Returns agency")
    agency_rule[subject.pk] = date(2026, 3, 31)
    deadlines_sync(subject=subject)
    _people(subject, council_team)
    day = date(2026, 3, 24)
    barrier = threading.Barrier(2)
    errors = []

    def sweep_and_send():
        try:
            barrier.wait()
            result = reminders.reminder_sweep(today=day)
            for pk in result.immediate_ids:
                reminders.reminder_send(reminder_id=pk)
            reminders.digest_send(today=day)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep_and_send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ReminderSend.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_emails_carry_a_generic_subject_and_no_personal_data(subject, council_team):
    lead, immediate, _ = _people(subject, council_team)
    result = reminders.reminder_sweep(today=date(2026, 4, 14))
    for pk in result.immediate_ids:
        reminders.reminder_send(reminder_id=pk)
    reminders.digest_send(today=date(2026, 4, 14))
    assert mail.outbox
    for message in mail.outbox:
        assert message.subject == reminders.GENERIC_SUBJECT
        for personal in (lead.full_name, immediate.full_name, "Lena", "Ivy", subject.name):
            assert personal not in message.body
        assert "/test-agencies/" in message.body


@pytest.mark.django_db
def test_a_failed_send_is_kept_for_retry_then_reported(subject, council_team, settings):
    from tests.conftest import verified_client

    _people(subject, council_team)
    settings.EMAIL_BACKEND = "tests.deadlines.failing_email.FailingBackend"
    result = reminders.reminder_sweep(today=date(2026, 3, 24))
    (pk,) = result.immediate_ids
    for _ in range(reminders.MAX_ATTEMPTS):
        with pytest.raises(OSError):
            reminders.reminder_send(reminder_id=pk)
    row = ReminderSend.objects.get(pk=pk)
    assert row.status == ReminderStatus.FAILED and row.attempts == reminders.MAX_ATTEMPTS
    assert list(reminders.failed_reminders()) == [row]
    page = verified_client(
        council_team.users.first() or UserFactory(agency=council_team, roles=[Role.OFFICER])
    )
    response = page.get("/deadlines/team/")
    assert b"Reminders given up on" in response.content and row.deadline.label.encode() in response.content


@pytest.mark.django_db
def test_digest_waits_for_a_working_day(subject, council_team):
    lead, _immediate, _ = _people(subject, council_team)
    reminders.reminder_sweep(today=date(2026, 3, 24))
    assert reminders.digest_send(today=date(2026, 4, 3)) == 0  # Good Friday
    assert reminders.digest_send(today=date(2026, 4, 7)) == 1


@pytest.mark.django_db
def test_my_deadlines_overdue_first_and_scoped(agency_rule, as_user, django_assert_max_num_queries):
    agency = AgencyFactory(code="MINE", name="My agency")
    rep = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    agency_rule[agency.pk] = date(2026, 1, 1)
    deadlines_sync(subject=agency)
    hidden = AgencyFactory(code="HIDDEN", name="Hidden agency")
    agency_rule[hidden.pk] = date(2026, 1, 1)
    deadlines_sync(subject=hidden)
    HIDDEN.add(hidden.pk)
    client = as_user(rep)
    with django_assert_max_num_queries(16):
        response = client.get("/deadlines/")
    assert response.status_code == 200
    assert b"Return due (MINE)" in response.content
    assert b"HIDDEN" not in response.content
    assert b"Overdue" in response.content


@pytest.mark.django_db
def test_my_deadlines_query_count_does_not_grow(agency_rule, as_user, django_assert_max_num_queries):
    agency = AgencyFactory(code="MANY", name="Busy agency")
    rep = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    for n in range(30):
        Deadline.objects.create(
            subject_type="accounts.agency",
            subject_id=agency.pk,
            kind="test.return_due",
            key=str(n),
            label=f"Item {n}",
            subject_url="/x/",
            due_date=date(2026, 1, 1) + timedelta(days=n),
            responsible_agency=agency,
        )
    client = as_user(rep)
    with django_assert_max_num_queries(16):
        assert client.get("/deadlines/").status_code == 200


@pytest.mark.django_db
def test_page_access(
    as_user, officer, agency_rep, partnership_lead, review_chair, auditor, no_role_user, agency_rule
):
    assert as_user(officer).get("/deadlines/").status_code == 200
    assert as_user(agency_rep).get("/deadlines/").status_code == 200
    assert as_user(review_chair).get("/deadlines/").status_code == 200
    assert as_user(partnership_lead).get("/deadlines/").status_code == 403
    assert as_user(partnership_lead).get("/deadlines/team/").status_code == 200
    assert as_user(auditor).get("/deadlines/team/").status_code == 403
    assert as_user(no_role_user).get("/deadlines/").status_code == 403


@pytest.mark.django_db
def test_waive_journey_and_refusals(subject, officer, agency_rep, as_user):
    deadline = Deadline.objects.get()
    assert as_user(agency_rep).get(f"/deadlines/{deadline.pk}/waive/").status_code == 403
    client = as_user(officer)
    assert client.get(f"/deadlines/{deadline.pk}/waive/").status_code == 200
    empty = client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": ""})
    assert b"Enter the reason" in empty.content
    assert Deadline.objects.get().status == DeadlineStatus.OPEN
    done = client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Return no longer required"})
    assert done.status_code == 302
    assert Deadline.objects.get().status == DeadlineStatus.WAIVED
    HIDDEN.add(subject.pk)
    assert client.get(f"/deadlines/{deadline.pk}/waive/").status_code == 404


@pytest.mark.django_db
def test_team_view_counts(subject, partnership_lead, as_user, django_assert_max_num_queries):
    client = as_user(partnership_lead)
    with django_assert_max_num_queries(12):
        response = client.get("/deadlines/team/")
    assert response.status_code == 200
    assert b"Test return due" in response.content


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_page_that_queues_work_still_answers(agency_rule, settings):
    """S20: the waiver notification cannot be queued, so it is kept and sent when Redis is back."""
    from somerset_safety.core.queueing import retry_unqueued
    from tests.conftest import verified_client

    council_team = Agency.objects.get(code="CST")
    officer = UserFactory(agency=council_team, roles=[Role.OFFICER])
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    agency_rule[agency.pk] = date(2026, 3, 31)
    deadlines_sync(subject=agency)
    deadline = Deadline.objects.get()
    deadline.responsible_user = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    deadline.save(update_fields=["responsible_user"])

    # Nothing listens on port 1: the broker is down.
    with broker("redis://127.0.0.1:1/0"):
        response = verified_client(officer).post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Not needed"})
        assert response.status_code == 302
        assert Deadline.objects.get().status == DeadlineStatus.WAIVED
        assert UnqueuedTask.objects.filter(task_name="deadlines.notify_waived").count() == 1
    # The broker is back (eager mode stands in for the worker here).
    assert retry_unqueued() == 1
    assert not UnqueuedTask.objects.exists()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_team_view_suppresses_small_counts_for_leads_only(subject, partnership_lead, officer, as_user):
    with time_machine.travel(date(2026, 4, 10), tick=False):
        lead_page = as_user(partnership_lead).get("/deadlines/team/").content
        officer_page = as_user(officer).get("/deadlines/team/").content
    assert b"fewer than 5" in lead_page
    assert b"fewer than 5" not in officer_page


@pytest.mark.django_db
def test_waive_link_only_for_people_who_may_waive(subject, as_user):
    agency = Agency.objects.get(code="RETURNS")
    rep = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    coordinator = UserFactory(agency=agency, roles=[Role.MARAC_COORDINATOR])
    assert b"/waive/" not in as_user(rep).get("/deadlines/").content
    assert b"/waive/" in as_user(coordinator).get("/deadlines/").content
