from celery import shared_task

from .queueing import retry_unqueued


@shared_task(name="somerset_safety.core.tasks.retry_unqueued_work", ignore_result=True)
def retry_unqueued_work() -> int:
    return retry_unqueued()
