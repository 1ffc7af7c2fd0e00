"""Each app registers, in its own deadlines.py, the rules that turn its records into deadlines.

A rule is a function taking one record and returning `DeadlineSpec`s. `visible_to(user)`
returns the app's own scoped queryset of that model, so lists of deadlines obey the same
access policy as the records themselves.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    label: str
    due_date: date
    statutory: bool = False
    key: str = ""
    responsible_user: object | None = None
    responsible_agency: object | None = None
    met_on: date | None = None


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    rule: Callable[[models.Model], Iterable[DeadlineSpec]]
    visible_to: Callable[[object], models.QuerySet]
    kinds: dict[str, str]

    @property
    def subject_type(self) -> str:
        return self.model._meta.label_lower


_registrations: dict[str, Registration] = {}


def register(*, model, rule, visible_to, kinds: dict[str, str]) -> None:
    """`kinds` maps each kind the rule can produce to its plain-English name."""
    _registrations[model._meta.label_lower] = Registration(model, rule, visible_to, kinds)


def registration_for(model_or_label) -> Registration | None:
    label = model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label_lower
    return _registrations.get(label)


def registrations() -> list[Registration]:
    return list(_registrations.values())


def kind_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for reg in _registrations.values():
        names.update(reg.kinds)
    return names
