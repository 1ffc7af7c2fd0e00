"""The report date and period (on the report and frozen on each version), the sections of a
council Executive report, the Forward Plan reference and the sign-off table.

Reports and versions made before this had their figures as at the day they were generated:
that becomes their date, over the quarter it fell in.
"""

from datetime import date

from django.db import migrations, models


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def fill_periods(apps, schema_editor):
    ExecutiveReport = apps.get_model("reports", "ExecutiveReport")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    for report in ExecutiveReport.objects.filter(period_end__isnull=True):
        report.period_end = min(report.meeting_date, report.created_at.date())
        report.save(update_fields=["period_end"])
    for version in ReportVersion.objects.filter(period_end__isnull=True):
        day = version.generated_at.date()
        version.period_end = day
        version.period_start = _quarter_start(day)
        version.period_kind = "quarter"
        version.save(update_fields=["period_end", "period_start", "period_kind"])


NEW_TEXT = [
    "reasons_for_recommendations",
    "other_options",
    "council_plan_links",
    "implications_hr",
    "implications_community_safety",
    "implications_sustainability",
    "implications_health_safety",
    "implications_privacy",
    "scrutiny_comments",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        *[migrations.AddField("executivereport", name, models.TextField(blank=True)) for name in NEW_TEXT],
        migrations.AddField(
            "executivereport",
            "forward_plan_reference",
            models.CharField(
                blank=True,
                help_text="Key decisions must be on the Forward Plan 28 clear days before.",
                max_length=60,
            ),
        ),
        migrations.AddField(
            "executivereport",
            "other_appendices",
            models.TextField(
                blank=True,
                help_text="Appendices published with the paper that are not generated here, one a line.",
            ),
        ),
        migrations.AddField(
            "executivereport",
            "sign_off",
            models.JSONField(
                blank=True, default=dict, help_text="{role: {name, date}} for the sign-off table."
            ),
        ),
        migrations.AddField(
            "executivereport",
            "period_kind",
            models.CharField(
                choices=[
                    ("quarter", "The quarter"),
                    ("financial_year", "The financial year"),
                    ("dates", "From a date you choose"),
                ],
                default="quarter",
                max_length=20,
                verbose_name="period the report covers",
            ),
        ),
        migrations.AddField(
            "executivereport",
            "period_start",
            models.DateField(blank=True, null=True, verbose_name="period from"),
        ),
        migrations.AddField("executivereport", "period_end", models.DateField(null=True)),
        migrations.AddField(
            "reportversion",
            "period_kind",
            models.CharField(
                choices=[
                    ("quarter", "The quarter"),
                    ("financial_year", "The financial year"),
                    ("dates", "From a date you choose"),
                ],
                max_length=20,
                null=True,
            ),
        ),
        migrations.AddField("reportversion", "period_start", models.DateField(null=True)),
        migrations.AddField("reportversion", "period_end", models.DateField(null=True)),
        migrations.RunPython(fill_periods, migrations.RunPython.noop),
        migrations.AlterField(
            "executivereport",
            "period_end",
            models.DateField(
                help_text="Every figure in the paper is worked out as it stood on this date.",
                verbose_name="figures as at",
            ),
        ),
        migrations.AlterField(
            "reportversion",
            "period_kind",
            models.CharField(
                choices=[
                    ("quarter", "The quarter"),
                    ("financial_year", "The financial year"),
                    ("dates", "From a date you choose"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField("reportversion", "period_start", models.DateField()),
        migrations.AlterField("reportversion", "period_end", models.DateField(verbose_name="figures as at")),
        migrations.AlterField("reportversion", "error", models.CharField(blank=True, max_length=500)),
    ]
