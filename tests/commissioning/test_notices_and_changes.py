"""The Procurement Act 2023 rules for contracts over £5 million, and the Provider Selection
Regime's limits on changes. Dates and sums worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from commissioning import services
from commissioning.deadlines import (
    CHANGE_NOTICE,
    DETAILS_NOTICE,
    FINAL_PERFORMANCE_NOTICE,
    PERFORMANCE_NOTICE,
    TERMINATION_NOTICE,
    TRANSPARENCY_NOTICE,
)
from commissioning.exceptions import CommissioningError
from commissioning.models import ContractStatus, Direction, ModificationKind, NoticeKind, Regime
from commissioning.states import CONTRACT_MOVES
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

from .test_contracts import clocks

pytestmark = pytest.mark.django_db

NOTICE_KINDS = {
    DETAILS_NOTICE,
    PERFORMANCE_NOTICE,
    FINAL_PERFORMANCE_NOTICE,
    TERMINATION_NOTICE,
    CHANGE_NOTICE,
}


def add_kpi(contract, actor, name):
    return services.kpi_create(
        actor=actor,
        contract=contract,
        name=name,
        definition=f"{name} (synthetic)",
        unit="%",
        direction=Direction.HIGHER,
        target=Decimal("80"),
        tolerance=Decimal("5"),
        frequency="quarterly",
        benchmark=None,
        counts_people=False,
        set_on=date(2026, 1, 10),
    )


def in_standstill(make_contract, commissioner, **terms):
    terms = {
        "regime": Regime.PA2023,
        "total_value": Decimal("6000000"),
        "start_date": date(2026, 4, 1),
        "initial_end_date": date(2029, 3, 31),
        **terms,
    }
    contract = make_contract(**terms)
    services.contract_start_procurement(actor=commissioner, contract=contract)
    # Monday 2 February 2026: the 8th working day after is Thursday 12 February.
    return services.contract_record_intention(
        actor=commissioner, contract=contract, notice_on=date(2026, 2, 2)
    )


def test_over_5_million_needs_three_kpis_before_signing(make_contract, commissioner):
    contract = in_standstill(make_contract, commissioner)
    add_kpi(contract, commissioner, "Engagement")
    add_kpi(contract, commissioner, "Risk reduced")
    refusal = CONTRACT_MOVES.refusal(contract, "sign")
    assert "at least 3 KPIs" in refusal and "This one has 2" in refusal
    with pytest.raises(CommissioningError, match="at least 3 KPIs"):
        services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 2, 16))
    assert not (NOTICE_KINDS & {kind for kind, _ in clocks(contract)})
    add_kpi(contract, commissioner, "Repeat referrals")
    contract = services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 2, 16))
    assert contract.status == ContractStatus.LIVE
    rows = clocks(contract)
    assert rows[(DETAILS_NOTICE, "")] == (date(2026, 3, 18), DeadlineStatus.OPEN, None)
    assert rows[(PERFORMANCE_NOTICE, "1")] == (date(2027, 2, 16), DeadlineStatus.OPEN, None)
    assert (PERFORMANCE_NOTICE, "2") not in rows
    # Ends 31 March 2029: termination notice and the last performance notice within 30 days.
    assert rows[(TERMINATION_NOTICE, "")] == (date(2029, 4, 30), DeadlineStatus.OPEN, None)
    assert rows[(FINAL_PERFORMANCE_NOTICE, "")] == (date(2029, 4, 30), DeadlineStatus.OPEN, None)
    statutory = Deadline.objects.filter(subject_id=contract.pk, kind__in=NOTICE_KINDS).values_list(
        "statutory", flat=True
    )
    assert set(statutory) == {True}


@pytest.mark.parametrize(
    ("regime", "total"),
    [(Regime.PA2023, "5000000"), (Regime.PA2023_LIGHT_TOUCH, "6000000"), (Regime.PSR, "6000000")],
)
def test_the_rule_applies_only_over_5_million_and_not_light_touch(make_contract, commissioner, regime, total):
    contract = in_standstill(make_contract, commissioner, regime=regime, total_value=Decimal(total))
    contract = services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 2, 16))
    assert contract.status == ContractStatus.LIVE
    assert not (NOTICE_KINDS & {kind for kind, _ in clocks(contract)})


@pytest.fixture
def notifiable(make_contract, commissioner):
    contract = in_standstill(make_contract, commissioner)
    kpis = [
        add_kpi(contract, commissioner, name) for name in ("Engagement", "Risk reduced", "Repeat referrals")
    ]
    contract = services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 2, 16))
    return contract, kpis


def test_performance_notice_rates_every_kpi_and_restarts_the_12_months(notifiable, commissioner, today):
    contract, kpis = notifiable
    with pytest.raises(CommissioningError, match="Rate every KPI: Repeat referrals"):
        services.notice_publish(
            actor=commissioner,
            contract=contract,
            kind=NoticeKind.PERFORMANCE,
            published_on=date(2026, 2, 27),
            summary="First assessment",
            ratings={kpis[0].pk: "good", kpis[1].pk: "inadequate"},
        )
    assert not contract.notices.exists()
    services.notice_publish(
        actor=commissioner,
        contract=contract,
        kind=NoticeKind.PERFORMANCE,
        published_on=date(2026, 2, 27),
        summary="First assessment",
        ratings={k.pk: "approaching_target" for k in kpis},
    )
    rows = clocks(contract)
    assert rows[(PERFORMANCE_NOTICE, "1")] == (date(2027, 2, 16), DeadlineStatus.MET, date(2026, 2, 27))
    # The next at least 12 months after that one was published.
    assert rows[(PERFORMANCE_NOTICE, "2")] == (date(2027, 2, 27), DeadlineStatus.OPEN, None)
    assert set(contract.notices.get().ratings.values_list("rating", flat=True)) == {"approaching_target"}


def test_details_termination_and_final_notices_meet_their_clocks(notifiable, commissioner):
    contract, kpis = notifiable
    services.notice_publish(
        actor=commissioner,
        contract=contract,
        kind=NoticeKind.CONTRACT_DETAILS,
        published_on=date(2026, 2, 20),
        summary="Contract details",
    )
    assert clocks(contract)[(DETAILS_NOTICE, "")] == (
        date(2026, 3, 18),
        DeadlineStatus.MET,
        date(2026, 2, 20),
    )


def test_a_change_notice_is_due_before_the_modification_takes_effect(notifiable, commissioner):
    contract, _ = notifiable
    modification = services.modification_record(
        actor=commissioner,
        contract=contract,
        kind=ModificationKind.COUNCIL_INITIATED,
        description="More hours",
        reason="Demand",
        value_change=Decimal("100000"),
        agreed_on=date(2026, 3, 1),
        takes_effect_on=date(2026, 6, 1),
    )
    key = f"modification-{modification.pk}"
    assert clocks(contract)[(CHANGE_NOTICE, key)] == (date(2026, 5, 31), DeadlineStatus.OPEN, None)
    with pytest.raises(CommissioningError, match="Select the modification"):
        services.notice_publish(
            actor=commissioner,
            contract=contract,
            kind=NoticeKind.CHANGE,
            published_on=date(2026, 3, 1),
            summary="x",
        )
    services.notice_publish(
        actor=commissioner,
        contract=contract,
        kind=NoticeKind.CHANGE,
        published_on=date(2026, 3, 1),
        summary="Change notice",
        modification=modification,
    )
    assert clocks(contract)[(CHANGE_NOTICE, key)] == (date(2026, 5, 31), DeadlineStatus.MET, date(2026, 3, 1))


def test_the_30_day_notices_count_a_leap_february(make_contract, commissioner):
    """The 30 days are calendar days. Signed Monday 31 January 2028: February 2028 has 29 days,
    so 30 days on is Wednesday 1 March (2 March in a year that is not a leap year). Ends
    Saturday 31 January 2032, another leap year: termination and final performance notices by
    Monday 1 March 2032. A change taking effect on 1 March 2028 needs its notice by the day
    before, Tuesday 29 February."""
    with time_machine.travel(date(2028, 6, 1), tick=False):
        contract = in_standstill(
            make_contract, commissioner, start_date=date(2028, 2, 1), initial_end_date=date(2032, 1, 31)
        )
        for name in ("Engagement", "Risk reduced", "Repeat referrals"):
            add_kpi(contract, commissioner, name)
        contract = services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2028, 1, 31))
        modification = services.modification_record(
            actor=commissioner,
            contract=contract,
            kind=ModificationKind.COUNCIL_INITIATED,
            description="More hours",
            reason="Demand",
            value_change=Decimal("100000"),
            agreed_on=date(2028, 2, 1),
            takes_effect_on=date(2028, 3, 1),
        )
    rows = clocks(contract)
    assert rows[(DETAILS_NOTICE, "")][0] == date(2028, 3, 1)
    # 12 months from a month end is the month end: 31 January 2029.
    assert rows[(PERFORMANCE_NOTICE, "1")][0] == date(2029, 1, 31)
    assert rows[(TERMINATION_NOTICE, "")][0] == date(2032, 3, 1)
    assert rows[(FINAL_PERFORMANCE_NOTICE, "")][0] == date(2032, 3, 1)
    assert rows[(CHANGE_NOTICE, f"modification-{modification.pk}")][0] == date(2028, 2, 29)


@pytest.fixture
def psr_contract(make_contract):
    return make_contract(
        regime=Regime.PSR,
        total_value=Decimal("1000000"),
        annual_value=Decimal("250000"),
        start_date=date(2025, 4, 1),
        initial_end_date=date(2029, 3, 31),
        signed_on=date(2025, 3, 1),
    )


def change(contract, actor, value, kind=ModificationKind.COUNCIL_INITIATED):
    return services.modification_record(
        actor=actor,
        contract=contract,
        kind=kind,
        description="Change",
        reason="Need",
        value_change=Decimal(value),
        agreed_on=date(2026, 2, 2),
        takes_effect_on=date(2026, 4, 1),
    )


def test_psr_headroom_below_500000_or_25_percent(psr_contract, commissioner):
    # £1m lifetime: 25 % is £250,000, so the £500,000 limit is the larger one.
    change(psr_contract, commissioner, "300000")
    assert services.psr_headroom(psr_contract).remaining == Decimal("200000")
    with pytest.raises(CommissioningError, match="remaining headroom is £200,000.00"):
        change(psr_contract, commissioner, "200000")
    with pytest.raises(CommissioningError, match="not below the limit"):
        change(psr_contract, commissioner, "-200000")
    change(psr_contract, commissioner, "199999.99")
    assert services.psr_headroom(psr_contract).remaining == Decimal("0.01")
    assert psr_contract.modifications.count() == 2
    # Changes the contract provides for, or from outside factors, are not council-initiated.
    change(psr_contract, commissioner, "700000", kind=ModificationKind.EXTERNAL_FACTORS)


def test_psr_both_limits_as_a_stricter_policy(make_contract, commissioner, settings):
    settings.COMMISSIONING_PSR_CHANGE_LIMITS_EITHER = False
    contract = make_contract(
        regime=Regime.PSR,
        total_value=Decimal("4000000"),
        start_date=date(2025, 4, 1),
        initial_end_date=date(2029, 3, 31),
        signed_on=date(2025, 3, 1),
    )
    # Both: below £500,000 and below 25 % (£1m) at once, so £500,000 is the limit.
    with pytest.raises(CommissioningError, match="not below the limit of £500,000.00"):
        change(contract, commissioner, "500000")
    settings.COMMISSIONING_PSR_CHANGE_LIMITS_EITHER = True
    change(contract, commissioner, "999999")


def test_psr_transparency_notice_at_500000_or_more(psr_contract, commissioner):
    small = change(psr_contract, commissioner, "499999.99", kind=ModificationKind.EXTERNAL_FACTORS)
    big = change(psr_contract, commissioner, "500000", kind=ModificationKind.EXTERNAL_FACTORS)
    rows = clocks(psr_contract)
    assert (TRANSPARENCY_NOTICE, f"modification-{small.pk}") not in rows
    # Agreed 2 February 2026: within 30 days, by 4 March.
    assert rows[(TRANSPARENCY_NOTICE, f"modification-{big.pk}")] == (
        date(2026, 3, 4),
        DeadlineStatus.OPEN,
        None,
    )
    assert (CHANGE_NOTICE, f"modification-{big.pk}") not in rows


def test_modifications_need_a_signed_contract(make_contract, commissioner):
    planned = make_contract(regime=Regime.PSR)
    with pytest.raises(CommissioningError, match="Only a signed contract"):
        change(planned, commissioner, "1000")
