"""Contracts: the state machine, extensions and their clocks, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from commissioning import services
from commissioning.deadlines import (
    EXTENSION_APPROVAL,
    EXTENSION_DECISION,
    REPROCUREMENT_APPROVAL,
    REPROCUREMENT_START,
    RETURN_DUE,
    STANDSTILL_END,
)
from commissioning.exceptions import CommissioningError
from commissioning.models import ContractStatus, EndingReason, OptionStatus, Regime
from commissioning.states import CONTRACT_MOVES
from somerset_safety.audit.models import AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus

pytestmark = pytest.mark.django_db


def clocks(contract) -> dict:
    """{(kind, key): (due, status, met_on)} from the stored deadlines that still apply (a clock
    the rule no longer gives is kept, closed, as history)."""
    return {
        (d.kind, d.key): (d.due_date, d.status, d.met_on)
        for d in Deadline.objects.filter(
            subject_type="commissioning.contract", subject_id=contract.pk
        ).exclude(status=DeadlineStatus.CLOSED)
    }


def open_due(contract, kind, key=""):
    row = clocks(contract)[(kind, key)]
    assert row[1] == DeadlineStatus.OPEN, row
    return row[0]


def take(contract, commissioner, number, *, agreed_on, decided_on):
    option = contract.options.get(number=number)
    services.option_agree(actor=commissioner, option=option, agreed_on=agreed_on)
    return services.extension_take(
        actor=commissioner,
        option=option,
        decided_on=decided_on,
        approver="The Executive",
        reason="Performing well",
    )


def test_sidas_set_up_with_two_12_month_options(sidas):
    assert sidas.reference == "CON-0001"
    assert sidas.status == ContractStatus.LIVE
    assert (sidas.current_end_date, sidas.latest_end_date) == (date(2020, 3, 31), date(2022, 3, 31))
    assert open_due(sidas, EXTENSION_DECISION, "2020-03-31") == date(2019, 9, 30)
    assert open_due(sidas, EXTENSION_APPROVAL, "2020-03-31") == date(2019, 8, 5)
    # 31 March 2022 less 18 months keeps the month end: 30 September 2020; approval 56 days before.
    assert open_due(sidas, REPROCUREMENT_START) == date(2020, 9, 30)
    assert open_due(sidas, REPROCUREMENT_APPROVAL) == date(2020, 8, 5)
    returns = sorted(key for kind, key in clocks(sidas) if kind == RETURN_DUE)
    assert len(returns) == 12 and returns[0] == "2017-18 Q1" and returns[-1] == "2019-20 Q4"
    assert AuditEvent.objects.filter(object_type="commissioning.contract", object_id=str(sidas.pk)).exists()


def test_taking_an_extension_moves_the_end_and_meets_the_decision(sidas, commissioner):
    extension = take(sidas, commissioner, 1, agreed_on=date(2019, 8, 1), decided_on=date(2019, 9, 15))
    sidas.refresh_from_db()
    assert sidas.status == ContractStatus.IN_EXTENSION
    assert (extension.previous_end_date, extension.new_end_date) == (date(2020, 3, 31), date(2021, 3, 31))
    assert (sidas.current_end_date, sidas.latest_end_date) == (date(2021, 3, 31), date(2022, 3, 31))
    rows = clocks(sidas)
    assert rows[(EXTENSION_DECISION, "2020-03-31")] == (
        date(2019, 9, 30),
        DeadlineStatus.MET,
        date(2019, 9, 15),
    )
    # The council's own approval was due on 5 August: met, but late.
    assert rows[(EXTENSION_APPROVAL, "2020-03-31")] == (
        date(2019, 8, 5),
        DeadlineStatus.MET,
        date(2019, 9, 15),
    )
    assert open_due(sidas, EXTENSION_DECISION, "2021-03-31") == date(2020, 9, 30)
    assert open_due(sidas, REPROCUREMENT_START) == date(2020, 9, 30)
    assert len([k for k in rows if k[0] == RETURN_DUE]) == 16
    assert sidas.options.get(number=1).status == OptionStatus.EXERCISED


def test_declining_the_last_option_brings_the_re_procurement_date_forward(sidas, commissioner):
    take(sidas, commissioner, 1, agreed_on=date(2019, 8, 1), decided_on=date(2019, 9, 15))
    services.option_decline(
        actor=commissioner,
        option=sidas.options.get(number=2),
        declined_on=date(2020, 9, 1),
        reason="Re-procure",
    )
    sidas.refresh_from_db()
    assert sidas.latest_end_date == date(2021, 3, 31)
    rows = clocks(sidas)
    assert rows[(EXTENSION_DECISION, "2021-03-31")] == (
        date(2020, 9, 30),
        DeadlineStatus.MET,
        date(2020, 9, 1),
    )
    assert open_due(sidas, REPROCUREMENT_START) == date(2019, 9, 30)
    services.contract_record_reprocurement(actor=commissioner, contract=sidas, started_on=date(2019, 9, 20))
    assert clocks(sidas)[(REPROCUREMENT_START, "")] == (
        date(2019, 9, 30),
        DeadlineStatus.MET,
        date(2019, 9, 20),
    )


def test_an_option_must_be_agreed_before_it_is_taken(sidas, commissioner):
    option = sidas.options.get(number=1)
    with pytest.raises(CommissioningError, match="has not been agreed"):
        services.extension_take(
            actor=commissioner, option=option, decided_on=date(2019, 9, 1), approver="x", reason="y"
        )
    services.option_agree(actor=commissioner, option=option, agreed_on=date(2019, 8, 1))
    with pytest.raises(CommissioningError, match="Enter who approved"):
        services.extension_take(
            actor=commissioner, option=option, decided_on=date(2019, 9, 1), approver=" ", reason="y"
        )
    with pytest.raises(CommissioningError, match="before the option was agreed"):
        services.extension_take(
            actor=commissioner, option=option, decided_on=date(2019, 7, 1), approver="x", reason="y"
        )
    sidas.refresh_from_db()
    assert sidas.current_end_date == date(2020, 3, 31) and not sidas.extensions.exists()


def test_extensions_keep_month_ends_in_turn(make_contract, commissioner):
    # Ends 29 January 2027: one month takes it to 28 February (a month end), the next to 31 March.
    contract = make_contract(
        start_date=date(2025, 2, 1),
        initial_end_date=date(2027, 1, 29),
        option_count=2,
        option_months=1,
        signed_on=date(2025, 1, 15),
    )
    assert contract.latest_end_date == date(2027, 3, 31)
    take(contract, commissioner, 1, agreed_on=date(2026, 2, 1), decided_on=date(2026, 2, 2))
    take(contract, commissioner, 2, agreed_on=date(2026, 2, 3), decided_on=date(2026, 2, 4))
    contract.refresh_from_db()
    assert contract.current_end_date == date(2027, 3, 31)


# The whole state machine, written out by hand: which statuses each move may start from.
EXPECTED_MOVES = {
    "start_procurement": {"planned"},
    "issue_intention": {"procuring"},
    "sign": {"standstill"},
    "extend": {"live", "in_extension"},
    "begin_ending": {"live", "in_extension"},
    "end": {"ending"},
    "abandon": {"planned", "procuring", "standstill"},
}
EXPECTED_TARGETS = {
    "start_procurement": "procuring",
    "issue_intention": "standstill",
    "sign": "live",
    "extend": "in_extension",
    "begin_ending": "ending",
    "end": "ended",
    "abandon": "ended",
}


def test_the_transition_table_is_the_hand_written_matrix():
    assert {
        name: {str(s) for s in move.sources} for name, move in CONTRACT_MOVES.moves.items()
    } == EXPECTED_MOVES
    assert {name: str(move.target) for name, move in CONTRACT_MOVES.moves.items()} == EXPECTED_TARGETS


@pytest.mark.parametrize("status", [s.value for s in ContractStatus])
@pytest.mark.parametrize("move", ["start_procurement", "issue_intention", "begin_ending", "end", "abandon"])
def test_each_move_is_refused_from_every_other_status(make_contract, commissioner, status, move):
    contract = make_contract(signed_on=date(2017, 3, 1))
    contract.status = status
    contract.final_end_date = date(2020, 3, 31) if status in ("ending", "ended") else None
    contract.save()
    call = {
        "start_procurement": lambda: services.contract_start_procurement(
            actor=commissioner, contract=contract
        ),
        "issue_intention": lambda: services.contract_record_intention(
            actor=commissioner, contract=contract, notice_on=date(2026, 2, 2)
        ),
        "begin_ending": lambda: services.contract_begin_ending(
            actor=commissioner, contract=contract, reason=EndingReason.EXPIRY, decided_on=date(2019, 9, 1)
        ),
        "end": lambda: services.contract_end(
            actor=commissioner, contract=contract, ended_on=date(2020, 3, 31)
        ),
        "abandon": lambda: services.contract_abandon(
            actor=commissioner, contract=contract, abandoned_on=date(2026, 2, 2)
        ),
    }[move]
    if status in EXPECTED_MOVES[move]:
        call()
        contract.refresh_from_db()
        assert contract.status == EXPECTED_TARGETS[move]
    else:
        with pytest.raises(
            CommissioningError, match=f"This contract is {ContractStatus(status).label.lower()}"
        ):
            call()
        contract.refresh_from_db()
        assert contract.status == status


def test_psr_standstill_over_christmas_with_a_representation(make_contract, commissioner):
    contract = make_contract(
        regime=Regime.PSR, start_date=date(2026, 4, 1), initial_end_date=date(2029, 3, 31)
    )
    assert contract.status == ContractStatus.PLANNED
    services.contract_start_procurement(actor=commissioner, contract=contract)
    contract = services.contract_record_intention(
        actor=commissioner, contract=contract, notice_on=date(2025, 12, 19)
    )
    assert open_due(contract, STANDSTILL_END) == date(2026, 1, 5)
    with time_machine.travel(date(2026, 1, 2), tick=False):
        assert "runs to midnight at the end of 5 January 2026" in CONTRACT_MOVES.refusal(contract, "sign")
        representation = services.representation_record(
            actor=commissioner,
            contract=contract,
            provider_name="Another provider",
            received_on=date(2025, 12, 30),
        )
    # Held open: no end date until the re-decision.
    assert (STANDSTILL_END, "") not in clocks(contract)
    with pytest.raises(CommissioningError, match="still running"):
        services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 2, 1))
    services.representation_decide(
        actor=commissioner, representation=representation, re_decision_on=date(2026, 1, 12), outcome="Upheld"
    )
    assert open_due(contract, STANDSTILL_END) == date(2026, 1, 19)
    with pytest.raises(CommissioningError, match="before the standstill ends on 19 January 2026"):
        services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 1, 19))
    services.contract_sign(actor=commissioner, contract=contract, signed_on=date(2026, 1, 20))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.LIVE
    assert clocks(contract)[(STANDSTILL_END, "")] == (
        date(2026, 1, 19),
        DeadlineStatus.MET,
        date(2026, 1, 19),
    )


def test_representations_only_under_psr_and_during_the_standstill(make_contract, commissioner):
    contract = make_contract(
        regime=Regime.PA2023, start_date=date(2026, 4, 1), initial_end_date=date(2029, 3, 31)
    )
    services.contract_start_procurement(actor=commissioner, contract=contract)
    services.contract_record_intention(actor=commissioner, contract=contract, notice_on=date(2026, 2, 2))
    with pytest.raises(CommissioningError, match="Provider Selection Regime standstill only"):
        services.representation_record(
            actor=commissioner, contract=contract, provider_name="X", received_on=date(2026, 2, 3)
        )
    psr = make_contract(regime=Regime.PSR, start_date=date(2026, 4, 1), initial_end_date=date(2029, 3, 31))
    services.contract_start_procurement(actor=commissioner, contract=psr)
    services.contract_record_intention(actor=commissioner, contract=psr, notice_on=date(2026, 2, 2))
    with pytest.raises(CommissioningError, match="during the standstill"):
        # The 8th working day after Monday 2 February is Thursday 12 February.
        services.representation_record(
            actor=commissioner, contract=psr, provider_name="X", received_on=date(2026, 2, 13)
        )


def test_ending_by_expiry_declines_open_options_and_meets_the_decision(sidas, commissioner):
    services.contract_begin_ending(
        actor=commissioner, contract=sidas, reason=EndingReason.EXPIRY, decided_on=date(2019, 9, 10)
    )
    sidas.refresh_from_db()
    assert sidas.status == ContractStatus.ENDING and sidas.final_end_date == date(2020, 3, 31)
    assert set(sidas.options.values_list("status", flat=True)) == {OptionStatus.DECLINED}
    assert clocks(sidas)[(EXTENSION_DECISION, "2020-03-31")] == (
        date(2019, 9, 30),
        DeadlineStatus.MET,
        date(2019, 9, 10),
    )
    assert sidas.latest_end_date == date(2020, 3, 31)
    services.contract_end(actor=commissioner, contract=sidas, ended_on=date(2020, 3, 31))
    sidas.refresh_from_db()
    assert sidas.status == ContractStatus.ENDED


def test_early_termination_ends_returns_at_its_date(sidas, commissioner):
    with pytest.raises(CommissioningError, match="by the end date in force"):
        services.contract_begin_ending(
            actor=commissioner,
            contract=sidas,
            reason=EndingReason.TERMINATION,
            decided_on=date(2019, 1, 1),
            ends_on=date(2020, 4, 30),
        )
    services.contract_begin_ending(
        actor=commissioner,
        contract=sidas,
        reason=EndingReason.TERMINATION,
        decided_on=date(2019, 1, 1),
        ends_on=date(2019, 6, 30),
    )
    returns = sorted(key for kind, key in clocks(sidas) if kind == RETURN_DUE)
    assert returns[-1] == "2019-20 Q1" and len(returns) == 9
    # 30 June 2019 less 18 months: 31 December 2017 (a month end).
    assert open_due(sidas, REPROCUREMENT_START) == date(2017, 12, 31)


def test_dates_out_of_order_and_future_dates_are_refused(make_contract, commissioner, provider):
    with pytest.raises(CommissioningError, match="initial end date must be after the start date"):
        make_contract(initial_end_date=date(2017, 4, 1))
    with pytest.raises(CommissioningError, match="must be today or in the past"):
        make_contract(signed_on=date(2026, 3, 2))
    with pytest.raises(CommissioningError, match="length of each extension option"):
        make_contract(option_count=2)
    from commissioning.models import Contract

    assert not Contract.objects.exists()


def test_contract_edit_recomputes_every_clock(sidas, commissioner):
    changed = services.contract_update(
        actor=commissioner, contract=sidas, notice_period_months=3, title=sidas.title
    )
    assert changed == ["notice_period_months"]
    # 31 March 2020 less 3 months: 31 December 2019.
    assert open_due(sidas, EXTENSION_DECISION, "2020-03-31") == date(2019, 12, 31)
    event = AuditEvent.objects.filter(object_type="commissioning.contract", action="change").latest("id")
    assert event.changed_fields == ["notice_period_months"]


def test_values_cannot_be_negative_in_funding(sidas, commissioner):
    from commissioning.models import FundingStream

    stream = FundingStream.objects.create(name="Public health grant (synthetic)")
    with pytest.raises(CommissioningError):
        services.funding_set(actor=commissioner, contract=sidas, stream=stream, annual_amount=Decimal("-1"))
    services.funding_set(actor=commissioner, contract=sidas, stream=stream, annual_amount=Decimal("400000"))
    services.funding_set(actor=commissioner, contract=sidas, stream=stream, annual_amount=Decimal("450000"))
    assert list(sidas.funding.values_list("annual_amount", flat=True)) == [Decimal("450000.00")]


def test_references_follow_contracts_made_before_the_counter_and_a_prefix_change(make_contract, settings):
    first = make_contract()
    assert first.reference == "CON-0001"
    # A contract numbered 9,999 by the earlier generator (an imported register): the counter,
    # made afresh, starts after it and the 10,000th is numbered as a number, not as text.
    from commissioning.models import Contract
    from somerset_safety.core.models import ReferenceSequence

    Contract.objects.filter(pk=first.pk).update(number=9999, reference="CON-9999")
    ReferenceSequence.objects.filter(kind="commissioning_contract").delete()
    assert make_contract().reference == "CON-10000"
    settings.COMMISSIONING_REFERENCE_PREFIX = "SOM"
    assert make_contract().reference == "SOM-10001"
