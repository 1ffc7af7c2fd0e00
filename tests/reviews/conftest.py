from datetime import date

import pytest


@pytest.fixture(autouse=True)
def _fixed_today(today_is):
    """Reviews tests run on 1 November 2026 unless a test moves the clock with today_is."""
    return today_is(date(2026, 11, 1))
