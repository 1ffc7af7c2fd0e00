import secrets

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

from .roles import Role, granted

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def apply_role_permissions(sender=None, **kwargs) -> None:
    """Make sure each role's group exists with the admin permissions its apps grant it."""
    grants = granted()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        wanted = grants.get(role.value, set())
        if role == Role.ADMIN:
            perms = Permission.objects.all()
        else:
            perms = [
                p
                for p in Permission.objects.select_related("content_type")
                if f"{p.content_type.app_label}.{p.codename}" in wanted
            ]
        group.permissions.set(perms)


def totp_device_start(*, user) -> TOTPDevice:
    """An unconfirmed authenticator for the user to enrol; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment with a code from the app. Returns new recovery codes, or None if the
    code was wrong. Any earlier authenticator is removed: one app per person."""
    if not device.verify_token(token):
        audit_record(actor=user, action=AuditAction.SECOND_FACTOR_FAILED, obj=user)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action=AuditAction.SECOND_FACTOR_ENROLLED, obj=user)
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    from django.conf import settings

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(actor=user, action=AuditAction.CHANGE, obj=user, changed_fields=["recovery_codes"])
    return codes


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
