"""The council's register of statutory community safety duties (Appendix 1 of its community
safety report), with the duties in force since. Summaries are in our own words. Cycles marked
[U] in DOMAIN.md are local practice: an administrator can change them in the admin site."""

from django.db import migrations

PARTNERSHIP = "Safer Somerset Partnership"
HEAD = "Head of Community Safety"

# code, title, act, section, summary, owner, body, obligations
# obligation: code, title, description, cycle months, prevent area
DUTIES = [
    (
        "cda-s17",
        "Due regard to crime and disorder",
        "Crime and Disorder Act 1998",
        "Section 17",
        "In everything the council does — its policies, strategies, plans and budgets — it must "
        "consider the effect on crime and disorder, including anti-social behaviour, substance "
        "misuse, re-offending and serious violence, and do all it reasonably can to prevent them.",
        HEAD,
        "The Executive",
        [
            (
                "cda-s17-decisions-assessed",
                "Council decisions assessed for crime and disorder implications",
                "Section 17 assessments logged in this service count as evidence. At least one a year "
                "shows the duty is being applied.",
                12,
                "",
            ),
        ],
    ),
    (
        "pja-data-sharing",
        "Sharing information between partners",
        "Police and Justice Act 2006",
        "Schedule 9 (Crime and Disorder Act 1998 section 17A)",
        "The responsible authorities share the depersonalised information the partnership needs "
        "to understand crime and disorder in the county, under an agreed information-sharing protocol.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "pja-data-sharing-protocol",
                "Information-sharing protocol reviewed",
                "The signed protocol or the board minutes agreeing its review.",
                12,
                "",
            ),
        ],
    ),
    (
        "pja-strategic-assessment",
        "Strategic assessment",
        "Police and Justice Act 2006",
        "Section 22 and Schedule 9; Crime and Disorder (Formulation and Implementation of Strategy) "
        "Regulations 2007",
        "Each year the partnership analyses crime, disorder, substance misuse and re-offending in the "
        "county to set its priorities.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "pja-strategic-assessment-annual",
                "Annual strategic assessment",
                "The strategic assessment and the board minutes agreeing it.",
                12,
                "",
            ),
        ],
    ),
    (
        "pja-partnership-plan",
        "Community safety partnership plan",
        "Police and Justice Act 2006",
        "Section 22 and Schedule 9; Crime and Disorder (Formulation and Implementation of Strategy) "
        "Regulations 2007",
        "The partnership keeps a plan looking three years ahead, refreshed every year from the "
        "strategic assessment, shares it with the Police and Crime Commissioner, and holds at least "
        "one public meeting a year.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "pja-plan-annual-refresh",
                "Partnership plan refreshed (three-year horizon)",
                "The refreshed plan and the board minutes agreeing it.",
                12,
                "",
            ),
            (
                "pja-plan-to-pcc",
                "Plan sent to the Police and Crime Commissioner",
                "The covering letter or email to the Commissioner's office.",
                12,
                "",
            ),
            (
                "pja-public-meeting",
                "At least one public meeting a year",
                "The notice and notes of the public meeting.",
                12,
                "",
            ),
        ],
    ),
    (
        "pja-scrutiny",
        "Crime and disorder scrutiny",
        "Police and Justice Act 2006",
        "Section 19",
        "The council's crime and disorder committee scrutinises the partnership's work at least once "
        "every 12 months.",
        "Scrutiny Manager",
        "Scrutiny Committee",
        [
            (
                "pja-scrutiny-review",
                "Scrutiny committee review of the partnership",
                "The committee report and minutes.",
                12,
                "",
            ),
        ],
    ),
    (
        "pca-reoffending",
        "Reducing re-offending",
        "Policing and Crime Act 2009",
        "Section 108 (Crime and Disorder Act 1998 section 6)",
        "The partnership's strategy includes reducing re-offending, working with the Probation Service.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "pca-reoffending-strategy",
                "Re-offending included in the partnership strategy",
                "The section of the plan or the reducing re-offending strategy.",
                12,
                "",
            ),
        ],
    ),
    (
        "ctsa-prevent",
        "Prevent duty",
        "Counter-Terrorism and Security Act 2015",
        "Section 26",
        "The council must have due regard to the need to prevent people from being drawn into "
        "terrorism: a partnership group, a risk assessment, a plan, a referral pathway, a Channel "
        "panel, training, reducing permissive environments and communications.",
        "Prevent Lead",
        "Somerset Prevent Board",
        [
            (
                "prevent-partnership-group",
                "Multi-agency partnership group",
                "Terms of reference and minutes.",
                12,
                "partnership_group",
            ),
            (
                "prevent-risk-assessment",
                "Local risk assessment",
                "The risk assessment using the counter-terrorism local profile.",
                12,
                "risk_assessment",
            ),
            (
                "prevent-partnership-plan",
                "Prevent partnership plan",
                "The plan agreed by the Prevent board.",
                12,
                "partnership_plan",
            ),
            (
                "prevent-referral-pathway",
                "Referral pathway",
                "The published referral pathway.",
                12,
                "referral_pathway",
            ),
            (
                "prevent-channel-panel",
                "Channel panel in place",
                "Panel terms of reference and attendance.",
                12,
                "channel_panel",
            ),
            ("prevent-training", "Training", "Training plan and numbers trained.", 12, "training"),
            (
                "prevent-permissive-environments",
                "Reducing permissive environments",
                "Venue hire and IT use policies checked.",
                12,
                "permissive_environments",
            ),
            (
                "prevent-communications",
                "Communications and engagement",
                "Communications plan and activity.",
                12,
                "communications",
            ),
        ],
    ),
    (
        "ctsa-channel",
        "Channel panel",
        "Counter-Terrorism and Security Act 2015",
        "Sections 36 to 41",
        "The council chairs a Channel panel that assesses and supports people referred as vulnerable "
        "to being drawn into terrorism, and tells the Home Office each year how it meets the duty.",
        "Prevent Lead",
        "Channel Panel",
        [
            (
                "ctsa-channel-assurance",
                "Annual Channel assurance statement",
                "The assurance statement sent to the Home Office.",
                12,
                "",
            ),
        ],
    ),
    (
        "msa-s52",
        "Duty to notify: modern slavery",
        "Modern Slavery Act 2015",
        "Section 52",
        "The council tells the Home Office about every potential victim of modern slavery it meets: "
        "children and consenting adults through a National Referral Mechanism referral, adults who do "
        "not consent through an anonymous MS1 notification.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "msa-s52-review",
                "Duty-to-notify arrangements reviewed",
                "First responder training and the annual review of referrals made.",
                12,
                "",
            ),
        ],
    ),
    (
        "dvcva-s9",
        "Domestic Homicide Reviews",
        "Domestic Violence, Crime and Victims Act 2004",
        "Section 9",
        "The partnership reviews the circumstances of a death of a person aged 16 or over that has, or "
        "appears to have, resulted from violence, abuse or neglect by a relative, partner or household "
        "member, to learn lessons.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "dvcva-s9-arrangements",
                "Review arrangements and action plans reviewed",
                "The board's annual report on reviews and their action plans.",
                12,
                "",
            ),
        ],
    ),
    (
        "pcsc-svd",
        "Serious Violence Duty",
        "Police, Crime, Sentencing and Courts Act 2022",
        "Part 2, Chapter 1",
        "The specified authorities work together to understand serious violence locally, publish a "
        "strategy to prevent and reduce it, and review the strategy every year.",
        HEAD,
        PARTNERSHIP,
        [
            (
                "svd-strategy",
                "Serious violence strategy and needs assessment",
                "The published strategy and strategic needs assessment.",
                36,
                "",
            ),
            (
                "svd-annual-review",
                "Annual review of the strategy",
                "The review and the board minutes.",
                12,
                "",
            ),
        ],
    ),
    (
        "daa-part4",
        "Safe accommodation for victims of domestic abuse",
        "Domestic Abuse Act 2021",
        "Part 4",
        "The council assesses the need for support in safe accommodation, publishes a strategy, "
        "reviews it within each three years, and reports to government every year, advised by its "
        "domestic abuse local partnership board.",
        "Domestic Abuse Commissioning Manager",
        "Somerset Domestic Abuse Board",
        [
            ("daa-strategy-review", "Safe accommodation strategy reviewed", "The reviewed strategy.", 36, ""),
            ("daa-annual-report", "Annual report to government", "The annual return submitted.", 12, ""),
        ],
    ),
    (
        "ea-psed",
        "Public sector equality duty",
        "Equality Act 2010",
        "Section 149",
        "In its work the council must have due regard to eliminating discrimination, advancing "
        "equality of opportunity and fostering good relations between people who share a protected "
        "characteristic and those who do not.",
        "Equalities Manager",
        "The Executive",
        [
            (
                "psed-equality-assessments",
                "Equality impact assessments of community safety work",
                "Equality assessments logged in this service count as evidence.",
                12,
                "",
            ),
        ],
    ),
]


def load(apps, schema_editor):
    Duty = apps.get_model("duties", "Duty")
    Obligation = apps.get_model("duties", "Obligation")
    for order, (code, title, act, section, summary, owner, body, obligations) in enumerate(DUTIES, start=1):
        duty, _ = Duty.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "act": act,
                "section": section,
                "summary": summary,
                "owner": owner,
                "partnership_body": body,
                "display_order": order * 10,
            },
        )
        for position, (ob_code, ob_title, description, months, area) in enumerate(obligations, start=1):
            Obligation.objects.update_or_create(
                code=ob_code,
                defaults={
                    "duty": duty,
                    "title": ob_title,
                    "description": description,
                    "cycle_months": months,
                    "prevent_area": area,
                    "display_order": position * 10,
                },
            )


def unload(apps, schema_editor):
    Obligation = apps.get_model("duties", "Obligation")
    Duty = apps.get_model("duties", "Duty")
    codes = [code for code, *_ in DUTIES]
    Obligation.objects.filter(duty__code__in=codes, evidence__isnull=True).delete()
    Duty.objects.filter(code__in=codes, obligations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
