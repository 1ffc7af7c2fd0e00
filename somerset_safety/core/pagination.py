"""The one paginated-list helper every list page uses.

`paginate(request, queryset)` returns a `ListPage`: the rows of the page the request asks for,
a count capped at `LIST_COUNT_CAP` ("more than 10,000"), and links to the previous and next
pages that keep every filter and sort of the request. Page size is `LIST_PAGE_SIZE`.

Two ways of reaching a page, the same rows in the same order:
- offset (`?page=3`), for short lists;
- keyset (`keyset=True`): the link to the next page carries the sort values of the last row
  shown (`?after=…`), so the database seeks straight to it through the list's index instead of
  counting past every earlier row: page 1,000 of 1.2 million costs what page 1 costs.

The ordering is the queryset's own (or the model's default), with the primary key added when it
is missing so that the order, and so every page, is fully determined. Keyset pages accept
orderings on fields, related fields and non-aggregate annotations, ascending or descending,
nullable or not (nulls sort last ascending and first descending, as PostgreSQL does).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from math import ceil
from uuid import UUID

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.formats import number_format

PAGE_PARAMS = ("page", "after", "before")


def page_size() -> int:
    return getattr(settings, "LIST_PAGE_SIZE", 25)


def count_cap() -> int:
    return getattr(settings, "LIST_COUNT_CAP", 10_000)


def query_without_page(request) -> str:
    """The request's query string without its page position: filters and sort kept."""
    query = request.GET.copy()
    for name in PAGE_PARAMS:
        query.pop(name, None)
    return query.urlencode()


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """The number of rows, but stop counting after cap + 1: at national scale an exact count is
    the slowest part of a list page, and "more than 10,000" is what anyone needs to know."""
    cap = count_cap() if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


@dataclass
class ListPage:
    rows: list
    number: int
    size: int
    count: int
    capped: bool
    has_previous: bool
    has_next: bool
    query: str = ""
    previous_params: str = ""
    next_params: str = ""
    cap: int = field(default_factory=count_cap)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    # The names of Django's Page, so code written for it reads a ListPage too.
    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def paginator(self) -> ListPage:
        return self

    @property
    def count_display(self) -> str:
        """'1,234', or 'More than 10,000' once the count reached its cap."""
        if self.capped:
            return f"More than {number_format(self.cap, force_grouping=True)}"
        return number_format(self.count, force_grouping=True)

    @property
    def num_pages(self) -> int:
        return max(1, ceil(min(self.count, self.cap) / self.size))

    @property
    def pages_display(self) -> str:
        pages = number_format(self.num_pages, force_grouping=True)
        return f"more than {pages}" if self.capped else pages

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def _url(self, params: str) -> str:
        return "?" + "&".join(part for part in (self.query, params) if part)

    @property
    def previous_url(self) -> str:
        return self._url(self.previous_params)

    @property
    def next_url(self) -> str:
        return self._url(self.next_params)


def paginate(
    request,
    queryset: QuerySet,
    *,
    keyset: bool = False,
    size: int | None = None,
    count=None,
) -> ListPage:
    """The page of `queryset` that `request` asks for. See the module docstring.

    `count(cap)`, if given, counts the rows instead of capped_count(queryset, cap), for a list
    that can be counted faster another way; it must give the same number."""
    size = size or page_size()
    cap = count_cap()
    count = capped_count(queryset, cap) if count is None else count(cap)
    common = {
        "size": size,
        "count": count,
        "capped": count > cap,
        "query": query_without_page(request),
        "cap": cap,
    }
    if keyset:
        return _keyset_page(request, queryset, common)
    return _offset_page(request, queryset, common)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _offset_page(request, queryset: QuerySet, common: dict) -> ListPage:
    size = common["size"]
    last = max(1, ceil(min(common["count"], common["cap"] + 1) / size))
    number = min(_page_number(request), last)
    rows = list(_with_tiebreak(queryset)[(number - 1) * size : number * size + 1])
    has_next = len(rows) > size
    return ListPage(
        rows=rows[:size],
        number=number,
        has_previous=number > 1,
        has_next=has_next,
        previous_params=f"page={number - 1}",
        next_params=f"page={number + 1}",
        **common,
    )


def _with_tiebreak(queryset: QuerySet) -> QuerySet:
    """The queryset in its own order, with the primary key last if the order does not end in it."""
    query = queryset.query
    order = list(query.order_by or (query.get_meta().ordering if query.default_ordering else []))
    pk_names = {"pk", queryset.model._meta.pk.name}
    if any(isinstance(item, str) and item.lstrip("-") in pk_names for item in order):
        return queryset
    first = order[0] if order else ""
    descending = (isinstance(first, str) and first.startswith("-")) or getattr(first, "descending", False)
    return queryset.order_by(*order, "-pk" if descending else "pk")


# --- Keyset ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    name: str  # the queryset field path or annotation it sorts by
    descending: bool
    nullable: bool


