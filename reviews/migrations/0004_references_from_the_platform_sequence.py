"""Notification numbers move to the platform's one reference counter (core.ReferenceSequence,
kind "dhr_notification"). The counter keeps its value, so no number is ever reused."""

from django.db import migrations


def copy_counter(apps, schema_editor):
    old = apps.get_model("reviews", "NotificationSequence")
    new = apps.get_model("core", "ReferenceSequence")
    row = old.objects.filter(prefix="notification").first()
    if row is not None:
        new.objects.update_or_create(
            kind="dhr_notification", year=0, defaults={"last_number": row.last_number}
        )


def copy_counter_back(apps, schema_editor):
    old = apps.get_model("reviews", "NotificationSequence")
    new = apps.get_model("core", "ReferenceSequence")
    row = new.objects.filter(kind="dhr_notification", year=0).first()
    if row is not None:
        old.objects.update_or_create(prefix="notification", defaults={"last_number": row.last_number})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_reference_sequence"),
        ("reviews", "0003_history_without_personal_data"),
    ]

    operations = [
        migrations.RunPython(copy_counter, copy_counter_back),
        migrations.DeleteModel(name="NotificationSequence"),
    ]
