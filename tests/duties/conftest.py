import importlib

import pytest
from django.apps import apps


@pytest.fixture
def reference_data(db):
    """Agencies, roles and the register of duties, as the migrations load them.

    Transactional (browser) tests run on a flushed database; where the platform's restore of
    migration data has not happened, load it again (both loaders are idempotent)."""
    importlib.import_module("somerset_safety.accounts.migrations.0002_roles_and_reference_agencies").forwards(
        apps, None
    )
    importlib.import_module("duties.migrations.0002_reference_duties").load(apps, None)
    importlib.import_module(
        "duties.migrations.0004_register_first_due_asb_case_review_child_safeguarding"
    ).forwards(apps, None)
    importlib.import_module("duties.migrations.0005_obligations_evidenced_by_records_held").forwards(
        apps, None
    )