def _ordering(queryset: QuerySet) -> list[_Term]:
    """The queryset's ordering as terms, with the primary key appended if it is not there."""
    query = queryset.query
    order = list(query.order_by or (query.get_meta().ordering if query.default_ordering else []))
    pk_name = queryset.model._meta.pk.name
    terms = []
    for item in order:
        if isinstance(item, str):
            descending, name = item.startswith("-"), item.lstrip("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, name = item.descending, item.expression.name
            if (item.nulls_first and not descending) or (item.nulls_last and descending):
                raise ValueError("Keyset pages sort nulls last ascending and first descending.")
        elif isinstance(item, F):
            descending, name = False, item.name
        else:
            raise ValueError(f"Cannot paginate by {item!r}: order by field names or F() expressions.")
        if name in ("pk", pk_name):
            terms.append(_Term(pk_name, descending, False))
            break  # the primary key is unique: nothing after it changes the order
        terms.append(_Term(name, descending, _nullable(queryset, name)))
    if not terms or terms[-1].name != pk_name:
        terms.append(_Term(pk_name, terms[0].descending if terms else False, False))
    return terms


def _nullable(queryset: QuerySet, name: str) -> bool:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return getattr(annotation.output_field, "null", True)
    model, nullable = queryset.model, False
    for part in name.split("__"):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        nullable = nullable or model_field.null or (model_field.is_relation and not model_field.concrete)
        model = model_field.related_model if model_field.is_relation else model
    return nullable


def _order_by(terms: list[_Term], reverse: bool = False) -> list[OrderBy]:
    ordering = []
    for term in terms:
        descending = term.descending != reverse
        expression = F(term.name)
        if not term.nullable:
            ordering.append(expression.desc() if descending else expression.asc())
        # Nulls last ascending, first descending: PostgreSQL's own order, so its indexes serve
        # (and reversing the order flips both, so the rule holds backwards too).
        elif descending:
            ordering.append(expression.desc(nulls_first=True))
        else:
            ordering.append(expression.asc(nulls_last=True))
    return ordering


def _key_names(terms: list[_Term]) -> list[str]:
    return [f"_page_key_{index}" for index in range(len(terms))]


def _with_keys(queryset: QuerySet, terms: list[_Term]) -> QuerySet:
    return queryset.annotate(
        **{key: F(term.name) for key, term in zip(_key_names(terms), terms, strict=True)}
    )


class _KeyEncoder(json.JSONEncoder):
    """Dates and times in full (Django's encoder drops microseconds, which would skip rows)."""

    def default(self, o):
        if isinstance(o, date | datetime | time):
            return o.isoformat()
        if isinstance(o, Decimal | UUID):
            return str(o)
        return super().default(o)


def _encode(values: list) -> str:
    text = json.dumps(values, cls=_KeyEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: str, queryset: QuerySet, terms: list[_Term]) -> list | None:
    """The sort values a page link carries, or None if the link was altered or is stale."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != len(terms):
        return None
    keyed = _with_keys(queryset, terms)
    parsed = []
    for key, value in zip(_key_names(terms), values, strict=True):
        try:
            parsed.append(
                None if value is None else keyed.query.annotations[key].output_field.to_python(value)
            )
        except Exception:  # noqa: BLE001 - any value that does not parse is a stale link
            return None
    return parsed


def _beyond(terms: list[_Term], values: list, backwards: bool) -> Q:
    """Rows that come after `values` in the order (or before them, backwards)."""
    condition = None
    for term, key, value in reversed(list(zip(terms, _key_names(terms), values, strict=True))):
        later = "lt" if term.descending != backwards else "gt"
        # Where nulls sort: last ascending, first descending (see _order_by).
        nulls_later = term.descending == backwards
        if value is None:
            strictly = Q(**{f"{key}__isnull": False}) if not nulls_later else Q(pk__in=[])
            equal = Q(**{f"{key}__isnull": True})
        else:
            strictly = Q(**{f"{key}__{later}": value})
            if term.nullable and nulls_later:
                strictly |= Q(**{f"{key}__isnull": True})
            equal = Q(**{key: value})
        condition = strictly if condition is None else strictly | (equal & condition)
    first, key, value = terms[0], _key_names(terms)[0], values[0]
    if value is not None and not first.nullable:
        # Redundant, but lets the database seek its index to the cursor instead of scanning.
        bound = "lte" if first.descending != backwards else "gte"
        condition &= Q(**{f"{key}__{bound}": value})
    return condition


def _keyset_page(request, queryset: QuerySet, common: dict) -> ListPage:
    size = common["size"]
    terms = _ordering(queryset)
    keys = _key_names(terms)
    keyed = _with_keys(queryset, terms)
    number = _page_number(request)
    after = request.GET.get("after")
    before = request.GET.get("before")
    cursor = _decode(after or before or "", queryset, terms) if (after or before) else None
    backwards = cursor is not None and not after
    if cursor is None:
        number = 1
        rows = list(keyed.order_by(*_order_by(terms))[: size + 1])
        has_previous, has_next = False, len(rows) > size
        rows = rows[:size]
    elif not backwards:
        rows = list(keyed.filter(_beyond(terms, cursor, False)).order_by(*_order_by(terms))[: size + 1])
        has_previous, has_next = True, len(rows) > size
        rows = rows[:size]
    else:
        rows = list(
            keyed.filter(_beyond(terms, cursor, True)).order_by(*_order_by(terms, reverse=True))[: size + 1]
        )
        has_previous, has_next = len(rows) > size, True
        rows = list(reversed(rows[:size]))
        if not has_previous:
            number = 1
    number = max(1, number)
    if backwards and has_previous and number == 1:
        number = 2  # a stale link: the page number is for display only
    previous_params = next_params = ""
    if rows:
        first = [getattr(rows[0], key) for key in keys]
        last = [getattr(rows[-1], key) for key in keys]
        previous_params = f"page={number - 1}&before={_encode(first)}"
        next_params = f"page={number + 1}&after={_encode(last)}"
    return ListPage(
        rows=rows,
        number=number,
        has_previous=has_previous,
        has_next=has_next,
        previous_params=previous_params,
        next_params=next_params,
        **common,
    )
