from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "Statutory duties"

    def ready(self) -> None:
        from .records import register_records

        register_records()
        from .subject_access import register_sources

        register_sources()
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import demo, navigation

        from .deadlines import register_rules
        from .demo import load_demo
        from .reporting import register_reporting

        _register_references()

        navigation.register(
            label="Statutory duties",
            url_name="duties:register",
            roles={Role.OFFICER, Role.PARTNERSHIP_LEAD},
            description="The register of the council's statutory community safety duties, with evidence "
            "and due dates, the Prevent checklist and section 17 and equality assessments.",
            order=60,
        )
        navigation.register(
            label="Modern slavery",
            url_name="duties:slavery_list",
            roles={Role.OFFICER},
            description="Duty-to-notify records: National Referral Mechanism referrals and anonymous "
            "MS1 notifications.",
            order=65,
        )
        register_rules()
        register_reporting()
        from .evidence import register_evidence

        register_evidence()
        demo.register("Statutory duties (synthetic evidence)", load_demo, order=60)


def _register_references() -> None:
    """IA-2026-0001 and MS-2026-0001: numbered per year. The counters start after the highest
    reference already made that year (by the generator they replace)."""
    from somerset_safety.core import references

    from .models import ImpactAssessment, SlaveryNotification
    from .services import ASSESSMENT_REFERENCE, SLAVERY_REFERENCE

    for kind, model, prefix in (
        (ASSESSMENT_REFERENCE, ImpactAssessment, "IA"),
        (SLAVERY_REFERENCE, SlaveryNotification, "MS"),
    ):
        references.register(
            kind,
            prefix + "-{year}-{number:04d}",
            yearly=True,
            seed=lambda year, model=model, prefix=prefix: references.highest_number(
                model.objects, "reference", f"{prefix}-{year}-"
            ),
        )
