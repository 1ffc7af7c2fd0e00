"""Queue background work without making a web request wait on the broker (S20).

Work is handed to Celery after the surrounding transaction commits. If the broker cannot
take it, the work is written to `UnqueuedTask` and a periodic job hands it over later, so a
user never sees an error page because Redis is down.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

from somerset_safety.celery import app as current_app

from .models import UnqueuedTask

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)


def _task(name: str):
    """The registered task; in a web process the tasks modules are imported on first use."""
    if name not in current_app.tasks:
        from django.apps import apps

        current_app.autodiscover_tasks([config.name for config in apps.get_app_configs()], force=True)
    return current_app.tasks[name]


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Send `task_name` with JSON-able ids once the current transaction commits."""
    transaction.on_commit(lambda: send_or_keep(task_name, list(args), kwargs))


def send_or_keep(task_name: str, args: list, kwargs: dict) -> bool:
    try:
        _task(task_name).apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unavailable; kept %s for retry (%s)", task_name, type(exc).__name__)
        UnqueuedTask.objects.create(
            task_name=task_name, args=args, kwargs=kwargs, last_error=type(exc).__name__
        )
        return False
    return True


def retry_unqueued(limit: int = 500) -> int:
    """Hand kept work to the broker. Returns how many were sent."""
    sent = 0
    for item in UnqueuedTask.objects.order_by("created_at")[:limit]:
        try:
            _task(item.task_name).apply_async(args=item.args, kwargs=item.kwargs)
        except BROKER_ERRORS as exc:
            UnqueuedTask.objects.filter(pk=item.pk).update(
                attempts=item.attempts + 1, last_error=type(exc).__name__
            )
            break
        item.delete()
        sent += 1
    return sent
