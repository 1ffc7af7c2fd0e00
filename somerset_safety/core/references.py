"""The one reference generator: every record with a reference takes it from here.

An app registers each kind once (in its AppConfig.ready or next to the model)::

    references.register("slavery", "MS-{year}-{number:04d}", yearly=True)

and a service asks, inside its transaction, for the next one::

    ref = references.next_reference("slavery", year=local_today().year)
    SlaveryNotification(reference=ref.text, ...)

The counter row (core.ReferenceSequence) is locked until the transaction ends, so two saves at
once get consecutive numbers. The counter moves in the caller's transaction: a number is either
on a saved record or, if that save rolled back, not taken at all, so there are no duplicates and
no gaps from failed saves. Numbers are integers, so the 10,000th reference of a year follows the
9,999th.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction

from .models import ReferenceSequence


@dataclass(frozen=True)
class ReferenceKind:
    name: str
    pattern: str | Callable[[int, int], str]  # "{year}" and "{number}" fields, or a function
    yearly: bool
    # The highest number already used before this counter existed (records made by an earlier
    # generator, or imported): the counter starts after it. Called once, when the row is made.
    seed: Callable[[int], int] | None = None


class Reference(NamedTuple):
    text: str
    number: int
    year: int | None


_KINDS: dict[str, ReferenceKind] = {}


def register(
    kind: str,
    pattern: str | Callable[[int, int], str],
    *,
    yearly: bool,
    seed: Callable[[int], int] | None = None,
) -> None:
    """Declare a kind of reference. A pattern is a format string with {number} (and {year} for
    yearly kinds), or a function (number, year) -> text for one read from settings at run time.
    `seed(year)` gives the highest number existing records already use (see ReferenceKind)."""
    _KINDS[kind] = ReferenceKind(kind, pattern, yearly, seed)


def highest_number(queryset, field: str, prefix: str) -> int:
    """The highest integer after `prefix` among the values of `field` (for a seed): compared as
    numbers, never as text, so 10000 is above 9999. Values whose rest is not a number are skipped."""
    best = 0
    for value in queryset.filter(**{f"{field}__startswith": prefix}).values_list(field, flat=True).iterator():
        rest = value[len(prefix) :]
        if rest.isdigit():
            best = max(best, int(rest))
    return best


def kinds() -> dict[str, ReferenceKind]:
    return dict(_KINDS)


def format_reference(kind: str, number: int, year: int | None = None) -> str:
    spec = _KINDS[kind]
    if callable(spec.pattern):
        return spec.pattern(number, year or 0)
    return spec.pattern.format(number=number, year=year)


@transaction.atomic
def next_reference(kind: str, *, year: int | None = None) -> Reference:
    """Take the next number of this kind (and year, for a yearly kind) and its reference text."""
    spec = _KINDS[kind]
    if spec.yearly and year is None:
        raise ValueError(f"References of kind {kind!r} are numbered per year: give the year.")
    if not spec.yearly and year is not None:
        raise ValueError(f"References of kind {kind!r} are not numbered per year.")
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(
        kind=kind,
        year=year or 0,
        defaults={"last_number": spec.seed(year or 0) if spec.seed else 0},
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return Reference(format_reference(kind, sequence.last_number, year), sequence.last_number, year)
