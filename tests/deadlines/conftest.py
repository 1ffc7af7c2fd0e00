"""A throw-away deadline rule on Agency, so the engine is tested apart from any domain app.

Agencies whose code starts STAT get a statutory kind; MANAGERS holds the ids of users who
manage every test agency (the stand-in for an app's manage permission)."""

from datetime import date

import pytest

from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec

DUE_DATES: dict[int, date] = {}
MET: dict[int, date] = {}
PAUSED: dict[int, date] = {}
CLOSED: dict[int, str] = {}
HIDDEN: set[int] = set()
MANAGERS: set[int] = set()

KIND = "test.return_due"
STATUTORY_KIND = "test.statutory_return_due"


def _rule(agency):
    due = DUE_DATES.get(agency.pk)
    if due is None:
        return []
    return [
        DeadlineSpec(
            kind=STATUTORY_KIND if agency.code.startswith("STAT") else KIND,
            label=f"Return due ({agency.code})",
            due_date=due,
            responsible_agency=agency,
            met_on=MET.get(agency.pk),
            paused_since=PAUSED.get(agency.pk),
            closed_reason=CLOSED.get(agency.pk, ""),
        )
    ]


def _visible_to(user):
    return Agency.objects.exclude(pk__in=HIDDEN)


def _managed_by(user):
    return _visible_to(user) if user.pk in MANAGERS else Agency.objects.none()


@pytest.fixture
def agency_rule(monkeypatch, settings):
    monkeypatch.setattr(Agency, "get_absolute_url", lambda self: f"/test-agencies/{self.pk}/", raising=False)
    monkeypatch.setattr(Agency, "reference", property(lambda self: f"AG-{self.pk}"), raising=False)
    settings.TEST_RETURN_DUE_SOON_DAYS = 10
    registry.register(
        model=Agency,
        rule=_rule,
        visible_to=_visible_to,
        manageable_by=_managed_by,
        kinds=[
            DeadlineKind(KIND, "Test return due", due_soon_days=lambda: settings.TEST_RETURN_DUE_SOON_DAYS),
            DeadlineKind(STATUTORY_KIND, "Test statutory return due", statutory=True, due_soon_days=30),
        ],
    )
    for table in (DUE_DATES, MET, PAUSED, CLOSED, HIDDEN, MANAGERS):
        table.clear()
    yield DUE_DATES
    registry.unregister(Agency)
    for table in (DUE_DATES, MET, PAUSED, CLOSED, HIDDEN, MANAGERS):
        table.clear()
