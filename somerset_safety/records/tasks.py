from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import services


@shared_task(name="records.disposal_run", ignore_result=True)
def disposal_run() -> int:
    """The retention schedule's nightly run (see `services.disposal_run`). Returns how many
    records it disposed of."""
    return sum(line.disposed for line in services.disposal_run())


@shared_task(
    name="records.tell_records_managers",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=4,
)
def tell_records_managers(waiting: int, refused: int = 0) -> int:
    """After the nightly run: a generic email to every records manager with how many records
    wait for their review and how many could not be disposed of under their rule, and a link
    (no references, no names: S14)."""
    from somerset_safety.accounts.models import User
    from somerset_safety.accounts.roles import Role

    recipients = list(
        User.objects.filter(is_active=True, groups__name=Role.RECORDS_MANAGER.label)
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse("records:schedule")
        lines = []
        if waiting:
            records = "1 record has" if waiting == 1 else f"{waiting} records have"
            lines.append(
                f"{records} reached the end of the retention period and wait for your review before "
                "they are destroyed or anonymised."
            )
        if refused:
            records = "1 record" if refused == 1 else f"{refused} records"
            lines.append(
                f"{records} could not be disposed of under their rule (other records still point at "
                "them, or the rule asks for what that kind of record does not allow)."
            )
        send_mail(
            "Safer Somerset: records wait for your disposal review",
            " ".join(lines) + f" Sign in to see them:\n{link}\n",
            None,
            recipients,
        )
    return len(recipients)
