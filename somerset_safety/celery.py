"""The Celery app. Periodic jobs are declared here, once, each with a plain-English name."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

app = Celery("somerset_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "Retry work that could not be queued": {
        "task": "somerset_safety.core.tasks.retry_unqueued_work",
        "schedule": crontab(minute="*/5"),
    },
}
