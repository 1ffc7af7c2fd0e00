from datetime import date
from decimal import Decimal

import pytest
import time_machine

from commissioning import services
from commissioning.models import Provider, Regime, ServiceType
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def today():
    """Every commissioning test runs on Sunday 1 March 2026 unless it travels elsewhere."""
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield date(2026, 3, 1)


@pytest.fixture
def commissioner(council_team):
    return UserFactory(agency=council_team, roles=[Role.COMMISSIONING_OFFICER], full_name="Cora Commissioner")


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Synthetic Domestic Abuse Service Ltd")


def contract_terms(provider, **overrides) -> dict:
    terms = {
        "title": "Somerset Integrated Domestic Abuse Service",
        "provider": provider,
        "service_type": ServiceType.DOMESTIC_ABUSE,
        "regime": Regime.PA2023_LIGHT_TOUCH,
        "start_date": date(2017, 4, 1),
        "initial_end_date": date(2020, 3, 31),
        "annual_value": Decimal("900000"),
        "total_value": Decimal("4500000"),
        "notice_period_months": 6,
        "approval_lead_days": 56,
        "contract_manager": None,
        "description": "",
    }
    return {**terms, **overrides}


@pytest.fixture
def make_contract(commissioner, provider, today):
    def make(**overrides):
        options = {
            k: overrides.pop(k) for k in ("option_count", "option_months", "signed_on") if k in overrides
        }
        return services.contract_create(
            actor=commissioner, **options, **contract_terms(provider, **overrides)
        )

    return make


@pytest.fixture
def sidas(make_contract):
    """Live since 2017, two 12-month options, ends 31 March 2020 before any extension."""
    return make_contract(option_count=2, option_months=12, signed_on=date(2017, 3, 1))
