"""The one disclosure-control rule: which figures a viewer without detail access, and the public
paper, may see.

Each generated section (and dashboard panel, and page of figures) declares its figures: what
each one is called, where it is in the section's data, and what **kind** it is:

- PEOPLE: a count of people — victims, perpetrators, children, exploited people, cases about
  them — or of people with a characteristic. These are protected.
- RECORDS: a count of records the viewer may list anyway (reviews by stage, deadlines,
  contracts, duties) or an amount of money. Shown as they are, to everyone.
- DERIVED: a rate or percentage worked out from other figures (`of`). Hidden whenever any of
  the figures it is worked from is hidden, since with its denominator beside it the one gives
  the other away.

It also declares the sums between them (`Sum(total, parts)`: a total, a row or column sum). Then
`protect()` applies the rule, the same everywhere:

1. **Primary suppression**: a count of people above 0 and below the threshold (5) reads
   "fewer than 5".
2. **Secondary suppression**: no sum may reveal a hidden count. A sum is checked exactly as a
   reader would attack it: knowing every figure shown, that a "fewer than 5" count is 1 to 4 and
   that a "not shown" count is 0 or at least 5, every hidden count must still have more than
   one possible value (a count hidden to protect another is protected too, or it would give
   the other away through a second sum). Where it has not, the smallest other count in the sum is hidden as well
   ("not shown"), and the check runs again until every sum holds.
3. Every DERIVED figure worked from a hidden one is hidden ("not shown").

Comparing two versions, `protect_together()` hides in both versions any figure hidden in
either, so that a difference between versions gives nothing away either.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from math import inf
from typing import NamedTuple

from django.conf import settings

PEOPLE = "people"
RECORDS = "records"
DERIVED = "derived"
KINDS = (PEOPLE, RECORDS, DERIVED)

Path = tuple


def threshold() -> int:
    return getattr(settings, "SMALL_COUNT_THRESHOLD", 5)


class Figure(NamedTuple):
    """One figure of a section: `key` names it across versions, `paths` are the places in the
    data that hold it (one figure may be printed in more than one place), `label` is what the
    reader calls it ("North Somerset: repeat cases"). Made by Declaration.add, which checks it
    (a tuple: a national-scale section declares thousands)."""

    key: str
    label: str
    paths: tuple[Path, ...]
    kind: str = PEOPLE
    of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sum:
    """`total` = the sum of `parts` (figure keys)."""

    total: str
    parts: tuple[str, ...]


@dataclass
class Declaration:
    figures: list[Figure] = field(default_factory=list)
    sums: list[Sum] = field(default_factory=list)

    def add(self, key: str, label: str, *paths: Path, kind: str = PEOPLE, of: Sequence[str] = ()) -> str:
        if kind not in KINDS:
            raise ValueError(f"Unknown kind of figure {kind!r}")
        if (kind == DERIVED) != bool(of):
            raise ValueError(f"{key}: a derived figure, and only one, says what it is worked from")
        self.figures.append(Figure(key, label, paths, kind, tuple(of)))
        return key

    def add_sum(self, total: str, parts: Iterable[str]) -> None:
        parts = tuple(parts)
        if parts:
            self.sums.append(Sum(total=total, parts=parts))


Declare = Callable[[dict], Declaration]


class Withheld:
    """A figure not shown. `small`: a count below the threshold ("fewer than 5"); otherwise
    hidden because it would reveal one, or worked out from one ("not shown")."""

    def __init__(self, small: bool):
        self.small = small

    def __str__(self) -> str:
        return f"fewer than {threshold()}" if self.small else "not shown"

    def counted(self, plural: str) -> str:
        """'fewer than 5 cases', or 'not shown'."""
        return f"{self} {plural}" if self.small else str(self)

    def __len__(self) -> int:
        # Django's pluralize falls back to len(): "fewer than 5 cases were".
        return 2

    def __eq__(self, other) -> bool:
        return isinstance(other, Withheld) and other.small == self.small

    def __hash__(self) -> int:
        return hash(("withheld", self.small))

    def __repr__(self) -> str:
        return f"Withheld({str(self)!r})"


def is_small(value) -> bool:
    """A count the rule hides on its own (primary suppression): above 0, below the threshold."""
    return value is not None and not isinstance(value, bool) and 0 < value < threshold()


def is_withheld(value) -> bool:
    return isinstance(value, Withheld)


@dataclass
class Protected:
    data: dict
    hidden: dict[str, Withheld]  # figure key → how it reads
    values: dict[str, object]  # figure key → its value as shown (a number or a Withheld)
    declaration: Declaration


def _get(data, path: Path):
    for step in path:
        data = data[step]
    return data


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- The attack a sum is checked against ------------------------------------------------------

Intervals = list[tuple[float, float]]


def _merge(intervals: Intervals) -> Intervals:
    merged: Intervals = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _add(a: Intervals, b: Intervals) -> Intervals:
    return _merge([(al + bl, ah + bh) for al, ah in a for bl, bh in b])


def _domain(small: bool, limit: int) -> Intervals:
    """What a reader knows of a hidden count: 1 to 4 when it reads "fewer than 5", otherwise 0
    or at least 5."""
    return [(1, limit - 1)] if small else [(0, 0), (limit, inf)]


def _negate(intervals: Intervals) -> Intervals:
    return _merge([(-high, -low) for low, high in intervals])


def _intersect(a: Intervals, b: Intervals) -> Intervals:
    return [(max(al, bl), min(ah, bh)) for al, ah in a for bl, bh in b if max(al, bl) <= min(ah, bh)]


def _how_many(intervals: Intervals, enough: int = 2) -> float:
    total = 0
    for low, high in intervals:
        total += high - low + 1
        if total >= enough:
            return enough
    return total


def _possible_values(relation: Sum, values: dict, hidden: dict[str, bool], cell: str, limit: int) -> float:
    """How many values (up to 2: enough) hidden `cell` could have, given everything else shown
    in the sum `relation` and what the reader knows of the other hidden counts."""
    signed = [(relation.total, 1)] + [(part, -1) for part in relation.parts]
    known = sum(sign * values[key] for key, sign in signed if key not in hidden)
    others: Intervals = [(0, 0)]
    cell_sign = 0
    for key, sign in signed:
        if key not in hidden:
            continue
        if key == cell and not cell_sign:
            cell_sign = sign
            continue
        domain = _domain(hidden[key], limit)
        others = _add(others, domain if sign > 0 else _negate(domain))
    # known + cell_sign × cell + others = 0, so cell_sign × cell = −known − others
    rest = _merge([(-known - high, -known - low) for low, high in others])
    candidates = rest if cell_sign > 0 else _negate(rest)
    return _how_many(_intersect(candidates, _domain(hidden[cell], limit)))


def _unsafe(relation: Sum, values: dict, hidden: dict[str, bool], limit: int) -> bool:
    """Whether the sum pins down any hidden count in it (small or hidden to protect one)."""
    return any(
        cell in hidden and _possible_values(relation, values, hidden, cell, limit) < 2
        for cell in (relation.total, *relation.parts)
    )


def _suppress(declaration: Declaration, values: dict, forced: Iterable[str] = ()) -> dict[str, bool]:
    """Figure key → small?, for every count of people to hide."""
    limit = threshold()
    people = {
        f.key for f in declaration.figures if f.kind == PEOPLE and _count(values.get(f.key)) is not None
    }
    order = {f.key: n for n, f in enumerate(declaration.figures)}
    hidden = {key: True for key in people if is_small(values[key])}
    for key in forced:
        if key in people:
            hidden.setdefault(key, False)
    # Only sums wholly of counts (people or records) can be attacked; a sum with a figure that
    # is not a count (or not in this data) is not printed as a sum.
    relations = [
        r for r in declaration.sums if all(_count(values.get(k)) is not None for k in (r.total, *r.parts))
    ]
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if not any(k in hidden for k in (relation.total, *relation.parts)):
                continue
            if not _unsafe(relation, values, hidden, limit):
                continue
            candidates = [k for k in (*relation.parts, relation.total) if k in people and k not in hidden]
            if not candidates:
                continue
            # The smallest count other than zero, parts before the total, then in declared order.
            best = min(
                candidates,
                key=lambda k: (k == relation.total, values[k] == 0, values[k], order[k]),
            )
            hidden[best] = False
            changed = True
    return hidden


def _values(data: dict, declaration: Declaration) -> dict[str, object]:
    values = {}
    for figure in declaration.figures:
        try:
            values[figure.key] = _get(data, figure.paths[0]) if figure.paths else None
        except (KeyError, IndexError, TypeError):
            values[figure.key] = None
    return values


def _replaced(data: dict, changes: Iterable[tuple[Path, object]]) -> dict:
    """`data` with the value at each path replaced. Only the dicts and lists on those paths are
    copied; every other part is shared with `data` (what shows the figures reads them and never
    changes them), so a national-scale section is not copied whole to hide a few figures. A path
    that is not in the data is passed over."""
    root = dict(data)
    copies: dict[Path, dict | list] = {(): root}
    for path, value in changes:
        container: dict | list = root
        try:
            for depth in range(1, len(path)):
                copied = copies.get(path[:depth])
                if copied is None:
                    child = container[path[depth - 1]]
                    if not isinstance(child, dict | list):
                        raise TypeError(path)
                    copied = copies[path[:depth]] = type(child)(child)
                    container[path[depth - 1]] = copied
                container = copied
            container[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return root


def _apply(data: dict, declaration: Declaration, values: dict, small: dict[str, bool]) -> Protected:
    hidden = {key: Withheld(is_small) for key, is_small in small.items()}
    for figure in declaration.figures:
        if figure.kind == DERIVED and any(source in hidden for source in figure.of):
            if values.get(figure.key) is not None:
                hidden[figure.key] = Withheld(False)
    shown = _replaced(
        data,
        (
            (path, hidden[figure.key])
            for figure in declaration.figures
            if figure.key in hidden
            for path in figure.paths
        ),
    )
    shown_values = {key: hidden.get(key, value) for key, value in values.items()}
    return Protected(data=shown, hidden=hidden, values=shown_values, declaration=declaration)


def protect(data: dict, declaration: Declaration, forced: Iterable[str] = ()) -> Protected:
    """`data` as a viewer without detail access (or the public paper) may see it: a copy with
    every hidden figure replaced by a Withheld. `forced`: figure keys to hide as well."""
    values = _values(data, declaration)
    return _apply(data, declaration, values, _suppress(declaration, values, forced))


def exact(data: dict, declaration: Declaration) -> Protected:
    """`data` as it is, for viewers with detail access: nothing hidden."""
    return Protected(data=data, hidden={}, values=_values(data, declaration), declaration=declaration)


def protect_together(
    first: tuple[dict, Declaration], second: tuple[dict, Declaration]
) -> tuple[Protected, Protected]:
    """Both versions of a section protected, a figure hidden in one hidden in the other too
    (and whatever that hides in turn), so that no difference between them reveals a count."""
    forced: set[str] = set()
    while True:
        one = protect(*first, forced=forced)
        two = protect(*second, forced=forced)
        hidden = set(one.hidden) | set(two.hidden)
        if hidden <= forced:
            return one, two
        forced |= hidden


def shown(data: dict, declare: Declare | None, *, suppress: bool) -> dict:
    """The section's data for the template: protected unless the viewer has detail access.
    A section without a declaration has no counts of people."""
    if not suppress or declare is None:
        return data
    return protect(data, declare(data)).data
