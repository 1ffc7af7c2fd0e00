"""Point 7, 9 and 10 of issue 14: each duty's date in force and every obligation's first due
date; the ASB Case Review (Community Trigger) duty and its obligations; a child's record has the
safeguarding referral or the reason there is none (records made before the rule get a reason
saying so)."""

from datetime import date

from django.conf import settings
from django.db import migrations, models

from somerset_safety.core.dates import add_months

# When each duty came into force, where the register's duties came in after 2010.
IN_FORCE = {
    "dvcva-s9": date(2011, 4, 13),
    "ea-psed": date(2011, 4, 5),
    "ctsa-channel": date(2015, 4, 12),
    "ctsa-prevent": date(2015, 7, 1),
    "msa-s52": date(2015, 11, 1),
    "daa-part4": date(2021, 10, 1),
    "pcsc-svd": date(2023, 1, 31),
    "asbcpa-s104": date(2014, 10, 20),
}

ASB_CASE_REVIEW = {
    "code": "asbcpa-s104",
    "title": "Anti-social behaviour case review (Community Trigger)",
    "act": "Anti-social Behaviour, Crime and Policing Act 2014",
    "section": "Section 104 and Schedule 4",
    "summary": "When someone who has reported anti-social behaviour asks for a case review and the "
    "threshold is met, the relevant bodies — the council, the police, the integrated care board and "
    "registered social housing providers — review the response together and make recommendations. "
    "They publish how to apply, the threshold and who to contact, and each year publish how many "
    "applications were made, how many did not meet the threshold, how many reviews were carried out "
    "and how many led to recommendations.",
    "owner": "Head of Community Safety",
    "partnership_body": "Safer Somerset Partnership",
    "display_order": 125,
}
ASB_OBLIGATIONS = [
    (
        "asb-case-review-procedure",
        "Case review procedure published",
        "The published procedure: how to apply, the threshold, who carries out the review and who to "
        "contact; checked each year and published again when it changes.",
    ),
    (
        "asb-case-reviews-held",
        "Case reviews held when the threshold is met",
        "The record of the year's applications and of each review held, with its recommendations and "
        "the applicant told the outcome.",
    ),
    (
        "asb-case-review-numbers-published",
        "Annual publication of case review numbers",
        "The figures published for the year: applications made, applications where the threshold was "
        "not met, reviews carried out, and reviews that led to recommendations.",
    ),
]
BEFORE_THE_RULE = "Not recorded: this record was made before a reason was required."


def forwards(apps, schema_editor):
    Duty = apps.get_model("duties", "Duty")
    Obligation = apps.get_model("duties", "Obligation")
    SlaveryNotification = apps.get_model("duties", "SlaveryNotification")
    duty, _ = Duty.objects.update_or_create(code=ASB_CASE_REVIEW["code"], defaults=ASB_CASE_REVIEW)
    for position, (code, title, description) in enumerate(ASB_OBLIGATIONS, start=1):
        Obligation.objects.update_or_create(
            code=code,
            defaults={
                "duty": duty,
                "title": title,
                "description": description,
                "cycle_months": 12,
                "display_order": position * 10,
            },
        )
    for code, day in IN_FORCE.items():
        Duty.objects.filter(code=code, in_force_on__isnull=True).update(in_force_on=day)
    # Never evidenced: next due on its first due date (the rule in duties.models.register.first_due).
    started = getattr(settings, "DUTIES_REGISTER_STARTED_ON", date(2026, 4, 1))
    for obligation in Obligation.objects.filter(last_met_on__isnull=True).select_related("duty"):
        due = obligation.first_due_on
        if due is None:
            in_force = obligation.duty.in_force_on
            since = max(started, in_force) if in_force is not None else started
            due = add_months(since, obligation.cycle_months)
        if obligation.next_due_on != due:
            obligation.next_due_on = due
            obligation.save(update_fields=["next_due_on"])
    SlaveryNotification.objects.filter(
        age_group="child", safeguarding_referral_made=False, safeguarding_not_made_reason=""
    ).update(safeguarding_not_made_reason=BEFORE_THE_RULE)


def backwards(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    Duty = apps.get_model("duties", "Duty")
    Obligation.objects.filter(duty__code=ASB_CASE_REVIEW["code"], evidence__isnull=True).delete()
    Duty.objects.filter(code=ASB_CASE_REVIEW["code"], obligations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles_and_reference_agencies"),
        ("duties", "0003_history_without_personal_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="duty",
            name="in_force_on",
            field=models.DateField(
                blank=True,
                help_text="When the duty came into force. Its obligations are first due one cycle after the register's start date, or after this date if that is later.",
                null=True,
                verbose_name="in force since",
            ),
        ),
        migrations.AddField(
            model_name="historicalduty",
            name="in_force_on",
            field=models.DateField(
                blank=True,
                help_text="When the duty came into force. Its obligations are first due one cycle after the register's start date, or after this date if that is later.",
                null=True,
                verbose_name="in force since",
            ),
        ),
        migrations.AddField(
            model_name="slaverynotification",
            name="safeguarding_not_made_reason",
            field=models.TextField(
                blank=True,
                help_text="A child's record needs the referral to children's services or this reason.",
                verbose_name="why no safeguarding referral has been made",
            ),
        ),
        migrations.AlterField(
            model_name="historicalobligation",
            name="first_due_on",
            field=models.DateField(
                blank=True,
                help_text="When it is first due, until evidence is recorded. Leave blank for one cycle after the register's start date (or after the duty came into force, if later).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="first_due_on",
            field=models.DateField(
                blank=True,
                help_text="When it is first due, until evidence is recorded. Leave blank for one cycle after the register's start date (or after the duty came into force, if later).",
                null=True,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name="slaverynotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("age_group", "child"), _negated=True),
                    ("safeguarding_referral_made", True),
                    models.Q(("safeguarding_not_made_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="slavery_child_has_safeguarding_referral_or_reason",
            ),
        ),
    ]
