import datetime as dt

import pytest

from partnerships import services
from somerset_safety.accounts.models import Agency

from .factories import MaracAreaFactory


@pytest.fixture
def area(db):
    return MaracAreaFactory(code="TESTAREA", name="Test MARAC (synthetic)", adult_female_population=20000)


@pytest.fixture
def make_referral(coordinator, area):
    """make_referral(**overrides) through the service, with a visible high-risk score by default."""

    def make(**overrides):
        values = dict(
            actor=coordinator,
            area=area,
            referral_date=dt.date(2024, 6, 1),
            incident_date=None,
            referring_agency=Agency.objects.get(code="POLICE"),
            dash_answers={str(n): "yes" for n in range(1, 15)},
            professional_judgement=False,
            victim_details={"full_name": "Vic Tim (synthetic)", "date_of_birth": dt.date(1990, 5, 1)},
            victim_sex="female",
            victim_age=34,
            victim_ethnicity="white_british",
            victim_disabled="no",
            victim_lgbt="no",
        )
        values.update(overrides)
        return services.referral_create(**values)

    return make
