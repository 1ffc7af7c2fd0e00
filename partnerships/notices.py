"""MARAC's emails. They name no one and carry nothing from the case: a link to sign in (S14)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from .deadlines import coordinators_of
from .models import ReferralTransfer

TRANSFER_SUBJECT = "Safer Somerset: a MARAC case has been transferred to your area"


def transfer_notice_send(*, transfer_id: int) -> int:
    """Tell the receiving area's coordinators that a case has moved to them, once: the transfer
    is claimed by a conditional update before sending. Returns how many were emailed."""
    claimed = ReferralTransfer.objects.filter(pk=transfer_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    transfer = ReferralTransfer.objects.select_related("to_area").get(pk=transfer_id)
    url = settings.SITE_URL.rstrip("/") + reverse("partnerships:referral_detail", args=[transfer.referral_id])
    body = (
        "A MARAC case has been transferred to your area because the victim has moved.\n\n"
        f"Sign in to read it:\n{url}\n\n"
        "It is OFFICIAL-SENSITIVE. Do not forward this email outside your agency.\n"
    )
    recipients = [user.email for user in coordinators_of(transfer.to_area) if user.email]
    try:
        for email in recipients:
            send_mail(TRANSFER_SUBJECT, body, None, [email])
    except OSError:
        ReferralTransfer.objects.filter(pk=transfer_id).update(notified_at=None)
        raise
    return len(recipients)
