from celery import shared_task

from somerset_safety.core.queueing import enqueue

from . import reminders


@shared_task(name="deadlines.reminder_sweep", ignore_result=True)
def reminder_sweep() -> int:
    """Log today's reminders and escalations; hand each immediate one to its own task."""
    result = reminders.reminder_sweep()
    for reminder_id in result.immediate_ids:
        enqueue("deadlines.send_reminder", reminder_id)
    return result.reminders_logged


@shared_task(
    name="deadlines.send_reminder",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=reminders.MAX_ATTEMPTS - 1,
)
def send_reminder(reminder_id: int) -> bool:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task(name="deadlines.send_digests", ignore_result=True)
def send_digests() -> int:
    return reminders.digest_send()


@shared_task(
    name="deadlines.notify_waived",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=4,
)
def notify_waived(deadline_id: int) -> bool:
    """Tell the responsible person a deadline was waived: a generic subject and a link only (S14)."""
    from django.conf import settings
    from django.core.mail import send_mail

    from .models import Deadline

    deadline = Deadline.objects.select_related("responsible_user").filter(pk=deadline_id).first()
    if deadline is None or deadline.responsible_user is None:
        return False
    send_mail(
        reminders.GENERIC_SUBJECT,
        "A deadline you are responsible for has been waived. Sign in to see it:\n"
        f"{settings.SITE_URL.rstrip('/')}{deadline.subject_url}\n",
        None,
        [deadline.responsible_user.email],
    )
    return True
