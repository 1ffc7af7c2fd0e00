"""MARAC settings, each read with its default (the lead engineer adds them to settings.py)."""

from django.conf import settings

DEFAULT_MINORITISED = (
    "white_irish",
    "white_gypsy_traveller",
    "white_roma",
    "white_other",
    "mixed_white_black_caribbean",
    "mixed_white_black_african",
    "mixed_white_asian",
    "mixed_other",
    "asian_indian",
    "asian_pakistani",
    "asian_bangladeshi",
    "asian_chinese",
    "asian_other",
    "black_african",
    "black_caribbean",
    "black_other",
    "other_arab",
    "other_any",
)

# SafeLives national figures, 12 months to 30 September 2024 (DOMAIN §3).
DEFAULT_BENCHMARKS = {
    "cases_per_10k_rolling_12m": "SafeLives recommends 40; national 47",
    "repeat_rate_pct": "National 31% (28–40% expected)",
    "non_police_pct": "National 36.1%",
    "victims_minoritised_pct": "National 14.1%",
    "victims_lgbt_pct": "National 1.6%",
    "victims_disabled_pct": "National 10.1%",
    "victims_male_pct": "National 6.4%",
    "victims_16_17_pct": "National 1.3%",
}


DEFAULT_BENCHMARK_SOURCE = "SafeLives national figures, 12 months to 30 September 2024"


def high_risk_threshold() -> int:
    return getattr(settings, "MARAC_HIGH_RISK_THRESHOLD", 14)


def escalation_incidents() -> int:
    return getattr(settings, "MARAC_ESCALATION_INCIDENTS", 3)


def escalation_months() -> int:
    return getattr(settings, "MARAC_ESCALATION_MONTHS", 12)


def minoritised_ethnicities() -> tuple[str, ...]:
    return tuple(getattr(settings, "MARAC_MINORITISED_ETHNICITIES", DEFAULT_MINORITISED))


def agenda_working_days() -> int:
    return getattr(settings, "MARAC_AGENDA_WORKING_DAYS", 5)


def benchmarks() -> dict[str, str]:
    return dict(getattr(settings, "MARAC_BENCHMARKS", DEFAULT_BENCHMARKS))


def benchmark_source() -> str:
    """Where the benchmarks come from, printed under them in the report."""
    return getattr(settings, "MARAC_BENCHMARK_SOURCE", DEFAULT_BENCHMARK_SOURCE)


def recommended_cases_per_10k() -> int:
    """SafeLives' recommended MARAC volume: cases a year per 10,000 women aged 16 and over."""
    return getattr(settings, "MARAC_RECOMMENDED_CASES_PER_10K", 40)


def trend_quarters() -> int:
    """How many calendar quarters the dashboard and report trend shows."""
    return getattr(settings, "MARAC_TREND_QUARTERS", 8)


def import_max_bytes() -> int:
    return getattr(settings, "MARAC_IMPORT_MAX_BYTES", 100 * 1024 * 1024)


def due_soon_days() -> int:
    """Days before its due date a MARAC action, agenda or 12-month review counts as due soon."""
    return getattr(settings, "MARAC_DUE_SOON_DAYS", 7)


def papers_working_days() -> int:
    """Working days before a meeting by which every invited agency's research returns are due."""
    return getattr(settings, "MARAC_PAPERS_WORKING_DAYS", 2)


def research_days_after() -> int:
    """Days after a meeting that its invited agencies can still see the research list."""
    return getattr(settings, "MARAC_RESEARCH_DAYS_AFTER", 7)


def expected_repeat_rate() -> tuple[int, int]:
    """The repeat rates SafeLives expects of a MARAC, in per cent (lowest, highest): an area
    outside them is listed in the report as missing a benchmark."""
    low, high = getattr(settings, "MARAC_REPEAT_RATE_EXPECTED", (28, 40))
    return low, high


def areas_listed() -> int:
    """At most how many areas missing a benchmark the report and dashboard list (the furthest
    below the recommended number of cases first); every area is in the CSV published with it."""
    return getattr(settings, "MARAC_AREAS_LISTED", 30)
