"""The one edit helper: only what changed is saved and audited (by name), nothing when nothing
changed, and a stale version is refused."""

import pytest

from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.edits import StaleEdit, save_changes
from tests.partnerships.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _changes():
    return AuditEvent.objects.filter(action=AuditAction.CHANGE, object_type="partnerships.person")


def test_only_the_fields_that_differ_are_saved_and_audited(officer):
    person = PersonFactory(full_name="Sam Synthetic", address="1 Test Street")
    changed = save_changes(person, {"full_name": "Sam Synthetic", "address": "2 Test Street"}, officer)
    assert changed == ["address"]
    person.refresh_from_db()
    assert person.address == "2 Test Street"
    event = _changes().get()
    assert event.changed_fields == ["address"]
    assert "2 Test Street" not in str(event.detail)  # names, never values (S14)


def test_nothing_changed_writes_nothing(officer):
    person = PersonFactory(full_name="Sam Synthetic")
    assert save_changes(person, {"full_name": "Sam Synthetic"}, officer) == []
    assert not _changes().exists()


def test_child_rows_changed_beside_the_row_are_audited_with_it(officer):
    person = PersonFactory(full_name="Sam Synthetic")
    assert save_changes(person, {"full_name": "Sam Synthetic"}, officer, also_changed=["aliases"]) == [
        "aliases"
    ]
    assert _changes().get().changed_fields == ["aliases"]


def test_a_stale_version_is_refused_and_nothing_saved(officer):
    person = PersonFactory(full_name="Sam Synthetic")
    with pytest.raises(StaleEdit, match="Someone else changed this record"):
        save_changes(
            person,
            {"full_name": "Changed"},
            officer,
            expected_version="what the form saw",
            version_of=lambda obj: "what is stored now",
        )
    person.refresh_from_db()
    assert person.full_name == "Sam Synthetic" and not _changes().exists()
