import datetime as dt
from pathlib import Path

import pytest

from partnerships import services
from somerset_safety.accounts.models import Agency

from .factories import MaracAreaFactory, ReferralFactory


@pytest.fixture
def sample_refs(db):
    """The areas and agencies of the synthetic example files (tests/partnerships/data, a copy of
    ../shared/examples/marac)."""
    examples = Path(__file__).parent / "data"
    services.areas_load(actor=None, text=(examples / "areas.csv").read_text())
    services.agencies_load(actor=None, text=(examples / "agencies.csv").read_text())


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


@pytest.fixture
def hand_worked(db):
    """Eight cases heard in Q1 2024 in an area of 16,000 women, plus cases outside the quarter."""
    area = MaracAreaFactory(code="HAND", adult_female_population=16000)
    police, health = Agency.objects.get(code="POLICE"), Agency.objects.get(code="HEALTH")

    def heard(day, **kw):
        defaults = dict(area=area, status="heard", heard_date=day, referral_date=day - dt.timedelta(days=7))
        return ReferralFactory(**(defaults | kw))

    heard(
        dt.date(2024, 1, 1),
        referring_agency=police,
        is_repeat=True,
        children_in_household=2,
        victim_ethnicity="white_irish",
        victim_age=16,
        perpetrator_age=17,
    )
    heard(
        dt.date(2024, 1, 15),
        referring_agency=police,
        children_in_household=1,
        victim_ethnicity="not_known",
        victim_lgbt="yes",
        victim_age=17,
    )
    heard(
        dt.date(2024, 2, 1),
        referring_agency=health,
        is_repeat=True,
        victim_ethnicity="asian_indian",
        victim_disabled="yes",
        victim_sex="male",
        perpetrator_age=18,
    )
    heard(dt.date(2024, 2, 29), referring_agency=health, victim_disabled="not_known", victim_age=18)
    heard(
        dt.date(2024, 3, 1),
        referring_agency=police,
        children_in_household=3,
        victim_sex="other",
        perpetrator_age=15,
    )
    heard(dt.date(2024, 3, 10), referring_agency=police, victim_lgbt="not_known", victim_age=None)
    heard(
        dt.date(2024, 3, 20),
        referring_agency=health,
        is_repeat=True,
        victim_ethnicity="black_african",
        victim_disabled="yes",
    )
    heard(dt.date(2024, 3, 31), referring_agency=police)
    # Outside the quarter: two in the rolling 12 months, one just before it, one not heard.
    heard(dt.date(2023, 4, 1), referring_agency=police, is_repeat=True)
    heard(dt.date(2023, 12, 31), referring_agency=police)
    heard(dt.date(2023, 3, 31), referring_agency=police)
    heard(dt.date(2024, 4, 1), referring_agency=police)
    ReferralFactory(area=area, referral_date=dt.date(2024, 2, 1))
    ReferralFactory(status="heard", heard_date=dt.date(2024, 2, 1))  # another area
    return area
