"""The index of referrals by status and area leaves heard referrals out (issue 13 point 3): nearly
every referral, and nearly every imported one, is heard, and no query looks heard ones up by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0024_panel_lists_can_be_retired"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status", "heard"), _negated=True),
                fields=["status", "area"],
                name="referral_unheard_status_area",
            ),
        ),
        migrations.RemoveIndex(
            model_name="referral",
            name="partnership_status_a53d30_idx",
        ),
    ]
