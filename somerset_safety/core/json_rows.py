"""Related rows read with their parent in the same query: a subquery that gives, for each row of
the outer query, the rows of another table that belong to it as a list of dicts (a JSON array
built by the database). A panel of the partnership dashboard that needs a few small related
sets (a framework's indicators and values; a contract's options and KPI results) reads them in
one query this way rather than one query per set (issues 12 and 13: at most 15 queries).

    Framework.objects.annotate(
        indicator_rows=related_rows(
            Indicator.objects.filter(framework=OuterRef("pk")),
            group_by="framework",
            fields={"id": F("pk"), "code": F("code"), "target": as_text("target")},
            order_by=("code",),
        )
    )

Each row is a dict of `fields`; dates come back as ISO text (`date.fromisoformat`), decimals
should be asked for `as_text()` so that they come back exact (`Decimal(text)`), booleans as
true/false (PostgreSQL) or 1/0 (SQLite): read them with `bool()`. A parent without related rows
gets an empty list.

`order_by` names keys of `fields`: PostgreSQL orders inside the aggregate, with its own
collation; SQLite (3.40, for `make run`) cannot, so there the rows are sorted in Python by the
same keys, which SQLite's binary collation orders as Python does.
"""

from django.db.models import Aggregate, CharField, Expression, F, JSONField, QuerySet, Subquery
from django.db.models.expressions import OrderByList
from django.db.models.functions import Cast, JSONObject


class _Rows(JSONField):
    """The aggregate's value: a list of dicts, [] for none, sorted by `keys` where the database
    could not order it."""

    def __init__(self, keys: tuple[str, ...] = (), **kwargs):
        self.keys = tuple(keys)
        super().__init__(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["keys"] = self.keys
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        rows = super().from_db_value(value, expression, connection) or []
        if self.keys and connection.vendor != "postgresql":
            rows.sort(key=lambda row: tuple(row[key] for key in self.keys))
        return rows


class JSONRows(Aggregate):
    """The group's rows, each the JSON object of `fields`, as one JSON array: jsonb_agg on
    PostgreSQL (ordered by `order_by`, keys of `fields`), json_group_array on SQLite."""

    function = "JSONB_AGG"
    template = "%(function)s(%(expressions)s%(order_by)s)"

    def __init__(self, fields: dict[str, Expression], order_by: tuple[str, ...] = (), **extra):
        unknown = [key for key in order_by if key not in fields]
        if unknown:
            raise ValueError(f"order_by names keys that are not in fields: {unknown}")
        self.order_by = OrderByList(*[fields[key] for key in order_by]) if order_by else None
        super().__init__(JSONObject(**fields), output_field=_Rows(order_by), **extra)

    def get_source_expressions(self):
        return [*super().get_source_expressions(), self.order_by]

    def set_source_expressions(self, exprs):
        *exprs, self.order_by = exprs
        return super().set_source_expressions(exprs)

    def as_sql(self, compiler, connection, **extra_context):
        # The ordering's own parameters go after the object's (they follow it in the SQL); a
        # filter is never given to this aggregate.
        order_by_sql, order_by_params = "", ()
        if self.order_by is not None:
            sql, order_by_params = compiler.compile(self.order_by)
            order_by_sql = f" {sql}"
        sql, params = super().as_sql(compiler, connection, order_by=order_by_sql, **extra_context)
        return sql, (*params, *order_by_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.order_by = None
        return clone.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def related_rows(
    queryset: QuerySet, *, group_by: str, fields: dict[str, Expression], order_by: tuple[str, ...] = ()
) -> Subquery:
    """For each row of the outer query, `queryset`'s rows that belong to it (filter it with
    OuterRef on `group_by`, the field that ties them to the outer row) as a list of dicts."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(rows=JSONRows(fields, order_by)).values("rows")
    )


def as_text(name: str) -> Cast:
    """A decimal (or any) field as text, so it comes back from JSON exactly."""
    return Cast(F(name), CharField())
