"""Somerset Council has been the unitary authority since 1 April 2023, when Mendip, Sedgemoor,
Somerset West and Taunton and South Somerset district councils were abolished. The district
councils stay as inactive agencies, so records made before then still name them, but they are
no longer offered on forms or counted as responsible authorities of the partnership."""

from django.db import migrations

DISTRICTS = ["MENDIP", "SEDGEMOOR", "SWT", "SSDC"]


def forwards(apps, schema_editor):
    Agency = apps.get_model("accounts", "Agency")
    Agency.objects.get_or_create(
        code="SOMERSET",
        defaults={
            "name": "Somerset Council",
            "agency_type": "local_authority",
            "responsible_authority": True,
            "is_council_team": False,
        },
    )
    for agency in Agency.objects.filter(code__in=DISTRICTS):
        if not agency.name.endswith("(until March 2023)"):
            agency.name = f"{agency.name} (until March 2023)"
        agency.active = False
        agency.responsible_authority = False
        agency.save(update_fields=["name", "active", "responsible_authority"])


def backwards(apps, schema_editor):
    Agency = apps.get_model("accounts", "Agency")
    for agency in Agency.objects.filter(code__in=DISTRICTS):
        agency.name = agency.name.removesuffix(" (until March 2023)")
        agency.active = True
        agency.responsible_authority = True
        agency.save(update_fields=["name", "active", "responsible_authority"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_and_reference_agencies")]
    operations = [migrations.RunPython(forwards, backwards)]
