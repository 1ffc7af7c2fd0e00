from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "somerset_safety.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from somerset_safety.accounts.roles import Role
        from somerset_safety.core import navigation

        from . import signals  # noqa: F401

        navigation.register(
            label="Audit",
            url_name="audit:event_list",
            roles={Role.AUDITOR, Role.ADMIN},
            description="Who viewed, changed or disclosed records, and a check that the log "
            "has not been altered.",
            order=900,
        )
