"""Accounts: who may sign in, with which roles and agency, and their second factor.

Every change to an account — from the admin site or a page — goes through these services, so
each one is checked against the same rules and leaves an audit event (S11).
"""

import secrets
from collections.abc import Callable, Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.queueing import enqueue

from .exceptions import AccountChangeRefused
from .models import User
from .roles import ROLE_BY_GROUP_NAME, Role, granted

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


# What an account holds that a service may change, and the part of it that is access.
ACCOUNT_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "agency",
    "reminder_preference",
    "is_active",
    "is_staff",
    "is_superuser",
)
ACCESS_FIELDS = frozenset({"roles", "agency", "is_active", "is_staff", "is_superuser"})


def roles_of(user: User) -> set[str]:
    """The roles held through groups (a superuser's implied administrator role not included)."""
    if user.pk is None:
        return set()
    names = user.groups.values_list("name", flat=True)
    return {ROLE_BY_GROUP_NAME[name] for name in names if name in ROLE_BY_GROUP_NAME}


def _comparable(name: str, value):
    if name == "agency":
        return getattr(value, "pk", value)
    if name == "roles":
        return sorted(str(role) for role in value)
    return value


def account_changes(user: User | None, values: dict) -> dict[str, tuple]:
    """{field: (before, after)} for each value in `values` that differs from the stored account."""
    changes = {}
    for name, after in values.items():
        if name != "roles" and name not in ACCOUNT_FIELDS:
            raise ValueError(f"{name} is not a field an account service changes")
        if user is None or user.pk is None:
            before = [] if name == "roles" else None
        else:
            before = roles_of(user) if name == "roles" else getattr(user, name)
        if _comparable(name, before) != _comparable(name, after):
            changes[name] = (_comparable(name, before), _comparable(name, after))
    return changes


def account_change_refusal(*, actor, user: User | None, values: dict) -> str | None:
    """Why `actor` may not make this change, or None. Forms show it; the services enforce it."""
    changes = account_changes(user, values)
    if user is not None and user.pk == actor.pk and ACCESS_FIELDS & set(changes):
        return (
            "You cannot change your own roles, agency or access. Ask another system administrator "
            "to make the change, so that it is seen by two people."
        )
    if "is_superuser" in changes and not actor.is_superuser:
        return "Only a superuser can make someone a superuser or take it away."
    roles = changes.get("roles")
    if roles and Role.ADMIN.value in set(roles[0]) ^ set(roles[1]) and not actor.is_superuser:
        return "Only a superuser can give or take away the system administrator role."
    return None


# Called as follow(user, roles) after an account gains or loses roles, or is deactivated or
# reactivated (then with every role it holds), inside the service's transaction: the deadlines
# app moves the clocks whose owners are "whoever holds this role" (deadlines_follow_account).
# Registered by the following app's AppConfig.ready(), so accounts imports none of them.
_access_followers: list[Callable[[User, set[str]], object]] = []


def follow_access_changes(follow: Callable[[User, set[str]], object]) -> None:
    if follow not in _access_followers:
        _access_followers.append(follow)


def _roles_moved(user: User, changes: dict[str, tuple]) -> set[str]:
    """The roles whose holders an account change alters: those given or taken away, and every
    role held before or after when the account is deactivated or reactivated."""
    if "roles" in changes:
        before, after = (set(side) for side in changes["roles"])
        return before | after if "is_active" in changes else before ^ after
    return roles_of(user) if "is_active" in changes else set()


def _tell_followers(user: User, changes: dict[str, tuple]) -> None:
    roles = _roles_moved(user, changes)
    if roles:
        for follow in _access_followers:
            follow(user, roles)


def _set_roles(user: User, roles: Iterable[str]) -> None:
    labels = [Role(role).label for role in roles]
    user.groups.set(Group.objects.filter(name__in=labels))
    user.__dict__.pop("role_names", None)
    user.__dict__.pop("role_bits", None)


def _access_detail(changes: dict[str, tuple]) -> dict:
    """Before and after of access changes (roles, agency id, flags): no personal data (S14)."""
    return {
        name: {"from": before, "to": after}
        for name, (before, after) in changes.items()
        if name in ACCESS_FIELDS
    }


@transaction.atomic
def user_create(*, actor, values: dict) -> User:
    """Create an account with the given fields and `roles`. The person chooses their own password
    from the link emailed to them, then enrols their second factor: nobody else ever knows it.

    Raises AccountChangeRefused when the actor may not grant what is asked.
    """
    values = dict(values)
    refusal = account_change_refusal(actor=actor, user=None, values=values)
    if refusal:
        raise AccountChangeRefused(refusal)
    changes = account_changes(None, values)
    roles = values.pop("roles", [])
    user = User(**values)
    user.email = user.email.strip().lower()
    user.set_unusable_password()
    user.save()
    _set_roles(user, roles)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        changed_fields=[name for name in changes if name != "roles"] + (["roles"] if roles else []),
        detail={"access": _access_detail(changes)},
    )
    if user.is_active:
        _tell_followers(user, changes)
    enqueue("accounts.send_account_notice", user.pk, "invitation")
    return user


@transaction.atomic
def user_update(*, actor, user_id: int, values: dict) -> list[str]:
    """Change an account's details, roles, agency or access; returns the fields that changed.

    The stored account is locked and compared with `values`, so only real changes are saved and
    audited (field names; before and after only for access, which holds no personal data).
    Deactivating ends the person's sessions at once (they no longer authenticate).
    Raises AccountChangeRefused for a change the actor may not make.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    refusal = account_change_refusal(actor=actor, user=user, values=values)
    if refusal:
        raise AccountChangeRefused(refusal)
    changes = account_changes(user, values)
    if not changes:
        return []
    fields = [name for name in changes if name != "roles"]
    for name in fields:
        setattr(user, name, values[name])
    if "email" in fields:
        user.email = user.email.strip().lower()
    if fields:
        user.save(update_fields=fields)
    if "roles" in changes:
        _set_roles(user, values["roles"])
    _tell_followers(user, changes)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=user,
        changed_fields=list(changes),
        detail={"access": _access_detail(changes)} if ACCESS_FIELDS & set(changes) else {},
    )
    return sorted(changes)


@transaction.atomic
def second_factor_reset(*, actor, user_id: int) -> None:
    """Remove the person's authenticator app and recovery codes. Any session of theirs loses its
    second factor at once; at their next sign-in they enrol a new app. They are told by email.

    Nobody, the administrator included, ever sees or sets the secret. Raises
    AccountChangeRefused when administrators try it on their own account.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    if user.pk == actor.pk:
        raise AccountChangeRefused(
            "You cannot reset your own second factor here. Ask another system administrator."
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.SECOND_FACTOR_RESET, obj=user)
    enqueue("accounts.send_account_notice", user.pk, "second_factor_reset")
