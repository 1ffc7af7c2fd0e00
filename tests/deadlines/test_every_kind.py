"""Every clock the apps register: met after its due date reads "met late" with the days late
(in the row function and its SQL twin alike), and the statutory ones are marked and refused a
waiver whoever asks."""

from datetime import date

import pytest

from somerset_safety.deadlines import registry
from somerset_safety.deadlines.exceptions import DeadlineError
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.services import deadline_waive
from somerset_safety.deadlines.state import State, clock_state, with_state

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 26)
TODAY = date(2026, 11, 1)

# What the issue and DOMAIN call statutory; the apps may mark more (the procurement notices).
MUST_BE_STATUTORY = {
    "dhr_decision_due",
    "dhr_completion_due",
    "dhr_commissioner_copy_due",
    "duty_obligation_due",
    "modern_slavery_rg_check",
}


def _app_kinds():
    return sorted(k.key for k in registry.kinds() if not k.key.startswith("test."))


def _row(kind: str, **values) -> Deadline:
    return Deadline.objects.create(
        subject_type="tests.none",
        subject_id=1,
        kind=kind,
        label="A clock (synthetic)",
        subject_url="/",
        due_date=DUE,
        statutory=registry.kind(kind).statutory,
        **values,
    )


def test_the_apps_register_their_clocks():
    kinds = set(_app_kinds())
    assert {
        "dhr_agency_report_due",
        "marac_action",
        "marac_agenda",
        "marac_12_months",
        "contract_return_due",
    } <= kinds
    assert MUST_BE_STATUTORY <= kinds


@pytest.mark.parametrize("kind", _app_kinds())
def test_met_late_on_every_kind(kind):
    late = _row(kind, status=DeadlineStatus.MET, met_on=date(2026, 4, 5))
    state = clock_state(late, TODAY)
    assert (state.key, state.tag, state.days, state.detail) == (
        State.MET_LATE,
        "Met late",
        10,
        "Met 5 April 2026, 10 days late",
    )
    assert with_state(Deadline.objects.filter(pk=late.pk), TODAY).get().clock_state == State.MET_LATE
    Deadline.objects.filter(pk=late.pk).update(met_on=DUE)
    on_time = Deadline.objects.get(pk=late.pk)
    assert clock_state(on_time, TODAY).key == State.MET_ON_TIME
    assert with_state(Deadline.objects.filter(pk=late.pk), TODAY).get().clock_state == State.MET_ON_TIME


@pytest.mark.parametrize("kind", sorted(MUST_BE_STATUTORY))
def test_statutory_clocks_are_marked_and_never_waived(kind, admin_user):
    assert registry.kind(kind).statutory
    deadline = _row(kind)
    with pytest.raises(DeadlineError, match="statutory deadline, so it cannot be waived"):
        deadline_waive(actor=admin_user, deadline=deadline, reason="Asked to (synthetic).")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN and deadline.waived_reason == ""
