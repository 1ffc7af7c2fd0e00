"""A real Celery worker on a real Redis, killed with SIGKILL at each phase of the reminder
work — while logging, after logging but before the hand-over, and while sending — then
restarted: every due reminder arrives exactly once.

Needs PostgreSQL (the worker process shares the test database) and Redis (REDIS_TEST_URL);
in CI both are required, elsewhere the test skips when they are missing.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.db import connection
from django.utils import timezone

from somerset_safety.accounts.models import ReminderPreference
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines import reminders
from somerset_safety.deadlines.models import Deadline, ReminderChannel, ReminderSend, ReminderStatus
from tests.environment import exclusive_redis, postgres_url, require, require_redis
from tests.factories import AgencyFactory, UserFactory

from .broker import broker

ROOT = Path(__file__).resolve().parents[2]
SEPARATOR = "-" * 79


def _start_worker(outbox: Path, redis_url: str, *, pause_at: str = "", marker: Path | None = None):
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url(connection.settings_dict["NAME"]),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "tests.deadlines.slow_file_email.SlowFileBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "REMINDER_CLAIM_TIMEOUT_SECONDS": "4",
        "REMINDER_SWEEP_BATCH_SIZE": "20",
        "TEST_PAUSE_AT": pause_at,
        "TEST_MARKER": str(marker or ""),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.deadlines.worker_app",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def _emails(outbox: Path) -> list[str]:
    if not outbox.exists():
        return []
    messages = []
    for path in sorted(outbox.glob("*.log")):
        messages += [m for m in path.read_text().split(SEPARATOR) if m.strip()]
    return messages


def _arrived(outbox: Path) -> list[tuple[str, str]]:
    """(recipient, deadline reference) for every item of every email filed."""
    pairs = []
    for message in _emails(outbox):
        to = next(line[4:].strip() for line in message.splitlines() if line.startswith("To: "))
        pairs += [
            (to, line[line.index("(") + 1 : line.index(")")])
            for line in message.splitlines()
            if line.startswith("- ")
        ]
    return pairs


def _wait(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _due_work(*, deadlines: int, immediate: int, digest: int):
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    instant = [
        UserFactory(agency=agency, roles=[Role.AGENCY_REP], reminder_preference=ReminderPreference.IMMEDIATE)
        for _ in range(immediate)
    ]
    daily = [UserFactory(agency=agency, roles=[Role.AGENCY_REP]) for _ in range(digest)]
    tomorrow = timezone.localdate() + timedelta(days=1)
    Deadline.objects.bulk_create(
        Deadline(
            subject_type="accounts.agency",
            subject_id=agency.pk,
            kind="test.return_due",
            key=str(n),
            label=f"Return {n}",
            subject_reference=f"REF-{n}",
            subject_url=f"/returns/{n}/",
            due_date=tomorrow,
            responsible_agency=agency,
        )
        for n in range(deadlines)
    )
    refs = [f"REF-{n}" for n in range(deadlines)]
    return instant, daily, refs


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("phase", "deadlines", "immediate"),
    [
        ("logging", 200, 2),  # ten batches of 20, slowed down: killed part-way
        ("handover", 20, 2),  # everything logged, nothing handed over
        ("sending", 3, 6),  # six emails, a second each: killed with the third in flight
    ],
)
def test_a_worker_killed_at_each_phase_neither_loses_nor_doubles_a_reminder(
    tmp_path, phase, deadlines, immediate
):
    require(connection.vendor == "postgresql", "The worker test needs PostgreSQL")
    with exclusive_redis(require_redis()) as redis_url:
        _kill_at_phase_and_restart(redis_url, tmp_path, phase, deadlines, immediate)


def _kill_at_phase_and_restart(redis_url: str, tmp_path: Path, phase: str, deadlines: int, immediate: int):
    redis.Redis.from_url(redis_url).flushdb()
    instant, daily, refs = _due_work(deadlines=deadlines, immediate=immediate, digest=1)
    total = deadlines * (immediate + 1)
    outbox, marker = tmp_path / "outbox", tmp_path / "logged"

    with broker(redis_url) as app:
        worker = _start_worker(outbox, redis_url, pause_at="" if phase == "sending" else phase, marker=marker)
        try:
            app.send_task("deadlines.reminder_sweep")
            if phase == "logging":
                assert _wait(lambda: ReminderSend.objects.count() >= 3 * (immediate + 1), 60), (
                    "nothing logged"
                )
                _kill(worker)
                assert 0 < ReminderSend.objects.count() < total
            elif phase == "handover":
                assert _wait(marker.exists, 60), "the sweep never finished logging"
                _kill(worker)
                assert ReminderSend.objects.count() == total
                assert not ReminderSend.objects.exclude(status=ReminderStatus.PENDING).exists()
            else:
                assert _wait(lambda: len(_emails(outbox)) >= 2, 60), "the worker sent nothing"
                time.sleep(0.3)  # the third email is in the mail server's hands, not yet accepted
                _kill(worker)
                assert len(_emails(outbox)) < immediate
                assert ReminderSend.objects.filter(status=ReminderStatus.SENDING).exists()
            assert _emails(outbox) == [] or phase == "sending"

            worker = _start_worker(outbox, redis_url)

            def settled() -> bool:
                app.send_task("deadlines.reminder_sweep")  # the next sweep, or the retry job
                immediate_rows = ReminderSend.objects.filter(channel=ReminderChannel.IMMEDIATE)
                return (
                    ReminderSend.objects.count() == total
                    and immediate_rows.filter(status=ReminderStatus.SENT).count() == deadlines * immediate
                )

            assert _wait(lambda: settled() or time.sleep(2), 120), "reminders were left waiting"
            time.sleep(5)  # let any redelivered or duplicate task run to the end
        finally:
            _kill(worker)

    # The digest reader's reminders were logged once and go in one digest.
    assert reminders.digest_send(force=True) == 1
    (digest,) = mail.outbox
    listed = [
        line[line.index("(") + 1 : line.index(")")]
        for line in digest.body.splitlines()
        if line.startswith("- ")
    ]
    assert sorted(listed) == sorted(refs)
    assert ReminderSend.objects.count() == total
    assert not ReminderSend.objects.exclude(status=ReminderStatus.SENT).exists()
    arrived = Counter(_arrived(outbox))
    expected = {(person.email, ref) for person in instant for ref in refs}
    assert set(arrived) == expected  # every due reminder arrived…
    assert set(arrived.values()) == {1}  # …exactly once
    assert len(_emails(outbox)) == immediate  # one email per person
    assert all(person.email not in {to for to, _ in arrived} for person in daily)
