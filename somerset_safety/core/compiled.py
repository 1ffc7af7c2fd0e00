"""Statements compiled once and run with each call's own dates and ids (issues 12 and 13).

Some figures are counted by one statement whose SQL Django takes longer to compile (the clock
states' expression, the data return's eleven filtered counts) than PostgreSQL takes to run. Such
a statement is compiled here once, from the queryset built for stand-in values, and each call
runs the same SQL with its own values in the parameters' places:

    statement = compile_once(lambda s: counts(s["start"], s["end"]), days=("start", "end"))
    names, rows = statement.run(days={"start": ..., "end": ...})

A parameter is read as a date so many days from one of the stand-in days (or the local midnight
that starts such a date: a datetime parameter), as one of the stand-in ids, or as a value of the
statement's own. Each reading is proved when the statement is compiled: the queryset is built
again for stand-ins on a leap day and on a summer-time day, and the parameters worked out for
those must be exactly the ones Django compiles, or ImproperlyConfigured says which parameter
could not be read (a date of the statement's own that fell near a stand-in, months added to a
day, which are not so many days, or a midnight in UTC rather than local time). Keep the result per database
and per anything else the queryset reads (settings), e.g. with functools.lru_cache.

Results are the database's own values (no field converters): counts, text and ids.
"""

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

# The stand-in days: 1 January of leap years with summer time, far enough apart that no date is
# near two of them; the proofs move them to 29 February and to 1 July of the same years.
_YEARS = (1920, 1948, 1976, 2004, 1892, 1864)
_PROOFS = ((2, 29), (7, 1))
_FURTHEST = 3660  # days: a date at most this far from a stand-in day is read from it
_FIRST_ID = -1_000_000_000  # ids no row has


def _stand_ins(days: Iterable[str], ids: Iterable[str], proof: int) -> tuple[dict, dict]:
    """The stand-in days and ids: the first set (proof 0) and each proof's."""
    days, ids = list(days), list(ids)
    if len(days) > len(_YEARS):
        raise ImproperlyConfigured(f"At most {len(_YEARS)} stand-in days")
    month, day = ((1, 1), *_PROOFS)[proof]
    day_values = {name: date(year, month, day) for name, year in zip(days, _YEARS, strict=False)}
    id_values = {name: _FIRST_ID - n - 10_000 * proof for n, name in enumerate(ids)}
    return day_values, id_values


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _made(recipe: tuple, days: Mapping[str, date], ids: Mapping[str, int]):
    """The parameter a recipe gives for these days and ids, as Django passes it."""
    kind = recipe[0]
    if kind == "day":
        return connection.ops.adapt_datefield_value(days[recipe[1]] + timedelta(days=recipe[2]))
    if kind == "midnight":
        return connection.ops.adapt_datetimefield_value(
            _midnight(days[recipe[1]] + timedelta(days=recipe[2]))
        )
    if kind == "id":
        return ids[recipe[1]]
    return recipe[1]


def _dates_in(param) -> list[tuple[str, date]]:
    """The dates a parameter could stand for: itself (a date, or its text on SQLite) or the
    local date of a midnight (a datetime, or its text in UTC on SQLite)."""
    found = []
    if isinstance(param, datetime):
        found.append(("midnight", timezone.localtime(param).date()))
    elif isinstance(param, date):
        found.append(("day", param))
    elif isinstance(param, str):
        with contextlib.suppress(ValueError):
            found.append(("day", date.fromisoformat(param)))
        with contextlib.suppress(ValueError):
            stamp = datetime.fromisoformat(param)
            if timezone.is_naive(stamp):
                stamp = timezone.make_aware(stamp, UTC)
            found.append(("midnight", timezone.localtime(stamp).date()))
    return found


def _recipe(param, days: Mapping[str, date], ids: Mapping[str, int]) -> tuple:
    if isinstance(param, int) and not isinstance(param, bool):
        for name, value in ids.items():
            if param == value:
                return ("id", name)
    for kind, day in _dates_in(param):
        for name, stand_in in days.items():
            recipe = (kind, name, (day - stand_in).days)
            if abs(recipe[2]) <= _FURTHEST and _made(recipe, days, ids) == param:
                return recipe
    return ("value", param)


@dataclass(frozen=True)
class Statement:
    sql: str
    recipes: tuple[tuple, ...]

    def params(self, *, days: Mapping[str, date] | None = None, ids: Mapping[str, int] | None = None) -> list:
        return [_made(recipe, days or {}, ids or {}) for recipe in self.recipes]

    def run(
        self, *, days: Mapping[str, date] | None = None, ids: Mapping[str, int] | None = None
    ) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of the statement for these days and ids."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(days=days, ids=ids))
            return [column[0] for column in cursor.description], cursor.fetchall()


def compile_once(
    make: Callable[[dict], QuerySet], *, days: Iterable[str] = (), ids: Iterable[str] = ()
) -> Statement:
    """The statement of `make(stand_ins)` (stand_ins: each named day and id) with the recipe of
    each of its parameters, proved on a second set of stand-ins."""
    days, ids = tuple(days), tuple(ids)
    first_days, first_ids = _stand_ins(days, ids, 0)
    sql, params = make({**first_days, **first_ids}).query.sql_with_params()
    statement = Statement(sql, tuple(_recipe(param, first_days, first_ids) for param in params))
    for proof in range(1, len(_PROOFS) + 1):
        proof_days, proof_ids = _stand_ins(days, ids, proof)
        proof_sql, proof_params = make({**proof_days, **proof_ids}).query.sql_with_params()
        worked_out = statement.params(days=proof_days, ids=proof_ids)
        if proof_sql != sql or len(proof_params) != len(worked_out):
            raise ImproperlyConfigured(
                "The statement's SQL changes with its values: it cannot be compiled once."
            )
        for n, (expected, made) in enumerate(zip(proof_params, worked_out, strict=True)):
            if expected != made:
                raise ImproperlyConfigured(
                    f"Parameter {n + 1} of the statement ({expected!r}) is not read from the stand-ins: "
                    f"{statement.recipes[n]!r} gave {made!r}."
                )
    return statement
