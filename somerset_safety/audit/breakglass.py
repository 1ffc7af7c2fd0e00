"""Emergency ("break-glass") access to a restricted record (S9).

Someone whose role could see a kind of record, but not this restricted one, asks for it by its
reference with a typed reason. Access lasts BREAK_GLASS_MINUTES; every page read during it is
audited with the access's id (the fetch path adds it, audit.reads); the record's owners and the
information governance auditors are emailed at once (a link only); an auditor reviews each use.

Each app registers its restricted kinds in `AppConfig.ready` and lets its `*_visible_to(user)`
include `granted_ids(user, Model)`:

    breakglass.register(breakglass.Kind(key="marac_case", label="A restricted MARAC case", ...))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.queueing import enqueue

from .models import AuditAction, BreakGlassAccess, BreakGlassOutcome
from .services import audit_record, object_type_of


class BreakGlassError(DomainError):
    pass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # "A restricted MARAC case"
    model: type[models.Model]
    find: Callable[[str], models.Model | None]  # the record with this reference (restricted or not)
    may_ask: Callable[[object], bool]  # roles that could see this kind of record at all
    sees_already: Callable[[object, models.Model], bool]
    owners: Callable[[models.Model], Iterable]  # who is told: the record's owners
    reference_of: Callable[[models.Model], str]
    # Where this kind's pages live (URL path prefixes): a "page not found" there offers emergency
    # access to someone who may ask for it, whether or not the record exists.
    paths: tuple[str, ...] = ()


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def kinds_for(user) -> list[Kind]:
    return [kind for kind in _kinds.values() if kind.may_ask(user)]


def kinds_offered(user, *, key: str = "", path: str = "") -> list[Kind]:
    """The kinds a page offers `user` emergency access to: the kind `key` (on its list), or those
    whose pages hold `path` (on a "page not found" or "you cannot do this"). Only for someone
    signed in, past the second factor, whose role could see that kind of record."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_verified", lambda: True)():
        return []
    return [
        kind
        for kind in kinds_for(user)
        if (kind.key == key if key else any(path.startswith(prefix) for prefix in kind.paths))
    ]


def kind_of(record_type: str) -> Kind | None:
    return next((k for k in _kinds.values() if object_type_of(k.model) == record_type), None)


def _active(user) -> QuerySet[BreakGlassAccess]:
    return BreakGlassAccess.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())


def granted_ids(user, model: type[models.Model]) -> QuerySet:
    """The ids of the `model` records the user holds emergency access to now (a subquery)."""
    if not getattr(user, "is_authenticated", False):
        return BreakGlassAccess.objects.none().values("record_id")
    return _active(user).filter(record_type=object_type_of(model)).values("record_id")


def active_access(user, record: models.Model) -> BreakGlassAccess | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        _active(user)
        .filter(record_type=object_type_of(record), record_id=record.pk)
        .order_by("-opened_at")
        .first()
    )


def view_detail(user, record: models.Model) -> dict:
    """For a view's audit event: the emergency access it was made under, if any."""
    access = active_access(user, record)
    return {"break_glass": access.pk} if access else {}


@transaction.atomic
def break_glass_open(*, actor, kind: str, reference: str, reason: str) -> BreakGlassAccess:
    """Open emergency access for `actor` to the restricted record of `kind` with `reference`.
    Audited; the record's owners and the auditors are told after commit. Raises
    BreakGlassError in plain words when it cannot be given."""
    found_kind = _kinds.get(kind)
    if found_kind is None or not found_kind.may_ask(actor):
        raise BreakGlassError("Choose the kind of record you need.")
    reason = (reason or "").strip()
    reference = (reference or "").strip()
    if not reference:
        raise BreakGlassError("Enter the record's reference.")
    if len(reason) < 10:
        raise BreakGlassError("Enter why you need this record now, in a sentence or more.")
    record = found_kind.find(reference)
    if record is not None and found_kind.sees_already(actor, record):
        raise BreakGlassError("You can already see this record: open it from its list.")
    if record is None or not getattr(record, "restricted", False):
        noun = found_kind.label.removeprefix("A ")
        raise BreakGlassError(f"There is no {noun} with the reference {reference}.")
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=actor,
        record_type=object_type_of(record),
        record_id=record.pk,
        record_reference=found_kind.reference_of(record),
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    audit_record(
        actor=actor,
        action=AuditAction.BREAK_GLASS,
        obj=record,
        detail={"break_glass": access.pk, "minutes": settings.BREAK_GLASS_MINUTES},
    )
    enqueue("audit.tell_break_glass", access.pk)
    return access


def recipients_of(access: BreakGlassAccess) -> list[str]:
    """The record's owners and the information governance auditors (active accounts)."""
    from somerset_safety.accounts.models import User
    from somerset_safety.accounts.roles import Role

    kind = kind_of(access.record_type)
    record = kind.model.objects.filter(pk=access.record_id).first() if kind else None
    owners = [u.email for u in (kind.owners(record) if record is not None else []) if u.is_active]
    auditors = User.objects.filter(is_active=True, groups__name=Role.AUDITOR.label).values_list(
        "email", flat=True
    )
    return sorted({*owners, *auditors} - {access.user.email})


def may_read(user, access: BreakGlassAccess) -> bool:
    """Auditors read every use; a record's owners the uses of their records."""
    from somerset_safety.accounts.roles import Role

    if user.has_role(Role.AUDITOR):
        return True
    kind = kind_of(access.record_type)
    record = kind.model.objects.filter(pk=access.record_id).first() if kind else None
    return record is not None and any(owner.pk == user.pk for owner in kind.owners(record))


@transaction.atomic
def break_glass_review(*, actor, access: BreakGlassAccess, outcome: str, note: str = "") -> BreakGlassAccess:
    """An auditor records whether the use was justified. Once only; audited."""
    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        raise BreakGlassError("This use has already been reviewed.")
    if outcome not in BreakGlassOutcome.values:
        raise BreakGlassError("Choose whether the use was justified.")
    note = (note or "").strip()
    if outcome == BreakGlassOutcome.NOT_JUSTIFIED and not note:
        raise BreakGlassError("Say what follow-up is needed.")
    if access.user_id == actor.pk:
        raise BreakGlassError("Someone else must review your own emergency access.")
    access.reviewed_by, access.reviewed_at = actor, timezone.now()
    access.outcome, access.review_note = outcome, note
    access.save(update_fields=["reviewed_by", "reviewed_at", "outcome", "review_note"])
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=access, changed_fields=["outcome", "review_note"]
    )
    return access
