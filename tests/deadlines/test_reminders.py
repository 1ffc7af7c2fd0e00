"""Reminders: who gets what and when, sent once, never lost (the sweep, hand-over and senders)."""

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from somerset_safety.accounts.models import Agency, ReminderPreference
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines import reminders
from somerset_safety.deadlines.models import Deadline, ReminderChannel, ReminderSend, ReminderStatus
from somerset_safety.deadlines.services import deadline_waive, deadlines_sync
from tests.factories import AgencyFactory, UserFactory

from .conftest import MANAGERS, MET, PAUSED

ROOT = Path(__file__).resolve().parents[2]


def _deadline(agency, key, due, **extra):
    return Deadline.objects.create(
        subject_type="accounts.agency",
        subject_id=agency.pk,
        kind="test.return_due",
        key=key,
        label=f"Return {key}",
        subject_reference=f"REF-{key}",
        subject_url=f"/returns/{key}/",
        due_date=due,
        responsible_agency=agency,
        **extra,
    )


@pytest.fixture
def people(db, agency_rule):
    """An agency with an immediate-email representative (Ivy) and a digest one who is also its
    lead (Lena), and a community safety officer (Tom) who prefers digests."""
    council_team = Agency.objects.get(code="CST")
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    ivy = UserFactory(
        agency=agency,
        roles=[Role.AGENCY_REP],
        reminder_preference=ReminderPreference.IMMEDIATE,
        full_name="Ivy Instant",
    )
    lena = UserFactory(agency=agency, roles=[Role.AGENCY_REP], full_name="Lena Lead")
    agency.lead = lena
    agency.save(update_fields=["lead"])
    tom = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Tom Team")
    return agency, ivy, lena, tom


def _run_day(day: date) -> None:
    with time_machine.travel(datetime(day.year, day.month, day.day, 6, 0), tick=False):
        result = reminders.reminder_sweep(today=day)
        for recipient_id in result.recipient_ids:
            reminders.reminders_send(recipient_id=recipient_id, today=day)
        reminders.digest_send(today=day)


def _sent_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def _items(message) -> list[str]:
    return [line.strip("- ").strip() for line in message.body.splitlines() if line.startswith("- ")]


@pytest.mark.django_db
def test_thirty_five_days_over_christmas_send_exactly_what_the_rule_gives(people):
    """D1 due Friday 18 December 2026, D2 due Christmas Day. Reminders 14, 7 and 1 days before,
    on the day, every 7 days overdue, escalation at 14 days overdue; digests on working days
    only (25 and 28 December and 1 January are bank holidays). Every day is run twice."""
    agency, ivy, lena, tom = people
    _deadline(agency, "D1", date(2026, 12, 18))
    _deadline(agency, "D2", date(2026, 12, 25))
    day = date(2026, 12, 1)
    while day <= date(2027, 1, 4):
        _run_day(day)
        _run_day(day)  # a second run the same day sends nothing more
        day += timedelta(days=1)

    def steps(user, key):
        return sorted(
            ReminderSend.objects.filter(recipient=user, deadline__key=key).values_list("step", flat=True)
        )

    assert steps(ivy, "D1") == ["before-1", "before-14", "before-7", "due", "overdue-14", "overdue-7"]
    assert steps(ivy, "D2") == ["before-1", "before-14", "before-7", "due", "overdue-7"]
    assert steps(lena, "D1") == sorted(
        ["before-1", "before-14", "before-7", "due", "overdue-14", "overdue-7", "escalation"]
    )
    assert steps(lena, "D2") == ["before-1", "before-14", "before-7", "due", "overdue-7"]
    assert steps(tom, "D1") == ["escalation"] and steps(tom, "D2") == []
    assert not ReminderSend.objects.exclude(status=ReminderStatus.SENT).exists()

    # Ivy: one email per day with something new, listing every item of that day.
    ivy_mail = [_items(m) for m in _sent_to(ivy)]
    assert [len(items) for items in ivy_mail] == [1, 2, 1, 2, 1, 2, 2]  # 4, 11, 17, 18, 24, 25 Dec, 1 Jan
    assert ivy_mail[5] == [
        "OVERDUE: Test return due (REF-D1), due 18 December 2026",
        "Test return due (REF-D2), due 25 December 2026",
    ]
    # Lena: digests on 4, 11, 17, 18, 24 and 29 December and 4 January, and the escalation at
    # once on New Year's Day although she prefers digests.
    lena_mail = _sent_to(lena)
    assert len(lena_mail) == 8
    escalation = lena_mail[6]
    assert _items(escalation) == ["ESCALATED, OVERDUE: Test return due (REF-D1), due 18 December 2026"]
    after_christmas = _items(lena_mail[5])  # 29 December: D2 was logged at "due" on the 25th
    assert after_christmas == [
        "OVERDUE: Test return due (REF-D1), due 18 December 2026",
        "OVERDUE: Test return due (REF-D2), due 25 December 2026",
    ]
    assert [_items(m) for m in _sent_to(tom)] == [
        ["ESCALATED, OVERDUE: Test return due (REF-D1), due 18 December 2026"]
    ]
    assert len(mail.outbox) == 7 + 8 + 1
    for message in mail.outbox:
        assert message.subject == reminders.GENERIC_SUBJECT
        for name in ("Ivy", "Lena", "Tom", agency.name):
            assert name not in message.body


