from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecordsConfig(AppConfig):
    name = "somerset_safety.records"
    label = "records"
    verbose_name = "Records management"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import navigation, references

        from . import deadlines
        from .own_records import register_records
        from .services import rules_load_defaults

        navigation.register(
            label="Records management",
            url_name="records:schedule",
            roles={Role.RECORDS_MANAGER, Role.AUDITOR, Role.ADMIN},
            description="The retention schedule: how long each kind of record is kept, and the records "
            "whose period has ended.",
            order=90,
        )
        navigation.register(
            label="Subject access requests",
            url_name="records:sars",
            roles={Role.RECORDS_MANAGER, Role.OFFICER, Role.AUDITOR, Role.ADMIN},
            description="Requests for a copy of what the service holds about a person: their clocks, the "
            "search across every app and the disclosure bundle.",
            order=91,
        )
        references.register("sar", "SAR-{year}-{number:04d}", yearly=True)
        deadlines.register_rules()
        register_records()
        post_migrate.connect(rules_load_defaults, sender=self, dispatch_uid="records_load_default_rules")
