from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_not_in_production(app_configs, **kwargs):
    errors = []
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "DEMO_MODE is on: it is for make run with synthetic data only.",
                hint="Unset DEMO_MODE in production.",
                id="safer_somerset.E001",
            )
        )
    if not settings.REQUIRE_SECOND_FACTOR:
        errors.append(
            Error(
                "The second factor is switched off (REQUIRE_SECOND_FACTOR).",
                hint="Every user must sign in with a password and TOTP (S1).",
                id="safer_somerset.E002",
            )
        )
    return errors
