"""The one way to save an edit: `save_changes(obj, values, actor)` sets the values that differ,
saves only those fields, and audits their names (never their values, S14), in one transaction.

    changed = save_changes(referral, {"restricted": True, "idva_allocated": False}, actor=user)

Pass the row locked (select_for_update) when the caller checks rules on it first. The caller
keeps its own rules (dates in order and so on) and its after-effects (deadlines_sync, the
timeline), which it runs when `changed` is not empty.

Optimistic concurrency: every form that edits a record is a `core.forms.VersionedForm`, which
carries, hidden, `record_version(record)` as it was when the form was opened; the view passes it
on as `expected_version` with the rest of `cleaned_data`, and the service hands it to
`save_changes`. If the record has changed since, StaleEdit is raised, nothing is saved, and its
message says when and what the other person changed (from the audit log). A caller may give its
own `version_of(obj)` instead (compared with `expected_version` as it is).
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from django.db import models, transaction
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record, changed_field_names

from .exceptions import DomainError


class StaleEdit(DomainError):
    """Someone else saved the record after this form was opened. `changed_fields` are the labels
    of what they changed, `changed_at` when (both empty when the audit log does not say)."""

    def __init__(self, message: str, *, changed_fields: Iterable[str] = (), changed_at=None):
        super().__init__(message)
        self.changed_fields = list(changed_fields)
        self.changed_at = changed_at


def record_version(obj: models.Model) -> str:
    """The version of a record as a form saw it: a digest of every stored field, then when the
    form was opened (seconds since 1970), so a refusal can say what changed after that."""
    values = {f.attname: f.value_to_string(obj) for f in obj._meta.concrete_fields}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{digest}.{int(timezone.now().timestamp())}"


def _same_version(expected: str, obj: models.Model) -> bool:
    return expected.split(".")[0] == record_version(obj).split(".")[0]


def stale_edit(obj: models.Model, expected: str) -> StaleEdit:
    """The refusal for an edit opened on `expected`: when the record was changed after the form
    was opened and which fields, from the audit log (the latest change first)."""
    from somerset_safety.audit.models import AuditAction, AuditEvent

    try:
        opened = datetime.fromtimestamp(int(expected.split(".")[1]), tz=UTC)
    except (IndexError, ValueError):
        opened = None
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action__in=[AuditAction.CHANGE, AuditAction.TRANSITION],
    )
    if opened is not None:
        events = events.filter(occurred_at__gte=opened)
    events = list(events.order_by("-id")[:20])
    labels = []
    for name in dict.fromkeys(name for event in events for name in event.changed_fields):
        try:
            labels.append(str(obj._meta.get_field(name).verbose_name))
        except Exception:  # noqa: BLE001 - a child row or a renamed field: its own name
            labels.append(name.replace("_", " "))
    if not events:
        return StaleEdit(
            "Someone else changed this record while you were editing it. Check the record as it is "
            "now, then save your changes again."
        )
    at = timezone.localtime(events[0].occurred_at)
    changed = ", ".join(label[:1].upper() + label[1:] if i == 0 else label for i, label in enumerate(labels))
    return StaleEdit(
        f"Someone else changed this record at {at:%H:%M}"
        + (f" on {at:%-d %B %Y}" if at.date() != timezone.localdate() else "")
        + (f". They changed: {changed}." if changed else ".")
        + " What you typed is below: check it against the record as it is now, then save again.",
        changed_fields=labels,
        changed_at=at,
    )


@transaction.atomic
def save_changes(
    obj,
    values: Mapping[str, object],
    actor,
    *,
    detail: Mapping[str, object] | None = None,
    expected_version: object = None,
    version_of: Callable[[object], object] | None = None,
    also_changed: Iterable[str] = (),
) -> list[str]:
    """Apply `values` to `obj`; returns the names of the fields that changed (sorted; empty when
    nothing did, and then nothing is saved or audited). `also_changed` names what the caller
    changed beside the row itself (for example its child rows), audited with the rest."""
    if expected_version and version_of is not None and version_of(obj) != expected_version:
        raise StaleEdit(
            "Someone else changed this record while you were editing it. Check their changes, then try again."
        )
    if expected_version and version_of is None and not _same_version(str(expected_version), obj):
        raise stale_edit(obj, str(expected_version))
    before = {name: getattr(obj, name) for name in values}
    own = changed_field_names(before, dict(values))
    changed = sorted({*own, *also_changed})
    if not changed:
        return []
    for name in own:
        setattr(obj, name, values[name])
    fields = list(own)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=obj, changed_fields=changed, detail=dict(detail or {})
    )
    return changed
