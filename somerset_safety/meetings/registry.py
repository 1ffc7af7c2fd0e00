"""How an app that holds meetings plugs into the mechanism.

Each app declares proxies of the platform models (so its records keep its own labels, URLs,
audit object types and deadline rules) and registers them once, in `AppConfig.ready()`, with the
sections its agendas are built from. The app builds its agenda itself and hands the platform the
items (services.agenda_add); the platform keeps the order, the numbers, the one-item-per-subject
rule, the minutes, the actions and their carry-forward the same for every body.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class MeetingKind:
    """`owner_model` is the app's record that meets (a MARAC area). The four proxies are the
    app's own classes of Meeting, Attendance, AgendaItem and Action. `sections` are the parts of
    an agenda in the order they are taken; `other_business` is the section that holds any other
    business. `noun` names a meeting in messages ("MARAC"). `paper_recipients(meeting)` are the people told
    that its papers are ready. `subject_models` are the models its items and actions point at.
    `date_changed(actor=, meeting=)` is called, in the same transaction, after a meeting's date
    has changed (before its papers went out), for the app to redo what it chose by the old date."""

    owner_model: type[models.Model]
    meeting_model: type[models.Model]
    attendance_model: type[models.Model]
    item_model: type[models.Model]
    action_model: type[models.Model]
    sections: type[models.IntegerChoices]
    other_business: int
    noun: str
    paper_recipients: Callable[[models.Model], models.QuerySet] | None = None
    subject_models: tuple[type[models.Model], ...] = ()
    date_changed: Callable[..., None] | None = None


_kinds: dict[str, MeetingKind] = {}


def register(kind: MeetingKind) -> None:
    """Register an app's kind of meeting. Its owner and subject models can no longer be deleted
    while a body, agenda item or action points at them (a generic pointer has no database
    constraint to refuse it)."""
    from django.db.models.signals import pre_delete

    from .guards import refuse_delete_while_referenced

    _kinds[kind.owner_model._meta.label_lower] = kind
    for model in (kind.owner_model, *kind.subject_models):
        pre_delete.connect(
            refuse_delete_while_referenced,
            sender=model,
            dispatch_uid=f"meetings-guard-{model._meta.label_lower}",
        )


def kind_for_owner_type(content_type) -> MeetingKind:
    return _kinds[f"{content_type.app_label}.{content_type.model}"]


def kind_of(obj) -> MeetingKind:
    """The kind of a body, meeting, item, attendance or action (any class, proxy or not)."""
    from .models import Action, AgendaItem, Attendance, Body, Meeting

    if isinstance(obj, Body):
        body = obj
    elif isinstance(obj, Meeting):
        body = obj.body
    elif isinstance(obj, AgendaItem | Attendance | Action):
        body = obj.meeting.body
    else:
        raise TypeError(f"{type(obj).__name__} does not belong to a meeting")
    from django.contrib.contenttypes.models import ContentType

    return kind_for_owner_type(ContentType.objects.get_for_id(body.owner_type_id))


def kinds() -> list[MeetingKind]:
    return list(_kinds.values())
