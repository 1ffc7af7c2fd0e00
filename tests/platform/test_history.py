"""Issue 19 point 8: django-simple-history keeps no restricted personal field (names, dates of
birth, addresses, free text about the people); the audit event names the fields changed."""

import datetime

import pytest
from django.db import connection
from simple_history.models import registered_models

from tests.partnerships.factories import PersonFactory

# Every field that holds a person's name, date of birth, address or free text about them.
RESTRICTED = {
    "partnerships.person": {"full_name", "date_of_birth", "address"},
    "partnerships.referral": {"professional_judgement_reasons", "withdrawn_reason"},
    "duties.slaverynotification": {"person_name", "date_of_birth", "notes", "exploitation_other"},
    "reviews.notification": {
        "victim_name",
        "victim_other_characteristics",
        "perpetrator_other_characteristics",
    },
    "reviews.agencyreportrequest": {"contact_name", "notes"},
}
NAMES_ANYWHERE = {"full_name", "person_name", "victim_name", "date_of_birth", "address", "contact_name"}


def _history_models():
    return {model._meta.label_lower: model.history.model for model in registered_models.values()}


def test_no_history_table_has_a_restricted_personal_field():
    history = _history_models()
    assert set(RESTRICTED) <= set(history)
    for label, historical in history.items():
        fields = {f.name for f in historical._meta.get_fields()}
        assert not fields & (RESTRICTED.get(label, set()) | NAMES_ANYWHERE), label


@pytest.mark.django_db
def test_a_changed_name_leaves_no_copy_in_history():
    person = PersonFactory(full_name="Alex Example (synthetic)", date_of_birth=datetime.date(1985, 5, 6))
    person.full_name = "Alexandra Example (synthetic)"
    person.address = "1 Synthetic Street"
    person.save()
    assert person.history.count() == 2
    table = person.history.model._meta.db_table
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), table)}
    assert not columns & {"full_name", "date_of_birth", "address"}
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "Example" not in stored and "Synthetic Street" not in stored and "1985" not in stored
