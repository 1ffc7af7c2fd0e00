"""A throw-away deadline rule on Agency, so the engine is tested apart from any domain app."""

from datetime import date

import pytest

from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineSpec

DUE_DATES: dict[int, date] = {}
HIDDEN: set[int] = set()


def _rule(agency):
    due = DUE_DATES.get(agency.pk)
    if due is None:
        return []
    return [
        DeadlineSpec(
            kind="test.return_due",
            label=f"Return due ({agency.code})",
            due_date=due,
            statutory=agency.code.startswith("STAT"),
            responsible_agency=agency,
        )
    ]


def _visible_to(user):
    return Agency.objects.exclude(pk__in=HIDDEN)


@pytest.fixture
def agency_rule(monkeypatch):
    monkeypatch.setattr(Agency, "get_absolute_url", lambda self: f"/test-agencies/{self.pk}/", raising=False)
    monkeypatch.setattr(Agency, "reference", property(lambda self: f"AG-{self.pk}"), raising=False)
    registry.register(
        model=Agency, rule=_rule, visible_to=_visible_to, kinds={"test.return_due": "Test return due"}
    )
    DUE_DATES.clear()
    HIDDEN.clear()
    yield DUE_DATES
    registry._registrations.pop(Agency._meta.label_lower, None)
    DUE_DATES.clear()
    HIDDEN.clear()
