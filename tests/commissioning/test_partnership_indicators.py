"""A partnership performance indicator that follows a commissioned service's KPI takes its value
for a quarter from the provider's return for that quarter."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning import services
from commissioning.clocks import Quarter
from partnerships.exceptions import BoardError
from partnerships.models import Board, IndicatorValue
from partnerships.performance import services as performance

from .test_returns import GOOD, contract, figures  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_indicator_equals_the_kpi_result_of_the_quarter(contract, commissioner, officer):  # noqa: F811
    services.return_record(
        actor=commissioner,
        contract=contract,
        quarter=Quarter(2025, 2),
        received_on=date(2025, 11, 3),
        figures=figures(contract, GOOD),
    )
    framework = performance.framework_create(
        actor=officer,
        board=Board.objects.get(code="ssp"),
        title="Plan (synthetic)",
        period_start=date(2025, 4, 1),
        period_end=date(2028, 3, 31),
    )
    priority = performance.priority_add(actor=officer, framework=framework, title="Recovery (synthetic)")
    kpi = contract.kpis.get(name="Repeat referrals")
    values = {
        "priority": priority,
        "code": "CS1",
        "name": "Repeat referrals to the service (synthetic)",
        "definition": "Synthetic.",
        "source": "commissioned_kpi",
        "unit": "percent",
        "polarity": "lower",
        "tolerance_pct": Decimal("5"),
    }
    with pytest.raises(BoardError, match="Choose the commissioned service's KPI"):
        performance.indicator_create(actor=officer, framework=framework, values=values)
    indicator = performance.indicator_create(
        actor=officer, framework=framework, values={**values, "commissioned_kpi_id": kpi.pk}
    )
    assert performance.values_compute(actor=officer, framework=framework, period_start=date(2025, 7, 1)) == 1
    assert performance.values_compute(actor=officer, framework=framework, period_start=date(2025, 10, 1)) == 0
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.period_start, value.value, value.origin) == (date(2025, 7, 1), Decimal("27.5"), "computed")
