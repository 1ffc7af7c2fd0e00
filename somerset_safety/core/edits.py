"""The one way to save an edit: `save_changes(obj, values, actor)` sets the values that differ,
saves only those fields, and audits their names (never their values, S14), in one transaction.

    changed = save_changes(referral, {"restricted": True, "idva_allocated": False}, actor=user)

Pass the row locked (select_for_update) when the caller checks rules on it first. The caller
keeps its own rules (dates in order and so on) and its after-effects (deadlines_sync, the
timeline), which it runs when `changed` is not empty.

`expected_version` is the hook for optimistic concurrency: when given, the object's
`version_of(obj)` (a callable the caller passes, for example its `updated_at`) must still equal
it, or StaleEdit is raised and nothing is saved.
"""

from collections.abc import Callable, Iterable, Mapping

from django.db import transaction

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record, changed_field_names

from .exceptions import DomainError


class StaleEdit(DomainError):
    """Someone else saved the record after this form was opened."""


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
    if expected_version is not None and version_of is not None and version_of(obj) != expected_version:
        raise StaleEdit(
            "Someone else changed this record while you were editing it. Check their changes, then try again."
        )
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