@pytest.mark.django_db
def test_links_use_site_url(people, settings):
    agency, ivy, *_ = people
    settings.SITE_URL = "https://safer.example.gov.uk/"
    _deadline(agency, "D1", date(2026, 3, 31))
    _run_day(date(2026, 3, 30))
    (message,) = _sent_to(ivy)
    assert "https://safer.example.gov.uk/returns/D1/" in message.body
    assert "https://safer.example.gov.uk/deadlines/" in message.body


@pytest.mark.django_db
def test_named_people_first_then_the_agency_then_the_team(people, council_team):
    agency, ivy, lena, tom = people
    named = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    left = UserFactory(agency=agency, roles=[Role.AGENCY_REP], is_active=False)
    lonely = AgencyFactory(code="NOBODY", name="Agency with nobody")
    d1 = _deadline(agency, "named", date(2026, 3, 31))
    d1.responsible_users.add(named, tom)
    d2 = _deadline(agency, "left", date(2026, 3, 31))
    d2.responsible_users.add(left)  # inactive: the agency's representatives instead
    _deadline(lonely, "team", date(2026, 3, 31))
    reminders.log_due_reminders(date(2026, 3, 30))
    sent = set(ReminderSend.objects.values_list("deadline__key", "recipient__full_name"))
    assert sent == {
        ("named", named.full_name),
        ("named", "Tom Team"),
        ("left", "Ivy Instant"),
        ("left", "Lena Lead"),
        ("left", named.full_name),
        ("team", "Tom Team"),
    }


@pytest.mark.django_db
def test_sweep_queries_are_bounded_per_batch(people, settings):
    agency, *_ = people
    settings.REMINDER_SWEEP_BATCH_SIZE = 3

    def sweep_queries(n):
        ReminderSend.objects.all().delete()
        Deadline.objects.all().delete()
        for k in range(n):
            _deadline(agency, str(k), date(2026, 3, 31))
        with CaptureQueriesContext(connection) as queries:
            logged, _ = reminders.log_due_reminders(date(2026, 3, 30))
        assert logged == 2 * n  # Ivy and Lena for each
        return len(queries)

    nine, eighteen = sweep_queries(9), sweep_queries(18)  # 3 and 6 batches (and an empty read)
    per_batch = (eighteen - nine) / 3
    assert per_batch <= 4  # the read and the INSERT … SELECT (and its savepoint) per batch
    assert nine <= 3 + 4 * 4


