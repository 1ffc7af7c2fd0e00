"""The Disruption Panel and the data it starts with: group types, the OCG mapping and MoRiLE
scales (bands with their review cycle), the tactics library and the disruption gradings. All of
it can be changed in the admin site; the police own the scales."""

from django.db import migrations

GROUP_TYPES = [
    ("county_line", "County Line", True),
    ("drugs_supply", "Drugs supply", False),
    ("exploitation", "Exploitation", False),
    ("acquisitive", "Acquisitive crime", False),
    ("other", "Other", False),
]
BANDS = [("1", "Band 1", 1, 1), ("2", "Band 2", 2, 2), ("3", "Band 3", 3, 3)]
TARGETS = [
    ("people", "People"),
    ("places", "Places"),
    ("finance", "Finance"),
    ("communications", "Communications"),
    ("transport", "Transport"),
    ("supply", "The supply itself"),
]
TACTICS = [
    (
        "closure_order",
        "Closure order",
        "places",
        "Anti-social Behaviour, Crime and Policing Act 2014 Part 4",
        "Police, council",
    ),
    (
        "civil_injunction",
        "Civil injunction",
        "people",
        "Anti-social Behaviour, Crime and Policing Act 2014 Part 1",
        "Police, council, housing provider",
    ),
    (
        "cpn",
        "Community Protection Notice",
        "people",
        "Anti-social Behaviour, Crime and Policing Act 2014 s43",
        "Police, council",
    ),
    ("licence_review", "Licence review", "places", "Licensing Act 2003 s51", "Council licensing, police"),
    (
        "tenancy_action",
        "Tenancy action",
        "places",
        "Housing Act 1985 and 1988 (possession grounds)",
        "Housing provider",
    ),
    (
        "immigration",
        "Immigration enforcement",
        "people",
        "Immigration Act 1971",
        "Home Office Immigration Enforcement",
    ),
    (
        "benefits_review",
        "Benefits review",
        "finance",
        "Social Security Administration Act 1992",
        "Department for Work and Pensions",
    ),
    (
        "trading_standards",
        "Trading standards",
        "supply",
        "Consumer Protection from Unfair Trading Regulations 2008",
        "Council trading standards",
    ),
    (
        "cawn",
        "Child Abduction Warning Notice",
        "people",
        "Child Abduction Act 1984; Children Act 1989 s49",
        "Police",
    ),
    (
        "stpo_stro",
        "Slavery and Trafficking Prevention or Risk Order",
        "people",
        "Modern Slavery Act 2015 Part 2",
        "Police, National Crime Agency",
    ),
    (
        "asset_recovery",
        "Asset recovery",
        "finance",
        "Proceeds of Crime Act 2002",
        "Police, Regional Organised Crime Unit",
    ),
    (
        "line_closure",
        "Deal-line closure",
        "communications",
        "Serious Crime Act 2007 s1 (serious crime prevention order); network operator action",
        "Police, National County Lines Coordination Centre",
    ),
    ("vehicle_seizure", "Vehicle checks and seizure", "transport", "Road Traffic Act 1988 s165A", "Police"),
    (
        "youth_engagement",
        "School or youth engagement",
        "people",
        "",
        "Education, youth service, children's social care",
    ),
    ("other", "Other tactic", "people", "", "Any partner"),
]
GRADINGS = [
    ("major", "Major", 1, "The group's ability to operate is substantially reduced."),
    ("moderate", "Moderate", 2, "The group's activity is disrupted for a time."),
    ("minor", "Minor", 3, "A limited or short-lived effect on the group."),
]


def forwards(apps, schema_editor):
    Panel = apps.get_model("partnerships", "DisruptionPanel")
    Body = apps.get_model("partnerships", "PartnershipBody")
    GroupType = apps.get_model("partnerships", "GroupType")
    Scale = apps.get_model("partnerships", "AssessmentScale")
    Band = apps.get_model("partnerships", "ThreatBand")
    Target = apps.get_model("partnerships", "TacticTarget")
    Tactic = apps.get_model("partnerships", "Tactic")
    Grading = apps.get_model("partnerships", "DisruptionGrading")
    Panel.objects.get_or_create(
        name="Somerset Disruption Panel",
        defaults={"body": Body.objects.filter(name="Disruption Panel").first()},
    )
    for order, (code, name, county_line) in enumerate(GROUP_TYPES):
        GroupType.objects.get_or_create(
            code=code, defaults={"name": name, "is_county_line": county_line, "order": order}
        )
    mapping, _ = Scale.objects.get_or_create(
        kind="ocg_mapping",
        name="OCG mapping",
        version="2017",
        defaults={
            "method": "Band supplied by the regional organised crime unit from its OCG mapping.",
            "score_max": 5,
        },
    )
    for code, label, rank, months in BANDS:
        Band.objects.get_or_create(
            scale=mapping, code=code, defaults={"label": label, "rank": rank, "review_months": months}
        )
    Scale.objects.get_or_create(
        kind="morile",
        name="MoRiLE",
        version="2.0",
        defaults={
            "method": "Harm, likelihood, organisational position and confidence, each scored 1 to 5 by the assessor.",
            "score_max": 5,
        },
    )
    targets = {}
    for order, (code, name) in enumerate(TARGETS):
        targets[code], _ = Target.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for code, name, target, basis, used_by in TACTICS:
        Tactic.objects.get_or_create(
            code=code,
            defaults={"name": name, "target": targets[target], "legal_basis": basis, "used_by": used_by},
        )
    for code, name, rank, description in GRADINGS:
        Grading.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0014_disruption_panel")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
