"""Sign-in events go to the audit log (S11). Only the account is recorded, never the password."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction
from .services import audit_record


def _account_named(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(email__iexact=username).only("pk").first()


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.SIGN_IN, obj=user)


@receiver(user_logged_out)
def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.SIGN_OUT, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    account = _account_named(credentials.get("username"))
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="accounts.user" if account else "",
        object_id=account.pk if account else "",
        detail={} if account else {"account": "unknown"},
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    account = _account_named(username)
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        object_type="accounts.user" if account else "",
        object_id=account.pk if account else "",
    )
