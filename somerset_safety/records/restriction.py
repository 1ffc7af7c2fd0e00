"""Restriction of processing (UK GDPR Article 18), one mechanism for every kind of record about a
person: while the person contests the accuracy of the record, or objects to its processing and
that is being considered, the record is **kept but not processed**. It leaves the lists, searches
and matching of everyone but the record's owners (the kind says who: MARAC's coordinators of the
person's areas, the officer who recorded a modern slavery record, the group's senior responsible
officer) and records managers; counts go on counting it, as a number without its identity; a
subject access search still finds it (it is still data held about the person).

The platform imports no domain app. Each app declares, beside its subject access sources (in
its `subject_access.py`), the kinds of record it lets be restricted:

    restriction.register(Restrictable(
        key="slavery_record",                  # the subject access source's key
        model=SlaveryNotification,
        restrictions=SlaveryRestriction,       # a subclass of Restriction, with a foreign key
        field="notification",                  # … to the record, named here
        owned_by=recorded_here,                # user -> Q on the model (the records the user owns) or None
        visible_to=notifications_visible_to,   # user -> the model's rows the user may see at all
        only=Q(route=Route.NRM),               # which rows are of this kind (default: every one)
        describe=lambda n: "Modern slavery record",   # fixed words, no personal data
        hides="…",                             # what is hidden from whom, for the pages
    ))

and filters its own scoped querysets with `visible_among(user, key, queryset)`. Restricting and
lifting (`restrict`, `lift`) need a reason, are audited (the restriction's id and the record's,
never the reason) and are open to the record's owners and records managers (`may_restrict`).
The records management page *Restrictions of processing* lists every restriction in force,
in a fixed number of queries whatever their number (`restricted_now`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .exceptions import RecordsError


class Restriction(models.Model):
    """A restriction of the processing of one record, with why, who and when, and its lifting
    (why, who and when). A concrete subclass adds the foreign key to its record (CASCADE: the
    restriction goes with the record) and the constraint of one open restriction per record."""

    reason = models.TextField()
    restricted_at = models.DateTimeField()
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-restricted_at", "-id"]


@dataclass(frozen=True)
class Restrictable:
    """A kind of record whose processing can be restricted (see the module's docstring)."""

    key: str
    model: type[models.Model]
    restrictions: type[Restriction]
    field: str
    # user -> the condition on `model` of the records the user owns (they still see them while
    # restricted, and may restrict them or lift it); None when the user owns none.
    owned_by: Callable[[object], Q | None]
    # user -> what the user may see of `model` at all (the app's own scope, restricted records
    # included: owned_by decides those). Owners are found, and the restriction page opened, only
    # within it; records managers see every record of the kind (to restrict it or lift it).
    visible_to: Callable[[object], QuerySet]
    # record -> fixed words naming the kind of record ("MARAC victim"), never personal data.
    describe: Callable[[models.Model], str]
    # What is hidden while restricted, and from whom (a sentence for the restriction page).
    hides: str
    # Which rows of `model` are of this kind at all (an anonymous MS1 notification holds no one's
    # personal data: there is nothing of it to restrict).
    only: Q = Q()
    # What lifting brings back (a sentence for the restriction page).
    returns: str = (
        "Once lifted, the record is listed, searched and matched again for everyone who may see it."
    )
    # Related rows the record's reference and description read (select_related).
    related: tuple[str, ...] = ()
    # A field on `model` kept as the open restriction's time (None when not restricted), for
    # kinds whose lists read it many times over (MARAC's people); "" for none.
    flag: str = ""
    # The page restricting or lifting it, when the app keeps its own address for it.
    url_name: str = ""
    # record -> the record's own page, for its owners' way back ("" for none).
    record_url: Callable[[models.Model], str] | None = None
    # The app's own error, so its pages and callers see the refusals they know.
    error: type[Exception] = RecordsError
    # Called in the same transaction after a restriction is placed or lifted (clocks to pause).
    after: Callable[[models.Model], None] | None = None
    # The system references this kind's records have, for the records manager's way in.
    by_reference: Callable[[str], models.Model | None] | None = None

    def url(self, pk) -> str:
        """The page restricting the record with this id, or lifting its restriction."""
        if self.url_name:
            return reverse(self.url_name, args=[pk])
        return reverse("records:restriction", args=[self.key, pk])

    def open(self) -> QuerySet:
        return self.restrictions.objects.filter(lifted_at__isnull=True)

    def restricted(self) -> QuerySet:
        """The records restricted now."""
        if self.flag:
            return self.model.objects.filter(**{f"{self.flag}__isnull": False})
        return self.model.objects.filter(pk__in=self.open().values(self.field))


@dataclass(frozen=True)
class Restricted:
    """One record whose processing is restricted, as the records management page lists it: the
    system reference and a fixed description (no personal data), since when and by whom."""

    key: str
    object_id: str
    reference: str
    description: str
    since: datetime
    by: str


_kinds: dict[str, Restrictable] = {}


def register(kind: Restrictable) -> None:
    _kinds[kind.key] = kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def kind(key: str) -> Restrictable | None:
    return _kinds.get(key)


def kinds() -> list[Restrictable]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def _manages_records(user) -> bool:
    from .permissions import can_manage_records

    return getattr(user, "is_authenticated", False) and can_manage_records(user)


# --- Who sees and restricts ------------------------------------------------------------------


def hidden(user, key: str) -> QuerySet | None:
    """The records of that kind restricted now that the user may not see (every one but those
    the user owns), or None for records managers, who see them all."""
    found = _kinds[key]
    if _manages_records(user):
        return None
    rows = found.restricted()
    owned = found.owned_by(user)
    return rows.exclude(owned) if owned is not None else rows


def visible_among(user, key: str, queryset: QuerySet, field: str = "pk") -> QuerySet:
    """Those of `queryset` (the app's own scope for the user) that are not restricted from the
    user; `field` is the path from the queryset's rows to the restrictable record."""
    rows = hidden(user, key)
    if rows is None:
        return queryset
    return queryset.exclude(**{f"{field}__in": rows.values("pk")})


def scope(user, key: str) -> QuerySet:
    """The records of that kind the user may see at all: records managers every one; anyone
    else those of the kind's `visible_to` (a record outside it is not there for them)."""
    found = _kinds[key]
    rows = found.model.objects.all() if _manages_records(user) else found.visible_to(user)
    return rows.filter(found.only)


def restrictable_ids(user, key: str, ids: Iterable) -> set:
    """Which of these records (ids) the user may restrict, or lift the restriction of: records
    managers any of the kind; otherwise those the user sees and owns. One query, whatever their
    number."""
    ids = list(ids)
    if not ids:
        return set()
    rows = scope(user, key).filter(pk__in=ids)
    if not _manages_records(user):
        owned = _kinds[key].owned_by(user)
        if owned is None:
            return set()
        rows = rows.filter(owned)
    return set(rows.values_list("pk", flat=True))


def may_restrict(user, key: str, obj) -> bool:
    return obj is not None and obj.pk in restrictable_ids(user, key, [obj.pk])


def get_for_user_or_404(user, key: str, object_id) -> models.Model:
    """The record of that kind with this id, for its restriction page: within what the user may
    see (scope) and may restrict, else 404. The one fetch path of the page, which shows the
    reasons: a GET writes the record's view event (S11, audit.reads), once per request."""
    from django.http import Http404

    from somerset_safety.audit.reads import record_view

    found = _kinds.get(key)
    if found is None:
        raise Http404
    obj = scope(user, key).select_related(*found.related).filter(pk=object_id).first()
    if obj is None or not may_restrict(user, key, obj):
        raise Http404
    record_view(user, obj, purpose="restriction")
    return obj


def open_restriction(key: str, obj) -> Restriction | None:
    found = _kinds[key]
    if obj is None:
        return None
    if found.flag and getattr(obj, found.flag) is None:
        return None
    return found.open().filter(**{found.field: obj}).first()


def earlier(key: str, obj) -> list[Restriction]:
    """The restrictions of the record already lifted, newest first, with who placed and lifted them."""
    found = _kinds[key]
    return list(
        found.restrictions.objects.filter(**{found.field: obj}, lifted_at__isnull=False).select_related(
            "restricted_by", "lifted_by"
        )
    )


def restricted_now() -> dict[str, list[Restricted]]:
    """Per kind, the records restricted now, newest first: one query a kind, whatever their number."""
    rows = {}
    for found in kinds():
        related = [found.field, *(f"{found.field}__{path}" for path in found.related), "restricted_by"]
        rows[found.key] = [
            Restricted(
                key=found.key,
                object_id=str(getattr(row, f"{found.field}_id")),
                reference=getattr(row, found.field).reference,
                description=found.describe(getattr(row, found.field)),
                since=row.restricted_at,
                by=str(row.restricted_by or "a user since removed"),
            )
            for row in found.open().select_related(*related).order_by("-restricted_at", "-pk")
        ]
    return rows


def url_for(user, key: str, object_id) -> str:
    """The page restricting (or lifting the restriction of) the record of that kind with this id,
    or "" when the kind has no restriction, there is no such record or the user may not restrict it."""
    found = _kinds.get(key)
    if found is None or not str(object_id).isdigit():
        return ""
    obj = scope(user, key).filter(pk=int(object_id)).first()
    return found.url(obj.pk) if may_restrict(user, key, obj) else ""


def find_by_reference(user, reference: str) -> tuple[Restrictable, models.Model] | None:
    """The record with this system reference (any kind that has such references) that the user
    may restrict, or None."""
    for found in kinds():
        if found.by_reference is None:
            continue
        obj = found.by_reference(reference)
        if obj is not None and may_restrict(user, found.key, obj):
            return found, obj
    return None


# --- Restricting and lifting -----------------------------------------------------------------


@transaction.atomic
def restrict(*, actor, key: str, obj, reason: str) -> Restriction:
    """Restrict the processing of the record. Audited (the record's id, never the reason). Raises
    the kind's error without a reason, or when already restricted. The caller checks may_restrict."""
    from somerset_safety.audit.models import AuditAction
    from somerset_safety.audit.services import audit_record

    found = _kinds[key]
    locked = found.model.objects.select_for_update().get(pk=obj.pk)
    if found.open().filter(**{found.field: locked}).exists():
        raise found.error("This record's processing is already restricted.")
    if not reason.strip():
        raise found.error("Enter the reason for restricting processing.", field="reason")
    now = timezone.now()
    restriction = found.restrictions.objects.create(
        **{found.field: locked}, reason=reason.strip(), restricted_at=now, restricted_by=actor
    )
    if found.flag:
        setattr(locked, found.flag, now)
        locked.save(update_fields=[found.flag])
        setattr(obj, found.flag, now)
    if found.after is not None:
        found.after(locked)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=restriction,
        changed_fields=[found.field, "reason"],
        detail={found.field: locked.pk},
    )
    return restriction


@transaction.atomic
def lift(*, actor, key: str, obj, reason: str) -> Restriction:
    """Lift the restriction of the record: it is listed, searched and matched again. Audited.
    Raises the kind's error without a reason, or when not restricted."""
    from somerset_safety.audit.models import AuditAction
    from somerset_safety.audit.services import audit_record

    found = _kinds[key]
    locked = found.model.objects.select_for_update().get(pk=obj.pk)
    restriction = found.open().filter(**{found.field: locked}).first()
    if restriction is None:
        raise found.error("This record's processing is not restricted.")
    if not reason.strip():
        raise found.error("Enter the reason for lifting the restriction.", field="reason")
    restriction.lifted_at, restriction.lifted_by, restriction.lift_reason = (
        timezone.now(),
        actor,
        reason.strip(),
    )
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    if found.flag:
        setattr(locked, found.flag, None)
        locked.save(update_fields=[found.flag])
        setattr(obj, found.flag, None)
    if found.after is not None:
        found.after(locked)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=restriction,
        changed_fields=["lifted_at", "lifted_by", "lift_reason"],
        detail={found.field: locked.pk},
    )
    return restriction
