from celery import shared_task

from . import notices


@shared_task(
    name="meetings.notify_papers_ready",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def notify_papers_ready(meeting_id: int, papers: str) -> int:
    return notices.papers_ready_send(meeting_id=meeting_id, papers=papers)
