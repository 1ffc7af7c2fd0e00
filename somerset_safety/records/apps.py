from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecordsConfig(AppConfig):
    name = "somerset_safety.records"
    label = "records"
    verbose_name = "Records management"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import navigation

        from .services import rules_load_defaults

        navigation.register(
            label="Records management",
            url_name="records:schedule",
            roles={Role.RECORDS_MANAGER, Role.AUDITOR, Role.ADMIN},
            description="The retention schedule: how long each kind of record is kept, and the records "
            "whose period has ended.",
            order=90,
        )
        post_migrate.connect(rules_load_defaults, sender=self, dispatch_uid="records_load_default_rules")
