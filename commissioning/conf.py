"""Commissioning settings, each read with its default (settings.py reads them from the
environment). Functions, so a changed setting applies at once and tests can override it."""

from decimal import Decimal

from django.conf import settings


def _setting(name: str, default):
    return getattr(settings, name, default)


def reference_prefix() -> str:
    return _setting("COMMISSIONING_REFERENCE_PREFIX", "CON")


def reprocurement_lead_months() -> int:
    return _setting("COMMISSIONING_REPROCUREMENT_LEAD_MONTHS", 18)


def return_working_days() -> int:
    return _setting("COMMISSIONING_RETURN_WORKING_DAYS", 20)


def standstill_working_days(regime: str) -> int:
    if regime == "psr":
        return _setting("COMMISSIONING_PSR_STANDSTILL_WORKING_DAYS", 8)
    if regime == "pcr2015":
        return _setting("COMMISSIONING_PCR_STANDSTILL_WORKING_DAYS", 8)
    return _setting("COMMISSIONING_PA2023_STANDSTILL_WORKING_DAYS", 8)


def psr_restart_working_days() -> int:
    return _setting("COMMISSIONING_PSR_RESTART_WORKING_DAYS", 5)


def pa2023_min_kpis() -> int:
    return _setting("COMMISSIONING_PA2023_MIN_KPIS", 3)


def contract_details_notice_days() -> int:
    return _setting("COMMISSIONING_CONTRACT_DETAILS_NOTICE_DAYS", 30)


def performance_notice_months() -> int:
    return _setting("COMMISSIONING_PERFORMANCE_NOTICE_MONTHS", 12)


def termination_notice_days() -> int:
    return _setting("COMMISSIONING_TERMINATION_NOTICE_DAYS", 30)


def psr_change_value_limit() -> Decimal:
    return Decimal(_setting("COMMISSIONING_PSR_CHANGE_VALUE_LIMIT", 500_000))


def psr_change_share_limit() -> Decimal:
    return Decimal(_setting("COMMISSIONING_PSR_CHANGE_SHARE_LIMIT_PERCENT", 25)) / 100


def psr_change_limits_either() -> bool:
    return _setting("COMMISSIONING_PSR_CHANGE_LIMITS_EITHER", True)


def psr_transparency_threshold() -> Decimal:
    return Decimal(_setting("COMMISSIONING_PSR_TRANSPARENCY_THRESHOLD", 500_000))


def psr_transparency_notice_days() -> int:
    return _setting("COMMISSIONING_PSR_TRANSPARENCY_NOTICE_DAYS", 30)


def due_soon_days() -> int:
    return _setting("COMMISSIONING_DUE_SOON_DAYS", 28)


def pa2023_kpi_threshold() -> Decimal:
    return Decimal(_setting("COMMISSIONING_PA2023_KPI_THRESHOLD", 5_000_000))


def notice_period_months() -> int:
    return _setting("COMMISSIONING_NOTICE_PERIOD_MONTHS", 6)


def approval_lead_days() -> int:
    return _setting("COMMISSIONING_APPROVAL_LEAD_DAYS", 56)


def return_max_bytes() -> int:
    return _setting("COMMISSIONING_RETURN_MAX_BYTES", 2 * 1024 * 1024)
