"""System checks for a production configuration (`manage.py check --deploy`).

Values production must supply are checked on every command that runs the checks, and gunicorn,
the Celery worker and beat refuse to start without them (`refuse_to_start_if_misconfigured`).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

# Each value production must set: its check id and what it is for.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": ("E010", "Django's secret for sessions and signed links."),
    "DATABASE_URL": ("E011", "postgres://user:password@host:5432/name. Without it there is no database."),
    "REDIS_URL": (
        "E012",
        "redis://host:6379/0: the broker for the worker and beat. Without it no reminder is ever sent.",
    ),
    "SITE_URL": ("E013", "The service's own address (https://…), used for the links in emails."),
    "AUDIT_CHAIN_KEY": (
        "E014",
        "A long random secret (for example `openssl rand -hex 32`) that seals the audit log and "
        "signs its anchors. Keep it outside the database and never change it.",
    ),
}
MIN_AUDIT_KEY_LENGTH = 32


def production_errors() -> list[Error]:
    """Everything about this configuration that production cannot run with."""
    if not settings.PRODUCTION:
        return []
    errors = [
        Error(f"{name} is not set.", hint=hint, id=f"safer_somerset.{check_id}")
        for name, (check_id, hint) in REQUIRED_IN_PRODUCTION.items()
        if name in settings.MISSING_PRODUCTION_SETTINGS
    ]
    if settings.UPLOAD_SCANNER == settings.NO_SCAN and not settings.UPLOAD_SCANNER_NONE_ACCEPTED:
        errors.append(
            Error(
                "Uploads are not scanned for viruses (UPLOAD_SCANNER is not set).",
                hint="Set UPLOAD_SCANNER=somerset_safety.core.scanning.clamav_scan with CLAMAV_SOCKET "
                "or CLAMAV_HOST, or accept no scanning explicitly with UPLOAD_SCANNER_NONE_ACCEPTED=true.",
                id="safer_somerset.E016",
            )
        )
    key = settings.AUDIT_CHAIN_KEY
    if key and len(key) < MIN_AUDIT_KEY_LENGTH:
        errors.append(
            Error(
                f"AUDIT_CHAIN_KEY is shorter than {MIN_AUDIT_KEY_LENGTH} characters.",
                hint="Use a long random secret, for example `openssl rand -hex 32`.",
                id="safer_somerset.E015",
            )
        )
    return errors


@register(Tags.security)
def production_settings(app_configs, **kwargs):
    return production_errors()


@register(Tags.security)
def trusted_proxies_valid(app_configs, **kwargs):
    import ipaddress

    errors = []
    for proxy in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXIES holds {proxy!r}, which is not an address or a network.",
                    hint="List the load balancers' addresses, e.g. 10.0.0.5,10.0.1.0/24.",
                    id="safer_somerset.E017",
                )
            )
    return errors


def refuse_to_start_if_misconfigured() -> None:
    """Called as gunicorn, the worker and beat start: fail fast rather than run half-configured."""
    errors = production_errors()
    if errors:
        raise ImproperlyConfigured(
            "Safer Somerset cannot start: " + " ".join(f"{e.msg} ({e.id})" for e in errors)
        )


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
