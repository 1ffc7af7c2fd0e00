"""Issue 14 point 6: the obligations whose evidence is the product's own records — DHR decisions
and reviews in time (reviews app), duty-to-notify records made (modern slavery)."""

from django.db import migrations

OBLIGATIONS = [
    (
        "dvcva-s9",
        "dvcva-s9-reviews-in-time",
        "Deaths notified decided on, and reviews completed, in time",
        "Each decision whether to hold a review made within a month of notification, and each review "
        "submitted for Home Office quality assurance within six months of the decision (pauses added). "
        "This service's DHR records count as evidence; evidence from before them can be recorded here.",
        5,
    ),
    (
        "msa-s52",
        "msa-s52-notifications",
        "Potential victims notified to the Home Office",
        "Each National Referral Mechanism referral or anonymous MS1 notification. The duty-to-notify "
        "records in this service count as evidence.",
        5,
    ),
]


def forwards(apps, schema_editor):
    Duty = apps.get_model("duties", "Duty")
    Obligation = apps.get_model("duties", "Obligation")
    for duty_code, code, title, description, order in OBLIGATIONS:
        duty = Duty.objects.filter(code=duty_code).first()
        if duty is None:
            continue
        Obligation.objects.update_or_create(
            code=code,
            defaults={
                "duty": duty,
                "title": title,
                "description": description,
                "cycle_months": 12,
                "display_order": order,
            },
        )


def backwards(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    Obligation.objects.filter(code__in=[o[1] for o in OBLIGATIONS], evidence__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("duties", "0004_register_first_due_asb_case_review_child_safeguarding")]

    operations = [migrations.RunPython(forwards, backwards)]
