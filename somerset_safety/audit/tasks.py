from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import services
from .chain import anchor_write


@shared_task(name="audit.anchor_chain", ignore_result=True)
def anchor_chain() -> int:
    """The daily anchor, written outside the database (a file and the log stream)."""
    anchor, _ = anchor_write()
    return anchor.last_id


@shared_task(name="audit.verify_chain", ignore_result=True, soft_time_limit=3300, time_limit=3600)
def verify_chain(requested_by_id: int | None = None) -> bool:
    return services.chain_check_run(requested_by_id=requested_by_id).ok


@shared_task(
    name="audit.tell_auditors_chain_broken",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=4,
)
def tell_auditors_chain_broken(result_id: int) -> int:
    """A generic email with a link to the check's page (S14)."""
    from somerset_safety.accounts.models import User
    from somerset_safety.accounts.roles import Role

    recipients = list(
        User.objects.filter(is_active=True, groups__name=Role.AUDITOR.label).values_list("email", flat=True)
    )
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse("audit:chain_check")
        send_mail(
            "Safer Somerset: audit log check failed",
            "The daily check found that the audit log may have been altered. Sign in to see what "
            f"it found:\n{link}\n",
            None,
            recipients,
        )
    return len(recipients)


@shared_task(
    name="audit.tell_break_glass",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=4,
)
def tell_break_glass(access_id: int) -> int:
    """Emergency access was used: the record's owners and the auditors get a generic email
    with a link to the use's page (no names, no reference, no reason: S14). Sent once."""
    from .breakglass import recipients_of
    from .models import BreakGlassAccess

    access = BreakGlassAccess.objects.select_related("user").filter(pk=access_id).first()
    if access is None:
        return 0
    recipients = recipients_of(access)
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse("audit:break_glass_detail", args=[access.pk])
        send_mail(
            "Safer Somerset: emergency access to a restricted record",
            "Someone has used emergency access to a restricted record that you are responsible for "
            "or audit. Sign in to see who, when and why:\n"
            f"{link}\n",
            None,
            recipients,
        )
    return len(recipients)
