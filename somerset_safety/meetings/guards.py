"""Bodies, agenda items and actions point at the owning app's records through generic pointers,
which the database cannot protect. This refuses deleting a record they still point at, as a
PROTECT foreign key would."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import ProtectedError


def refuse_delete_while_referenced(sender, instance, **kwargs) -> None:
    from .models import Action, AgendaItem, Body

    content_type = ContentType.objects.get_for_model(sender)
    for model, type_field, id_field in (
        (Body, "owner_type", "owner_id"),
        (AgendaItem, "subject_type", "subject_id"),
        (Action, "subject_type", "subject_id"),
    ):
        referencing = model.objects.filter(**{type_field: content_type, id_field: instance.pk})
        if referencing.exists():
            raise ProtectedError(
                f"{sender._meta.verbose_name} {instance.pk} is still on a meeting's records "
                f"({model._meta.verbose_name_plural}).",
                set(referencing[:10]),
            )
