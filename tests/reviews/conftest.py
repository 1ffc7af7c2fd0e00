from datetime import date

import pytest


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """Reviews tests run on 1 November 2026 unless a test says otherwise."""
    today = date(2026, 11, 1)
    for target in (
        "somerset_safety.core.dates.today",
        "reviews.services._common.local_today",
        "reviews.services.documents.local_today",
        "reviews.services.recommendations.local_today",
        "reviews.services.team.local_today",
        "reviews.views.local_today",
        "reviews.forms.local_today",
        "reviews.demo.local_today",
    ):
        monkeypatch.setattr(target, lambda: today)
    return today
