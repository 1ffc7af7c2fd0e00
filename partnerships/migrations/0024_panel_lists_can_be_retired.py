"""Tactic targets and disruption gradings can be retired, as group types and tactics can: kept on
the Disruption Panel's own pages, no longer offered for new records, still shown on old ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0023_panel_people_restriction_of_processing")]

    operations = [
        migrations.AddField(
            model_name="tactictarget", name="active", field=models.BooleanField(default=True)
        ),
        migrations.AddField(
            model_name="disruptiongrading", name="active", field=models.BooleanField(default=True)
        ),
        migrations.AlterModelOptions(name="disruptiongrading", options={"ordering": ["rank", "name"]}),
    ]
