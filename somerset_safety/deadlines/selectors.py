"""Reads of deadlines for pages, counts, the dashboard and the Executive report. Every state
comes from `state.state_expression` (in the database) or `state.clock_state` (for a row): the
same rule, reading only the stored row."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet

from somerset_safety.accounts.models import User
from somerset_safety.accounts.roles import Role
from somerset_safety.reports.disclosure import RECORDS, Declaration

from .models import Deadline
from .permissions import deadlines_visible_to, with_may_manage
from .registry import kind_names
from .state import STATES, State, clock_state, empty_counts, with_clock_state, with_state


def responsible_condition(user) -> Q:
    """Deadlines that are the user's own, or their agency's."""
    mine = Exists(
        Deadline.responsible_users.through.objects.filter(deadline_id=OuterRef("pk"), user_id=user.pk)
    )
    condition = Q(mine)
    if user.agency_id:
        condition |= Q(responsible_agency_id=user.agency_id)
    return condition


def with_people(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return queryset.select_related("responsible_agency").prefetch_related(
        Prefetch("responsible_users", queryset=User.objects.only("pk", "full_name").order_by("full_name"))
    )


def my_deadlines(user, today: date) -> QuerySet[Deadline]:
    """Mine and my agency's, within what I may see; overdue first, then by due date. Each row
    is annotated with `clock_state`, `clock_rank` and `may_manage`."""
    queryset = deadlines_visible_to(user).filter(responsible_condition(user))
    return with_people(with_may_manage(with_state(queryset, today), user)).order_by(
        "clock_rank", "due_date", "id"
    )


def rows_with_state(deadlines: Iterable[Deadline], today: date) -> list[tuple[Deadline, object]]:
    return [(d, clock_state(d, today)) for d in deadlines]


def counts_by_kind(queryset: QuerySet[Deadline], today: date) -> list[dict]:
    """For each kind: its name and a count per state (every State key), in one query."""
    table: dict[str, dict[str, int]] = defaultdict(empty_counts)
    rows = (
        with_clock_state(queryset.order_by(), today)
        .values("kind", "clock_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        table[row["kind"]][row["clock_state"]] = row["n"]
    names = kind_names()
    result = [
        {
            "kind": kind,
            "name": names.get(kind, kind),
            **counts,
            "cells": [counts[key] for key, _, _ in STATES],
        }
        for kind, counts in table.items()
    ]
    return sorted(result, key=lambda r: r["name"])


def totals(rows: list[dict]) -> dict:
    """The column totals of `counts_by_kind`, with `cells` in the same order."""
    sums = {key: sum(row[key] for row in rows) for key, _, _ in STATES}
    return {**sums, "cells": [sums[key] for key, _, _ in STATES]}


def team_counts(user, today: date) -> list[dict]:
    """Deadlines by kind and state across the partnership (partnership leads) or what the user
    may see (everyone else). Counts of deadlines, no personal details."""
    base = Deadline.objects.all() if user.has_role(Role.PARTNERSHIP_LEAD) else deadlines_visible_to(user)
    return counts_by_kind(base, today)


def deadline_figures(as_of: date) -> dict:
    """For the partnership dashboard and the Executive report: every deadline by kind and
    state on `as_of` — met on time and met late apart — with totals. One query; JSON-able."""
    rows = counts_by_kind(Deadline.objects.all(), as_of)
    return {
        "as_of": as_of.isoformat(),
        "kinds": rows,
        "totals": totals(rows),
        "states": [{"key": key, "label": label} for key, label, _ in STATES],
    }


def deadline_declaration(data: dict) -> Declaration:
    """deadline_figures() for the disclosure-control rule and the comparison of report versions:
    deadlines are records, so every count is shown as it is."""
    declared = Declaration()
    for i, row in enumerate(data.get("kinds", [])):
        for key, name, _ in STATES:
            declared.add(
                f"{row['kind']}.{key}", f"{row['name']}: {name.lower()}", ("kinds", i, key), kind=RECORDS
            )
    for key, name, _ in STATES:
        declared.add(f"all.{key}", f"All kinds: {name.lower()}", ("totals", key), kind=RECORDS)
    return declared


def deadlines_of(model: type[Model], ids: Iterable[int]) -> dict[int, list[Deadline]]:
    """The stored deadlines of these records of `model`, by record id (one query)."""
    grouped: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in Deadline.objects.filter(
        subject_type=model._meta.label_lower, subject_id__in=list(ids)
    ).order_by("due_date", "id"):
        grouped[deadline.subject_id].append(deadline)
    return grouped


def deadline_of(subject: Model, kind: str, key: str = "") -> Deadline | None:
    """The stored deadline of `kind` (and `key`) on one record, if its rule gave one."""
    return Deadline.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk, kind=kind, key=key
    ).first()


def met_counts(queryset: QuerySet[Deadline], today: date) -> dict[str, int]:
    """How many of these deadlines were met on time and met late."""
    return with_clock_state(queryset.order_by(), today).aggregate(
        met_on_time=Count("pk", filter=Q(clock_state=State.MET_ON_TIME)),
        met_late=Count("pk", filter=Q(clock_state=State.MET_LATE)),
    )
