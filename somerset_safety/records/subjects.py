"""What each app holds about a person, for subject access requests. The platform imports no
domain app: each app registers, in its own `subject_access.py` (called from its
`AppConfig.ready()`), one source per kind of record that holds people's personal data:

    subjects.register(SubjectSource(
        key="slavery_record",
        label="Modern slavery duty-to-notify records",
        model=SlaveryNotification,
        can_search=can_use_slavery_records,        # user -> bool: may this person search it at all
        find=find_people,                          # (user, Wanted) -> [HeldItem, …]
        fetch=items_by_id,                         # (user, [object id, …]) -> [HeldItem, …]
    ))

- `find` and `fetch` start from the app's own scoped queryset for the user (`…_visible_to`)
  and only give a record whose personal data that user may see: a search never finds what the
  person searching could not open.
- Matching is the service's one rule (`Wanted.match`): the name as `core.names.normalise_name`
  writes it, or the same date of birth and the surname among the record's names, or one of the
  references the person gave. MARAC adds its near matches (pg_trgm) as it does for referrals.
- A `HeldItem` carries the record's system reference and a fixed description (no personal data:
  both are kept on the request) and, for the officer reviewing it and the bundle, the personal
  data held (`fields`), read afresh each time and never stored by the request.
- A kind of record that can be restricted (UK GDPR Article 18: kept but not processed) is
  declared to `records.restriction` under the same key as its source, so a record found for a
  request links to the page restricting it. A source still finds a restricted record: it is data
  held about the person.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import models

from somerset_safety.core.names import normalise_name

MATCHED_ON_REFERENCE = "a reference given"
MATCHED_ON_NAME = "name"
MATCHED_ON_NAME_AND_BIRTH = "name and date of birth"
MATCHED_ON_BIRTH_AND_SURNAME = "date of birth and surname"
MATCHED_ON_SIMILAR_NAME = "a similar name"


@dataclass(frozen=True)
class Wanted:
    """Who a request is about: every name given, the date of birth and the references."""

    names: tuple[str, ...]
    date_of_birth: date | None = None
    references: tuple[str, ...] = ()

    @cached_property
    def normalised_names(self) -> list[str]:
        return [n for n in (normalise_name(name) for name in self.names) if n]

    @cached_property
    def normalised_references(self) -> set[str]:
        return {ref.strip().upper() for ref in self.references if ref.strip()}

    def match(
        self, *, name: str = "", date_of_birth: date | None = None, references: Iterable[str] = ()
    ) -> str:
        """What a record matched on (one of the MATCHED_ON words), or "" when it is not a match."""
        if self.normalised_references & {str(ref).strip().upper() for ref in references if ref}:
            return MATCHED_ON_REFERENCE
        candidate = normalise_name(name)
        if not candidate:
            return ""
        same_birth = self.date_of_birth is not None and date_of_birth == self.date_of_birth
        if candidate in self.normalised_names:
            return MATCHED_ON_NAME_AND_BIRTH if same_birth else MATCHED_ON_NAME
        words = set(candidate.split())
        if same_birth and any(wanted.split()[-1] in words for wanted in self.normalised_names):
            return MATCHED_ON_BIRTH_AND_SURNAME
        return ""


@dataclass(frozen=True)
class HeldItem:
    """One record that holds the person's data. `reference` and `description` are kept on the
    request (no personal data); `fields` (label, value) are the personal data held, shown to the
    officer reviewing it and put in the bundle."""

    object_id: str
    reference: str
    description: str
    matched_on: str = ""
    fields: tuple[tuple[str, str], ...] = field(default=())
    url: str = ""


@dataclass(frozen=True)
class SubjectSource:
    key: str
    label: str
    model: type[models.Model]
    can_search: Callable[[object], bool]
    find: Callable[[object, Wanted], Iterable[HeldItem]]
    fetch: Callable[[object, list[str]], Iterable[HeldItem]]
    order: int = 100

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower


_sources: dict[str, SubjectSource] = {}


def register(source: SubjectSource) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def source(key: str) -> SubjectSource | None:
    return _sources.get(key)


def sources() -> list[SubjectSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.label))


def shown(value) -> str:
    """A value as the bundle prints it: dates in words, nothing as an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)


def matching_rows(rows, wanted: Wanted, *, name: str, date_of_birth: str | None = None, references=()):
    """The rows of `rows` (an app's scoped queryset) that match, with what they matched on, read
    as plain values a batch at a time: `[(pk, matched_on), …]`. For records without a stored
    normalised name (every app but MARAC), so the one rule compares them."""
    columns = ["pk", name, *([date_of_birth] if date_of_birth else []), *references]
    found = []
    for values in rows.values_list(*columns).iterator(chunk_size=2000):
        pk, value, rest = values[0], values[1], values[2:]
        birth = rest[0] if date_of_birth else None
        refs = rest[1:] if date_of_birth else rest
        matched = wanted.match(name=value, date_of_birth=birth, references=refs)
        if matched:
            found.append((pk, matched))
    return found
