"""Thin Celery entry points for reminders: ids in, one service call out, safe to run twice."""

from celery import shared_task

from somerset_safety.core.queueing import enqueue

from . import reminders


def _hand_to_senders(recipient_ids: list[int]) -> None:
    for recipient_id in recipient_ids:
        enqueue("deadlines.send_reminders", recipient_id)


@shared_task(name="deadlines.reminder_sweep", ignore_result=True)
def reminder_sweep() -> int:
    """Log today's reminders and escalations; hand every person with reminders waiting (logged
    by this sweep or an earlier one) to a sender of their own."""
    result = reminders.reminder_sweep()
    _hand_to_senders(result.recipient_ids)
    return result.reminders_logged


@shared_task(name="deadlines.retry_reminders", ignore_result=True)
def retry_reminders() -> int:
    """Between sweeps: release reminders whose sender died and hand over whatever is waiting."""
    recipient_ids = reminders.hand_over()
    _hand_to_senders(recipient_ids)
    return len(recipient_ids)


@shared_task(
    name="deadlines.send_reminders",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=4,
)
def send_reminders(recipient_id: int) -> int:
    """One email to one person listing every immediate reminder waiting for them."""
    return reminders.reminders_send(recipient_id=recipient_id)


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
def notify_waived(deadline_id: int, actor_id: int | None = None) -> int:
    """Tell the people responsible that a deadline was waived (not the person who waived it):
    a generic subject and a link only (S14)."""
    from django.conf import settings
    from django.core.mail import send_mail

    from .models import Deadline

    deadline = Deadline.objects.filter(pk=deadline_id).first()
    if deadline is None:
        return 0
    emails = [
        u.email for u in deadline.responsible_users.filter(is_active=True).exclude(pk=actor_id) if u.email
    ]
    if not emails:
        return 0
    link = f"{settings.SITE_URL.rstrip('/')}{deadline.subject_url}"
    for email in emails:
        send_mail(
            reminders.GENERIC_SUBJECT,
            f"A deadline you are responsible for has been waived. Sign in to see it:\n{link}\n",
            None,
            [email],
        )
    return len(emails)
