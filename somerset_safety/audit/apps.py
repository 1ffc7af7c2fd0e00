from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_app_role_after_migrate(sender, using="default", **kwargs) -> None:
    """Each migrate re-grants the application's role its rights, new tables included."""
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql" and settings.DATABASE_APP_ROLE:
        from .database import grant_app_role

        grant_app_role(settings.DATABASE_APP_ROLE, connection)


class AuditConfig(AppConfig):
    name = "somerset_safety.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import navigation

        from . import signals  # noqa: F401

        post_migrate.connect(grant_app_role_after_migrate, sender=self, dispatch_uid="audit_grant_app_role")

        navigation.register(
            label="Audit",
            url_name="audit:event_list",
            roles={Role.AUDITOR, Role.ADMIN},
            description="Who viewed, changed or disclosed records, and a check that the log "
            "has not been altered.",
            order=900,
        )
