"""The Celery app. Periodic jobs are declared here, once, each with a plain-English name."""

import logging
import os

from celery import Celery, bootsteps, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

app = Celery("somerset_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Tells /health/ this worker is alive (somerset_safety.core.heartbeat)."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        from somerset_safety.core.heartbeat import HEARTBEAT_EVERY

        self._alive(worker)
        self.timer_entry = worker.timer.call_repeatedly(HEARTBEAT_EVERY, self._alive, (worker,), priority=10)

    def stop(self, worker):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
        self._call("worker_stopped", worker)

    def _alive(self, worker):
        self._call("worker_alive", worker)

    @staticmethod
    def _call(name, worker):
        import redis
        from django.conf import settings

        from somerset_safety.core import heartbeat

        if not settings.REDIS_URL:
            return
        try:
            getattr(heartbeat, name)(worker.hostname)
        except redis.RedisError as exc:
            logging.getLogger(__name__).warning("Worker heartbeat not written: %s", type(exc).__name__)


app.steps["worker"].add(WorkerHeartbeat)


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_to_start_if_misconfigured(**kwargs) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from somerset_safety.core.checks import refuse_to_start_if_misconfigured

    try:
        refuse_to_start_if_misconfigured()
    except ImproperlyConfigured as exc:
        # Celery logs and carries on after an exception in a signal handler; stop the process.
        raise SystemExit(str(exc)) from exc


app.conf.beat_schedule = {
    "Log today's deadline reminders and escalations": {
        "task": "deadlines.reminder_sweep",
        "schedule": crontab(hour=6, minute=0),
    },
    "Bring the statutory duties' due dates into line before the reminder sweep (05:45)": {
        "task": "duties.refresh_obligations",
        "schedule": crontab(hour=5, minute=45),
    },
    "Release reminders whose sender stopped, and hand over any waiting": {
        "task": "deadlines.retry_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "Send the daily reminder digest (working days, 07:00)": {
        "task": "deadlines.send_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "Write the daily anchor of the audit log (00:15)": {
        "task": "audit.anchor_chain",
        "schedule": crontab(hour=0, minute=15),
    },
    "Check the audit log against its anchors (00:45)": {
        "task": "audit.verify_chain",
        "schedule": crontab(hour=0, minute=45),
    },
    "Run the retention schedule: dispose of records due, tell records managers of those to review (02:30)": {
        "task": "records.disposal_run",
        "schedule": crontab(hour=2, minute=30),
    },
    "Retry work that could not be queued": {
        "task": "somerset_safety.core.tasks.retry_unqueued_work",
        "schedule": crontab(minute="*/5"),
    },
}
