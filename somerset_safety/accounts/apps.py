from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "somerset_safety.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .services import apply_role_permissions

        post_migrate.connect(apply_role_permissions, dispatch_uid="accounts_apply_role_permissions")
