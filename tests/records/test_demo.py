"""The records management demo: two synthetic MARAC people past their retention period."""

import datetime

import pytest

from partnerships.records import load_records_demo
from somerset_safety.records import registry, selectors
from somerset_safety.records.models import RetentionRule
from tests.partnerships.factories import MaracAreaFactory

pytestmark = pytest.mark.django_db


def test_demo_gives_two_synthetic_people_due_and_is_idempotent(coordinator, officer, today_is):
    today = today_is(datetime.date(2026, 12, 3))
    MaracAreaFactory(code="TAUNTON")
    load_records_demo({"coordinator": coordinator, "officer": officer})
    load_records_demo({"coordinator": coordinator, "officer": officer})
    rule = RetentionRule.objects.get(record_type="marac_person")
    due = list(selectors.due_records(registry.record_type("marac_person"), rule, today))
    victims = [p for p in due if p.role == "victim"]
    assert len(victims) == 2
    assert all(p.full_name.endswith("(synthetic)") for p in due)
