"""How an app puts its clocks on the platform. Each app registers, in its own `deadlines.py`
(called from its `AppConfig.ready()`), one `register(...)` per model that carries clocks:

    registry.register(
        model=Notification,
        rule=rule,                              # record -> [DeadlineSpec, ...]: what is due now
        visible_to=notifications_visible_to,    # user -> queryset of records they may see
        manageable_by=notifications_managed_by, # user -> queryset of records they may manage
        kinds=[
            DeadlineKind("dhr_decision_due", "DHR decision due", statutory=True,
                         due_soon_days=lambda: settings.DHR_DUE_SOON_DAYS),
            ...
        ],
    )

- The rule is a pure function of the record (no clock reading: "today" never enters it), so the
  stored `Deadline` row is the one truth that every page, count and reminder reads.
- `visible_to` is the app's own scoped queryset: lists of deadlines obey the records' policy.
- `manageable_by` is the app's *manage* permission on the record: only those people may waive
  or un-waive one of its deadlines, and only where the kind is not statutory.
- Each kind says whether it is statutory (never waived) and how many days before its due date
  it counts as "due soon". `DEADLINE_DUE_SOON_DAYS_BY_KIND` (kind=days) overrides any kind.
- A rule that reads who holds a role for its responsible people (every MARAC coordinator of an
  area with none named) says so with `owner_roles`, and `owned_through(user)` gives the records
  a change to that person's roles or access may move (default: every record). When an account
  gains or loses one of those roles, or is deactivated or reactivated, the accounts service
  re-syncs those records' outstanding deadlines in the same transaction
  (`services.deadlines_follow_account`): the new owner has them at once, not at the next save.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

DEFAULT_DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class DeadlineKind:
    """One sort of clock. `name` is plain English ("DHR decision due"); `due_soon_days` is a
    number or a function reading the app's setting (so a changed setting applies at once)."""

    key: str
    name: str
    statutory: bool = False
    due_soon_days: int | Callable[[], int] = DEFAULT_DUE_SOON_DAYS

    def due_soon(self) -> int:
        override = getattr(settings, "DEADLINE_DUE_SOON_DAYS_BY_KIND", {}).get(self.key)
        if override is not None:
            return int(override)
        days = self.due_soon_days
        return int(days() if callable(days) else days)


@dataclass(frozen=True)
class DeadlineSpec:
    """What a rule says about one clock of a record, today.

    - `key` tells apart several clocks of one kind on a record (an agency report per request).
    - `met_on`: the date it was done; met late when after `due_date`.
    - `paused_since`: the clock is stopped (a DHR paused for a trial). No reminders; the due
      date stays as it was until the pause ends and the rule gives the new one.
    - `closed_reason`: no longer needed (a request withdrawn, a meeting cancelled). A short,
      fixed phrase, never free text: labels and reasons reach lists and emails (S14).
    - `responsible_users`: the named people it belongs to (reminders go to them); otherwise
      `responsible_agency`'s representatives; otherwise the community safety team.
    """

    kind: str
    label: str
    due_date: date
    key: str = ""
    responsible_users: Iterable = field(default=())
    responsible_agency: object | None = None
    met_on: date | None = None
    paused_since: date | None = None
    closed_reason: str = ""


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    rule: Callable[[models.Model], Iterable[DeadlineSpec]]
    visible_to: Callable[[object], models.QuerySet]
    manageable_by: Callable[[object], models.QuerySet]
    kinds: dict[str, DeadlineKind]
    owner_roles: frozenset[str] = frozenset()
    owned_through: Callable[[object], models.QuerySet] | None = None

    @property
    def subject_type(self) -> str:
        return self.model._meta.label_lower


_registrations: dict[str, Registration] = {}
_kinds: dict[str, DeadlineKind] = {}


def register(
    *,
    model: type[models.Model],
    rule: Callable[[models.Model], Iterable[DeadlineSpec]],
    visible_to: Callable[[object], models.QuerySet],
    manageable_by: Callable[[object], models.QuerySet],
    kinds: Iterable[DeadlineKind],
    owner_roles: Iterable[str] = (),
    owned_through: Callable[[object], models.QuerySet] | None = None,
) -> None:
    """Register `model`'s clocks. The model needs `get_absolute_url()` (the link in lists and
    emails) and may have a `reference` (shown beside it). A kind key belongs to one model.
    `owner_roles` and `owned_through`: see the module's docstring."""
    label = model._meta.label_lower
    kinds = {kind.key: kind for kind in kinds}
    for key in kinds:
        owner = next((r for r in _registrations.values() if key in r.kinds and r.subject_type != label), None)
        if owner is not None:
            raise ImproperlyConfigured(
                f"Deadline kind {key!r} is already registered for {owner.subject_type}"
            )
    previous = _registrations.get(label)
    if previous is not None:
        for key in previous.kinds:
            _kinds.pop(key, None)
    _registrations[label] = Registration(
        model,
        rule,
        visible_to,
        manageable_by,
        kinds,
        owner_roles=frozenset(str(role) for role in owner_roles),
        owned_through=owned_through,
    )
    _kinds.update(kinds)


def unregister(model: type[models.Model]) -> None:
    registration = _registrations.pop(model._meta.label_lower, None)
    if registration is not None:
        for key in registration.kinds:
            _kinds.pop(key, None)


def registration_for(model_or_label) -> Registration | None:
    label = model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label_lower
    return _registrations.get(label)


def registrations() -> list[Registration]:
    return list(_registrations.values())


def kind(key: str) -> DeadlineKind:
    """The registered kind, or a plain stand-in for a kind no longer registered."""
    return _kinds.get(key) or DeadlineKind(key, key.replace("_", " ").capitalize())


def kinds() -> list[DeadlineKind]:
    return list(_kinds.values())


def kind_names() -> dict[str, str]:
    return {key: k.name for key, k in _kinds.items()}


def statutory_kinds() -> set[str]:
    return {key for key, k in _kinds.items() if k.statutory}
