"""The 24 checklist items, seeded with short topic labels of our own wording. The council can
load its licensed question wording into `wording` (admin site) without a code change."""

from django.db import migrations

TOPICS = [
    "Current injury",
    "Very frightened",
    "Fear of further harm",
    "Isolated from family or friends",
    "Feeling depressed or having suicidal thoughts",
    "Recent separation or attempt to separate",
    "Conflict over child contact",
    "Stalking or harassment",
    "Pregnancy or a recent birth",
    "Abuse happening more often",
    "Abuse getting worse",
    "Controlling or jealous behaviour",
    "Weapons or objects used to hurt",
    "Threats to kill",
    "Strangling, choking or suffocating",
    "Sexual abuse",
    "Another person has made threats",
    "Harm to children or other dependants",
    "Harm to animals or pets",
    "Money problems",
    "Drug or alcohol problems (abuser)",
    "Suicidal thoughts (abuser)",
    "Breach of bail, injunction or order",
    "Known criminal history",
]


def forwards(apps, schema_editor):
    RiskQuestion = apps.get_model("partnerships", "RiskQuestion")
    for number, topic in enumerate(TOPICS, start=1):
        RiskQuestion.objects.get_or_create(number=number, defaults={"topic": topic})


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_marac")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
