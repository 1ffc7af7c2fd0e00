"""The partnership's boards: the Safer Somerset Partnership board, the Somerset Prevent Board,
the Hinkley Community Safety Group and the One Team oversight group. An administrator adds others."""

from django.db import migrations

CSP = "Safer Somerset Partnership"
BOARDS = [
    (CSP, "ssp"),
    ("Somerset Prevent Board", "prevent"),
    ("Hinkley Community Safety Group", "hinkley"),
    ("One Team oversight group", "one-team"),
]


def forwards(apps, schema_editor):
    Body = apps.get_model("partnerships", "PartnershipBody")
    Board = apps.get_model("partnerships", "Board")
    csp = Body.objects.filter(name=CSP).first()
    if csp is None:
        return
    Body.objects.get_or_create(
        name="One Team oversight group",
        defaults={
            "short_name": "One Team",
            "description": "The partnership's oversight of the One Team model of local multi-agency problem solving.",
            "parent": csp,
        },
    )
    for name, code in BOARDS:
        body = Body.objects.filter(name=name).first()
        if body is not None:
            Board.objects.get_or_create(body=body, defaults={"code": code})


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0009_boards")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
