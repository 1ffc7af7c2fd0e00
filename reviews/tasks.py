from celery import shared_task

from .services import resync_open_pauses


@shared_task(name="reviews.resync_paused_deadlines", ignore_result=True)
def resync_paused_deadlines() -> int:
    """An open pause pushes a review's completion date on each day: keep its deadline in step."""
    return resync_open_pauses()
