"""MARAC's background work: checking and writing an import file (ids in, one service out; each is
safe to run twice, since the job's status says whether there is still work to do)."""

from celery import shared_task

from . import imports

LIMITS = {"soft_time_limit": 1800, "time_limit": 1900, "acks_late": True}


@shared_task(name="partnerships.import_check", ignore_result=True, **LIMITS)
def import_check(job_id: int) -> str:
    return imports.import_job_check(job_id)


@shared_task(name="partnerships.import_write", ignore_result=True, **LIMITS)
def import_write(job_id: int) -> str:
    return imports.import_job_write(job_id)


@shared_task(
    name="partnerships.notify_transfer",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def notify_transfer(transfer_id: int) -> int:
    from . import notices

    return notices.transfer_notice_send(transfer_id=transfer_id)