@pytest.mark.django_db
def test_rows_logged_by_a_sweep_that_died_before_hand_over_are_sent_by_the_next(people):
    agency, ivy, lena, _ = people
    _deadline(agency, "D1", date(2026, 3, 31))
    logged, _ = reminders.log_due_reminders(date(2026, 3, 30))  # …and the worker died here
    assert logged == 2
    result = reminders.reminder_sweep(today=date(2026, 3, 30))
    assert result.reminders_logged == 0 and result.recipient_ids == [ivy.pk]
    assert reminders.reminders_send(recipient_id=ivy.pk) == 1
    assert reminders.reminders_send(recipient_id=ivy.pk) == 0
    assert len(_sent_to(ivy)) == 1


@pytest.mark.django_db
def test_a_claim_whose_sender_died_is_released_after_the_time_out_and_sent_once(people, settings, as_user):
    agency, ivy, _lena, tom = people
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 600
    settings.REMINDER_MAX_ATTEMPTS = 2
    _deadline(agency, "D1", date(2026, 3, 31))
    with time_machine.travel(datetime(2026, 3, 30, 6, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        reminders.reminder_sweep(today=date(2026, 3, 30))
        _token, rows = reminders._claim(ivy.pk, ReminderChannel.IMMEDIATE)  # the sender dies here
        assert len(rows) == 1
        assert reminders.reminder_sweep(today=date(2026, 3, 30)).recipient_ids == []  # still held
    with time_machine.travel(
        datetime(2026, 3, 30, 6, 11, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        assert reminders.reminder_sweep(today=date(2026, 3, 30)).recipient_ids == [ivy.pk]
        _token, rows = reminders._claim(ivy.pk, ReminderChannel.IMMEDIATE)  # dies again: 2nd attempt
    with time_machine.travel(
        datetime(2026, 3, 30, 6, 22, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        assert reminders.reminder_sweep(today=date(2026, 3, 30)).recipient_ids == []
        row = ReminderSend.objects.get(recipient=ivy)
        assert (row.status, row.attempts) == (ReminderStatus.FAILED, 2)
    health = as_user(tom).get("/health/").json()
    page = as_user(tom).get("/deadlines/team/").content.decode()
    assert health["status"] == "degraded" and health["reminders"] == {"failed": 1, "stuck": 0}
    assert "Return D1" in page and "The sender stopped before confirming it was sent" in page
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_released_claim_is_sent_once(people, settings):
    agency, ivy, *_ = people
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 600
    _deadline(agency, "D1", date(2026, 3, 31))
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2026, 3, 30, 6, 0, tzinfo=tz), tick=False):
        reminders.reminder_sweep(today=date(2026, 3, 30))
        reminders._claim(ivy.pk, ReminderChannel.IMMEDIATE)
    with time_machine.travel(datetime(2026, 3, 30, 6, 15, tzinfo=tz), tick=False):
        for recipient_id in reminders.hand_over():  # the retry job
            reminders.reminders_send(recipient_id=recipient_id)
        for recipient_id in reminders.hand_over():
            reminders.reminders_send(recipient_id=recipient_id)
    assert len(_sent_to(ivy)) == 1
    assert ReminderSend.objects.get(recipient=ivy).status == ReminderStatus.SENT


@pytest.mark.django_db
def test_a_failed_send_is_kept_for_retry_then_reported(people, settings, as_user):
    agency, ivy, _lena, tom = people
    _deadline(agency, "D1", date(2026, 3, 31))
    settings.EMAIL_BACKEND = "tests.deadlines.failing_email.FailingBackend"
    result = reminders.reminder_sweep(today=date(2026, 3, 24))
    assert result.recipient_ids == [ivy.pk]
    for _ in range(reminders.max_attempts()):
        with pytest.raises(OSError):
            reminders.reminders_send(recipient_id=ivy.pk)
    row = ReminderSend.objects.get(recipient=ivy)
    assert row.status == ReminderStatus.FAILED and row.attempts == reminders.max_attempts()
    assert list(reminders.failed_reminders()) == [row]
    page = as_user(tom).get("/deadlines/team/").content.decode()
    assert "could not be sent" in page and "Return D1" in page and "ConnectionRefusedError" in page


@pytest.mark.django_db
def test_a_digest_never_lists_what_was_met_or_waived_after_it_was_logged(people, officer):
    agency, _ivy, lena, _tom = people
    MANAGERS.add(officer.pk)
    met = _deadline(agency, "met", date(2026, 3, 31))
    waived = _deadline(agency, "waived", date(2026, 3, 31))
    _deadline(agency, "due", date(2026, 3, 31))
    reminders.reminder_sweep(today=date(2026, 3, 28))  # a Saturday: the digest waits for Monday
    Deadline.objects.filter(pk=met.pk).update(status="met", met_on=date(2026, 3, 29))
    deadline_waive(actor=officer, deadline=waived, reason="Not needed")
    mail.outbox.clear()
    assert reminders.digest_send(today=date(2026, 3, 30)) == 1
    (digest,) = _sent_to(lena)
    assert _items(digest) == ["Test return due (REF-due), due 31 March 2026"]
    cancelled = ReminderSend.objects.filter(recipient=lena, status=ReminderStatus.CANCELLED)
    assert set(cancelled.values_list("deadline__key", flat=True)) == {"met", "waived"}


@pytest.mark.django_db
def test_a_paused_deadline_gets_no_reminders(people, agency_rule):
    agency, ivy, lena, _tom = people
    agency_rule[agency.pk] = date(2026, 3, 31)
    deadlines_sync(subject=agency)
    reminders.reminder_sweep(today=date(2026, 3, 17))  # before-14 logged for both
    PAUSED[agency.pk] = date(2026, 3, 18)
    deadlines_sync(subject=agency)
    for day in (date(2026, 3, 24), date(2026, 3, 31), date(2026, 4, 20)):
        _run_day(day)
    assert _sent_to(ivy) == [] and _sent_to(lena) == []
    assert set(ReminderSend.objects.values_list("step", "status")) == {("before-14", "cancelled")}
    del PAUSED[agency.pk]
    MET[agency.pk] = date(2026, 4, 21)
    deadlines_sync(subject=agency)
    _run_day(date(2026, 4, 22))
    assert mail.outbox == []


@pytest.mark.django_db
def test_digest_command_on_a_day_that_is_not_a_working_day(people, capsys):
    agency, _ivy, lena, _tom = people
    _deadline(agency, "D1", date(2026, 12, 26))
    call_command("send_reminders", "--date", "2026-12-25", "--digest")
    out = capsys.readouterr().out
    assert "Friday 25 December 2026 is not a working day, so no digests were sent" in out
    assert _sent_to(lena) == []
    call_command("send_reminders", "--date", "2026-12-25", "--digest", "--force")
    assert "Digests sent: 1." in capsys.readouterr().out
    assert len(_sent_to(lena)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(agency_rule):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises the whole database).")
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    ivy = UserFactory(
        agency=agency, roles=[Role.AGENCY_REP], reminder_preference=ReminderPreference.IMMEDIATE
    )
    lena = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    for n in range(30):
        _deadline(agency, str(n), date(2026, 3, 31))
    day = date(2026, 3, 24)
    barrier = threading.Barrier(2)
    errors = []

    def sweep_and_send():
        try:
            barrier.wait()
            result = reminders.reminder_sweep(today=day)
            for recipient_id in result.recipient_ids:
                reminders.reminders_send(recipient_id=recipient_id, today=day)
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
    assert ReminderSend.objects.count() == 60
    assert ReminderSend.objects.filter(status=ReminderStatus.SENT).count() == 60
    listed = [(m.to[0], item) for m in mail.outbox for item in _items(m)]
    assert len(listed) == len(set(listed)) == 60
    assert {to for to, _ in listed} == {ivy.email, lena.email}
