"""Thin Celery entry points for the duties app."""

from celery import shared_task

from . import services


@shared_task(name="duties.refresh_obligations", ignore_result=True, soft_time_limit=300, time_limit=360)
def refresh_obligations() -> int:
    """Nightly, before the reminder sweep: every obligation's next due date and deadlines as its
    rule gives them today (first due dates from the register's start, evidence other apps hold).
    Safe to run twice: a refresh that changes nothing writes nothing."""
    return services.obligations_refresh_all()
