"""Roles as groups, and the Safer Somerset Partnership's agencies (editable by an administrator)."""

from django.db import migrations

ROLES = [
    "Community safety officer",
    "MARAC coordinator",
    "Agency representative",
    "Independent review chair",
    "Partnership lead",
    "Information governance auditor",
    "System administrator",
]

# code, name, type, responsible authority, council team
AGENCIES = [
    ("POLICE", "Avon and Somerset Constabulary", "police", True, False),
    ("FIRE", "Devon and Somerset Fire and Rescue Service", "fire", True, False),
    ("PROBATION", "The Probation Service", "probation", True, False),
    ("ICB", "NHS Somerset Integrated Care Board", "health_commissioner", True, False),
    ("MENDIP", "Mendip District Council", "local_authority", True, False),
    ("SEDGEMOOR", "Sedgemoor District Council", "local_authority", True, False),
    ("SWT", "Somerset West and Taunton Council", "local_authority", True, False),
    ("SSDC", "South Somerset District Council", "local_authority", True, False),
    ("CST", "Somerset Council community safety team", "community_safety", True, True),
    ("SIDAS", "Somerset Integrated Domestic Abuse Service", "domestic_abuse_service", False, False),
    ("IDVA", "IDVA service", "idva", False, False),
    ("DRUGALC", "Somerset Drug and Alcohol Service", "substance_misuse", False, False),
    ("CSC", "Children's social care", "childrens_social_care", False, False),
    ("ASC", "Adult social care", "adult_social_care", False, False),
    ("HOUSING", "Housing services", "housing", False, False),
    ("HEALTH", "NHS health services", "health", False, False),
    ("EDUCATION", "Education services", "education", False, False),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Agency = apps.get_model("accounts", "Agency")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, agency_type, responsible, council in AGENCIES:
        Agency.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "agency_type": agency_type,
                "responsible_authority": responsible,
                "is_council_team": council,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
