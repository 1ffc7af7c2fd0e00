"""How an app puts its records on the retention schedule. Each app registers, in its own
`records.py` (called from its `AppConfig.ready()`), one `register(...)` per kind of record:

    registry.register(RecordType(
        key="marac_person",
        label="MARAC referral and person",
        model=Person,
        triggers={RetentionTrigger.LAST_REFERRAL: Max("referrals__referral_date")},
        default=Default(years=6, trigger=RetentionTrigger.LAST_REFERRAL, action=RetentionAction.REVIEW),
    ))

- `triggers` maps each trigger the record supports to the expression giving its date (a field
  name or an expression giving a date: wrap a datetime in `TruncDate`). A record whose trigger date is empty
  (a review not yet closed) is never due.
- `queryset` narrows the model's rows to those of this type (notifications closed without a
  review), so one model can carry two record types.
- `default` is the council's starting rule, loaded once; the records manager changes it on the
  retention schedule page and the change is kept (periods are data, not code: S15).
- Disposal (`disposal.py`): a record is **destroyed** by deleting it with everything that
  cascades from it, its history rows, its deadlines and its stored files. `destroy_with` names
  other rows that go with it, deleted after it in that order (a DHR review takes its
  notification). A type that must keep its figures gives `anonymise`: a function of the record
  returning the `Scrub`s that drop the identity (the same fields are overwritten in the history
  tables). `destroy=False` for a type that may only be anonymised.

The platform imports no domain app: each app brings its own types.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models

from .models import RetentionAction, RetentionTrigger


@dataclass(frozen=True)
class Default:
    years: int = 0
    months: int = 0
    trigger: str = RetentionTrigger.CREATED
    action: str = RetentionAction.REVIEW

    @property
    def period_months(self) -> int:
        return self.years * 12 + self.months


@dataclass(frozen=True)
class Scrub:
    """Overwrite `values` on `rows` (a queryset), and the same fields in their history rows."""

    rows: models.QuerySet
    values: Mapping[str, object]


@dataclass(frozen=True)
class RecordType:
    key: str
    label: str
    model: type[models.Model]
    triggers: Mapping[str, object]
    default: Default
    queryset: Callable[[], models.QuerySet] | None = None
    reference: str = "reference"
    description: str = ""
    order: int = 100
    destroy: bool = True
    destroy_with: Callable[[models.Model], list[models.Model]] | None = None
    anonymise: Callable[[models.Model], list[Scrub]] | None = None

    def __post_init__(self):
        unknown = set(self.triggers) - set(RetentionTrigger.values)
        if unknown:
            raise ValueError(f"Record type {self.key!r} names unknown triggers: {sorted(unknown)}")
        if self.default.trigger not in self.triggers:
            raise ValueError(f"Record type {self.key!r}: its default trigger is not one of its triggers.")

    def name_of(self, record) -> str:
        """How the record is named on records pages, holds, messages and the erasure log: its
        reference field (a system reference such as IMPORT-000012, never a person's or a
        file's name), else its str()."""
        return str(getattr(record, self.reference, "") or record)[:60]

    def disposal_actions(self, rule_action: str) -> list[str]:
        """What the records manager may do with a record due under a rule with this action: the
        rule's own action, or either that this type supports when the rule asks for a review."""
        supported = [
            a
            for a, ok in (
                (RetentionAction.DESTROY, self.destroy),
                (RetentionAction.ANONYMISE, self.anonymise),
            )
            if ok
        ]
        if rule_action == RetentionAction.REVIEW:
            return supported
        return [rule_action] if rule_action in supported else []

    def rows(self) -> models.QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()

    def trigger_choices(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in RetentionTrigger.choices if value in self.triggers]

    def with_trigger_date(self, trigger: str) -> models.QuerySet:
        """This type's rows annotated with `trigger_date`, the date the trigger happened."""
        expression = self.triggers[trigger]
        if isinstance(expression, str):
            expression = models.F(expression)
        return self.rows().annotate(trigger_date=expression)


_types: dict[str, RecordType] = {}


def register(record_type: RecordType) -> None:
    _types[record_type.key] = record_type


def unregister(key: str) -> None:
    _types.pop(key, None)


def record_type(key: str) -> RecordType | None:
    return _types.get(key)


def record_types() -> list[RecordType]:
    return sorted(_types.values(), key=lambda t: (t.order, t.label))
