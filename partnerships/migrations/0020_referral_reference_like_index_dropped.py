"""The referral table's redundant index: `reference` is unique, so PostgreSQL has two indexes on
it, the unique one (every lookup by reference) and Django's `varchar_pattern_ops` copy for
LIKE 'prefix%', which nothing in the service asks (only the benchmark's clean-up, once). Every
insert paid for both; an import of 100,000 referrals writes one index fewer. Other databases
have no such index."""

from django.db import migrations

INDEX = "partnerships_referral_reference_b6d4fedd_like"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON partnerships_referral (reference varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0019_referral_case_details_and_idva")]

    operations = [migrations.RunPython(drop, restore)]
