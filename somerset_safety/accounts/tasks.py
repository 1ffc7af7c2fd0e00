from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User

NOTICE_SUBJECT = "Safer Somerset: your account"
NOTICES = {"invitation", "second_factor_reset"}


@shared_task(
    name="accounts.send_account_notice",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=4,
)
def send_account_notice(user_id: int, kind: str) -> bool:
    """Tell a person about a change to their account: a generic subject and a link only (S14)."""
    if kind not in NOTICES:
        raise ValueError(kind)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    site = settings.SITE_URL.rstrip("/")
    context = {"site": site, "sign_in_url": site + reverse("accounts:login")}
    if kind == "invitation":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = site + reverse("accounts:reset_confirm", args=[uid, token])
        context["reset_url"] = site + reverse("accounts:reset_request")
    body = render_to_string(f"accounts/email/{kind}.txt", context)
    send_mail(NOTICE_SUBJECT, body, None, [user.email])
    return True
