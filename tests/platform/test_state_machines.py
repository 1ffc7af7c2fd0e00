"""The platform's state machine (core.transitions) and each app's machine, stated by hand.

Each matrix is written out from the process it models, not read from the table under test, so
a wrong edit to a machine fails here."""

import pytest
from django.db import models

from duties.states import SLAVERY_MOVES
from partnerships.models import ReferralStatus
from partnerships.states import REFERRAL_MOVES
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.exceptions import DomainError
from somerset_safety.core.transitions import Move, StateMachine, TransitionRefused, transition
from somerset_safety.meetings.states import ACTION_MOVES, MEETING_MOVES
from somerset_safety.reports.states import VERSION_MOVES


def _declared(machine: StateMachine) -> set[tuple]:
    return {
        (source, move.name, outcome, target)
        for move in machine.moves.values()
        for source in move.sources
        for outcome, target in (move.outcomes.items() if move.outcomes else [(None, move.target)])
    }


def test_modern_slavery_matrix():
    # Awaiting the reasonable-grounds decision → positive (recovery period) or negative (final);
    # after a positive one, the conclusive-grounds decision. MS1 records take no decisions.
    assert _declared(SLAVERY_MOVES) == {
        ("awaiting_rg", "rg_decide", "positive", "rg_positive"),
        ("awaiting_rg", "rg_decide", "negative", "rg_negative"),
        ("rg_positive", "cg_decide", "positive", "cg_positive"),
        ("rg_positive", "cg_decide", "negative", "cg_negative"),
    }
    for final in ("ms1_submitted", "rg_negative", "cg_positive", "cg_negative"):
        assert SLAVERY_MOVES.moves_from(final) == []


def test_marac_referral_matrix():
    assert _declared(REFERRAL_MOVES) == {
        ("referred", "list", None, "listed"),
        ("listed", "unlist", None, "referred"),
        ("listed", "hear", None, "heard"),
        ("referred", "withdraw", None, "withdrawn"),
        ("listed", "withdraw", None, "withdrawn"),
        ("referred", "merge", None, "merged"),
        ("listed", "merge", None, "merged"),
        ("heard", "merge", None, "merged"),
    }
    assert [m.name for m in REFERRAL_MOVES.moves_from("heard")] == ["merge"]
    assert REFERRAL_MOVES.moves_from("withdrawn") == [] and REFERRAL_MOVES.moves_from("merged") == []


def test_meeting_matrix():
    # Scheduled → in progress → concluded; only a meeting not yet started can be cancelled.
    assert _declared(MEETING_MOVES) == {
        ("scheduled", "start", None, "in_progress"),
        ("in_progress", "conclude", None, "concluded"),
        ("scheduled", "cancel", None, "cancelled"),
    }
    assert MEETING_MOVES.moves_from("concluded") == [] and MEETING_MOVES.moves_from("cancelled") == []


def test_meeting_action_matrix():
    # An open action is completed, or carried forward (its open copy goes on); both are final.
    assert _declared(ACTION_MOVES) == {
        ("open", "complete", None, "completed"),
        ("open", "carry_forward", None, "carried_forward"),
    }
    assert ACTION_MOVES.moves_from("completed") == [] and ACTION_MOVES.moves_from("carried_forward") == []


def test_report_version_matrix():
    assert _declared(VERSION_MOVES) == {
        ("queued", "ready", None, "ready"),
        ("failed", "ready", None, "ready"),
        ("queued", "fail", None, "failed"),
        ("failed", "retry", None, "queued"),  # an officer tries a failed one again
    }
    assert VERSION_MOVES.moves_from("ready") == []  # a ready version never changes


# --- The platform shape itself ----------------------------------------------------------------


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"


class Refused(DomainError):
    pass


class Thing:
    def __init__(self, state, broken=False, locked=False):
        self.state, self.broken, self.locked = state, broken, locked


def _machine():
    return StateMachine(
        field="state",
        states=Light,
        refused=Refused,
        guards=[lambda t: "The light is locked." if t.locked else None],
        moves=[
            Move(
                "go", "Go", {Light.RED}, Light.GREEN, guards=[lambda t: "It is broken." if t.broken else None]
            ),
            Move("slow", "Slow down", {Light.GREEN}, Light.AMBER),
            Move("decide", "Decide", {Light.AMBER}, outcomes={"stop": Light.RED, "go": Light.GREEN}),
        ],
    )


def test_refusals_come_in_order_state_then_machine_then_move():
    machine = _machine()
    assert (
        machine.refusal(Thing(Light.GREEN), "go")
        == "This record is at “Green”. You can go only when it is at “Red”."
    )
    assert machine.refusal(Thing(Light.RED, broken=True, locked=True), "go") == "The light is locked."
    assert machine.refusal(Thing(Light.RED, broken=True), "go") == "It is broken."
    assert machine.refusal(Thing(Light.RED), "go") is None
    with pytest.raises(Refused, match="It is broken."):
        machine.check(Thing(Light.RED, broken=True), "go")


def test_options_list_every_move_from_the_state_with_its_reason():
    machine = _machine()
    options = machine.options(Thing(Light.RED, broken=True))
    assert [(o.name, o.allowed, o.refusal) for o in options] == [("go", False, "It is broken.")]
    assert machine.hold(Thing(Light.RED, locked=True)) == "The light is locked."
    assert machine.hold(Thing(Light.RED)) is None


def test_a_decision_move_has_one_target_per_outcome():
    move = _machine()["decide"]
    assert move.targets == {Light.RED, Light.GREEN}
    assert (move.target_for("stop"), move.target_for("go"), move.target_for("maybe")) == (
        "red",
        "green",
        None,
    )


@pytest.mark.parametrize(
    "moves",
    [
        [Move("a", "A", {Light.RED}, Light.GREEN), Move("a", "A again", {Light.GREEN}, Light.RED)],
        [Move("a", "A", {"blue"}, Light.GREEN)],
    ],
)
def test_a_machine_refuses_a_bad_table(moves):
    with pytest.raises(ValueError):
        StateMachine(field="state", states=Light, moves=moves)


def test_a_move_needs_exactly_one_of_target_and_outcomes():
    with pytest.raises(ValueError):
        Move("a", "A", {Light.RED})
    with pytest.raises(ValueError):
        Move("a", "A", {Light.RED}, Light.GREEN, outcomes={"x": Light.AMBER})


def test_the_platform_refusal_is_a_domain_error():
    assert issubclass(TransitionRefused, DomainError)


@pytest.mark.django_db
def test_transition_locks_sets_saves_audits_and_runs_the_after_hook(officer):
    """On a real record: a MARAC referral withdrawn through the platform helper."""
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    seen = []
    machine = StateMachine(
        field="status",
        states=ReferralStatus,
        moves=[Move("withdraw", "Withdraw the referral", {"referred"}, "withdrawn")],
        after=lambda obj, move, actor, context: seen.append((obj.status, move.name, context)),
    )
    moved = transition(
        referral,
        "withdraw",
        machine=machine,
        actor=officer,
        values={"withdrawn_reason": "Entered in error"},
        context={"note": "n"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.withdrawn_reason) == ("withdrawn", "Entered in error")
    assert moved.status == "withdrawn"
    assert seen == [("withdrawn", "withdraw", {"note": "n"})]
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION).latest("id")
    assert event.detail == {"move": "withdraw", "from": "referred", "to": "withdrawn"}
    assert sorted(event.changed_fields) == ["status", "withdrawn_reason"]
    with pytest.raises(
        TransitionRefused, match="You can withdraw the referral only when it is at “Referred”"
    ):
        transition(referral, "withdraw", machine=machine, actor=officer)
