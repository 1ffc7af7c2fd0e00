"""The Safer Somerset Partnership, its bodies, and the joint CSP/PCC priorities 2017–2021."""

import datetime

from django.db import migrations

CSP = "Safer Somerset Partnership"
BODIES = [
    ("Somerset Prevent Board", "Prevent Board", "Oversees the Prevent duty and the Channel panel."),
    (
        "Hinkley Community Safety Group",
        "Hinkley CSG",
        "Community safety around the Hinkley Point C construction.",
    ),
    (
        "Disruption Panel",
        "Disruption Panel",
        "Multi-agency disruption of organised crime groups and County Lines.",
    ),
    (
        "Somerset MARAC",
        "MARAC",
        "Multi-Agency Risk Assessment Conferences for high-risk domestic abuse victims.",
    ),
]
PRIORITIES = [
    "Protect people from the harm of domestic and sexual abuse",
    "Identify and prevent the exploitation of vulnerable people",
    "Identify inequalities and vulnerabilities to improve health outcomes and reduce harm",
    "Meet our statutory duties",
]


def forwards(apps, schema_editor):
    Body = apps.get_model("partnerships", "PartnershipBody")
    Priority = apps.get_model("partnerships", "Priority")
    Agency = apps.get_model("accounts", "Agency")
    csp, _ = Body.objects.get_or_create(
        name=CSP,
        defaults={
            "short_name": "CSP",
            "description": "The Community Safety Partnership for Somerset (Crime and Disorder Act 1998).",
        },
    )
    csp.member_agencies.add(*Agency.objects.filter(responsible_authority=True))
    for name, short, description in BODIES:
        Body.objects.get_or_create(
            name=name, defaults={"short_name": short, "description": description, "parent": csp}
        )
    for number, title in enumerate(PRIORITIES, start=1):
        Priority.objects.get_or_create(
            body=csp,
            period_start=datetime.date(2017, 4, 1),
            number=number,
            defaults={"title": title, "period_end": datetime.date(2021, 3, 31)},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("accounts", "0002_roles_and_reference_agencies"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
