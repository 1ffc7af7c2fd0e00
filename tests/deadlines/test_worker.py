"""Issue 6: a real worker on a real Redis, killed mid-sweep and restarted, sends no duplicate.

Needs PostgreSQL (the worker process shares the test database) and Redis; in CI both are
required, elsewhere the test skips when they are missing.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from somerset_safety.accounts.models import Agency, ReminderPreference
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline, ReminderSend, ReminderStatus
from tests.environment import exclusive_redis, postgres_url, require, require_redis
from tests.factories import AgencyFactory, UserFactory

from .broker import broker

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(db_name: str, outbox: Path, redis_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url(db_name),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "tests.deadlines.slow_file_email.SlowFileBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "somerset_safety",
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


def _emails(outbox: Path) -> list[str]:
    return [p.read_text() for p in outbox.glob("*.log")] if outbox.exists() else []


def _wait(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_sweep_and_restarted_sends_no_duplicate(tmp_path):
    require(connection.vendor == "postgresql", "The worker test needs PostgreSQL")
    with exclusive_redis(require_redis()) as redis_url:
        _kill_mid_sweep_and_restart(redis_url, tmp_path)


def _kill_mid_sweep_and_restart(redis_url: str, tmp_path: Path) -> None:
    redis.Redis.from_url(redis_url).flushdb()

    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    people = [
        UserFactory(agency=agency, roles=[Role.AGENCY_REP], reminder_preference=ReminderPreference.IMMEDIATE)
        for _ in range(4)
    ]
    today = timezone.localdate()
    for n in range(2):
        Deadline.objects.create(
            subject_type="accounts.agency",
            subject_id=agency.pk,
            kind="test.return_due",
            key=str(n),
            label=f"Return {n}",
            subject_url=f"/x/{n}/",
            due_date=today + timedelta(days=1),
            responsible_agency=agency,
        )
    assert Agency.objects.filter(code="CST").exists()
    outbox = tmp_path / "outbox"
    db_name = connection.settings_dict["NAME"]

    with broker(redis_url) as app:
        worker = _start_worker(db_name, outbox, redis_url)
        try:
            app.send_task("deadlines.reminder_sweep")
            assert _wait(lambda: len(_emails(outbox)) >= 2, 60), "the worker sent nothing"
            os.killpg(worker.pid, signal.SIGKILL)  # mid-way through sending 8 reminders
            worker.wait(10)
            sent_before_restart = len(_emails(outbox))
            assert sent_before_restart < 8

            worker = _start_worker(db_name, outbox, redis_url)
            app.send_task("deadlines.reminder_sweep")  # the next scheduled sweep, on top of redelivery
            settled = lambda: not ReminderSend.objects.filter(status=ReminderStatus.PENDING).exists()  # noqa: E731
            assert _wait(settled, 90), "reminders were left waiting"
            time.sleep(5)  # let any redelivered task run
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)

    rows = ReminderSend.objects.all()
    assert rows.count() == 8  # 2 deadlines × 4 people, logged once each
    emails = _emails(outbox)
    recipients = [line for text in emails for line in text.splitlines() if line.startswith("To: ")]
    assert len(recipients) == len(set(zip(recipients, emails, strict=True)))
    per_person = {p.email: sum(1 for r in recipients if p.email in r) for p in people}
    # Each person has two reminders; nobody ever gets the same reminder twice.
    assert all(count <= 2 for count in per_person.values()), per_person
    sent = rows.filter(status=ReminderStatus.SENT).count()
    unconfirmed = rows.filter(status=ReminderStatus.SENDING).count()
    # At most the one reminder the worker was killed while sending is left unconfirmed, and it
    # is never sent again: every other reminder went out exactly once.
    assert unconfirmed <= 1
    assert sent + unconfirmed == 8
    assert sent <= len(emails) <= sent + unconfirmed
