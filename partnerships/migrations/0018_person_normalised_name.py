"""People's names as matching compares them, and on PostgreSQL a trigram index (pg_trgm) so
near matches are found through an index rather than by reading every person."""

from django.db import migrations, models

from somerset_safety.core.names import normalise_name

TRIGRAM_INDEX = "partnerships_person_name_trgm"


def fill(apps, schema_editor):
    Person = apps.get_model("partnerships", "Person")
    changed = []
    for person in Person.objects.exclude(full_name="").only("pk", "full_name").iterator(chunk_size=2000):
        person.normalised_name = normalise_name(person.full_name)
        changed.append(person)
        if len(changed) == 2000:
            Person.objects.bulk_update(changed, ["normalised_name"])
            changed = []
    Person.objects.bulk_update(changed, ["normalised_name"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON partnerships_person "
            "USING gin (normalised_name gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0017_marac_monthly_summary")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="normalised_name",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
