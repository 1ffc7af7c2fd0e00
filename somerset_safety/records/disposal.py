"""How one record is destroyed or anonymised, for `services.records_dispose` (the only caller).

Destroying deletes the record and everything that cascades from it, and, so that no copy of
the personal data survives, the history rows of every one of those rows (django-simple-history
writes a last copy when a row is deleted: those go too), the deadlines kept for them and their
stored files. Files are removed from private storage only once the transaction has committed,
so a refused or failed disposal leaves every file in place.

Anonymising overwrites the fields each app names (`registry.Scrub`) with a plain update (which
writes no new history row) and overwrites the same fields in the history rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from simple_history.utils import get_history_model_for_model

from somerset_safety.deadlines.models import Deadline

from . import registry
from .exceptions import RecordsError


@dataclass
class Outcome:
    rows: int = 0
    files: list[tuple[object, str]] = field(default_factory=list)


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    if not hasattr(model._meta, "simple_history_manager_attribute"):
        return None
    return get_history_model_for_model(model)


def _refusal(name: str, exc: Exception) -> RecordsError:
    related = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
    names = sorted({obj._meta.verbose_name_plural for obj in related})
    what = f" ({', '.join(names)})" if names else ""
    return RecordsError(
        f"{name} cannot be destroyed while other records still point at it{what}. "
        "Anonymise it instead, or dispose of those records first. Nothing was disposed of.",
        why=f"Other records still point at it{what}: anonymise it, or dispose of those first",
    )


def _collected_pks(collector: Collector) -> dict[type[models.Model], set]:
    pks: dict[type[models.Model], set] = defaultdict(set)
    for model, instances in collector.data.items():
        pks[model].update(obj.pk for obj in instances)
    for queryset in collector.fast_deletes:
        pks[queryset.model].update(queryset.values_list("pk", flat=True))
    return pks


def _stored_files(collector: Collector) -> list[tuple[object, str]]:
    files = []
    for model, instances in collector.data.items():
        for file_field in (f for f in model._meta.concrete_fields if isinstance(f, models.FileField)):
            names = (getattr(obj, file_field.attname).name for obj in instances)
            files += [(file_field.storage, name) for name in names if name]
    for queryset in collector.fast_deletes:
        for file_field in (
            f for f in queryset.model._meta.concrete_fields if isinstance(f, models.FileField)
        ):
            names = queryset.exclude(**{file_field.attname: ""}).values_list(file_field.attname, flat=True)
            files += [(file_field.storage, name) for name in names if name]
    return files


def destroy(record_type: registry.RecordType, record: models.Model) -> Outcome:
    outcome = Outcome()
    roots = [record, *(record_type.destroy_with(record) if record_type.destroy_with else [])]
    for root in roots:
        collector = Collector(using=router.db_for_write(type(root)), origin=root)
        try:
            collector.collect([root])
            pks = _collected_pks(collector)
            outcome.files += _stored_files(collector)
            for model, ids in pks.items():
                outcome.rows += Deadline.objects.filter(
                    subject_type=model._meta.label_lower, subject_id__in=ids
                ).delete()[0]
            # A sub-transaction, so that a refusal raised while deleting (a meeting still
            # points at the record) leaves the caller's transaction usable.
            with transaction.atomic():
                outcome.rows += collector.delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            raise _refusal(record_type.name_of(record), exc) from None
        for model, ids in pks.items():
            history = _history_model(model)
            if history is not None:
                outcome.rows += history.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()[0]
    return outcome


def anonymise(record_type: registry.RecordType, record: models.Model) -> Outcome:
    outcome = Outcome()
    for scrub in record_type.anonymise(record):
        ids = list(scrub.rows.values_list("pk", flat=True))
        if not ids:
            continue
        model = scrub.rows.model
        outcome.rows += model._default_manager.filter(pk__in=ids).update(**scrub.values)
        history = _history_model(model)
        if history is not None:
            names = {f.name for f in history._meta.fields}
            kept = {name: value for name, value in scrub.values.items() if name in names}
            if kept:
                outcome.rows += history.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).update(
                    **kept
                )
    return outcome


def remove_files(files: list[tuple[object, str]]) -> None:
    """After commit: delete each stored file (one already gone is not an error)."""
    for storage, name in files:
        storage.delete(name)
