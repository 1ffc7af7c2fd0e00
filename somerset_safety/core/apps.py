from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "somerset_safety.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from . import checks  # noqa: F401
