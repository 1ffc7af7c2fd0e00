"""MARAC's state machines, in the platform's shape (somerset_safety/core/transitions).

A referral is referred, put on an agenda (listed), heard at a meeting, or withdrawn before it
is heard; a same-day duplicate is merged into the referral kept. Withdrawn and merged are final;
heard is final except for a merge.
"""

from somerset_safety.core.transitions import Move, StateMachine, sync_deadlines

from .exceptions import BoardError, DisruptionError, MaracError
from .models import ForwardPlanStatus, GroupStatus, ImportStatus, ReferralStatus
from .models.performance import Release

NOT_YET_HEARD = {ReferralStatus.REFERRED, ReferralStatus.LISTED}


def _referral_refusal(referral, move: Move) -> str:
    if referral.status == ReferralStatus.HEARD:
        return f"A referral that has been heard at a meeting cannot be {move.label.lower()}."
    if referral.status == ReferralStatus.WITHDRAWN:
        return f"This referral has been withdrawn, so it cannot be {move.label.lower()}."
    if referral.status == ReferralStatus.MERGED:
        return f"This referral has been merged into another, so it cannot be {move.label.lower()}."
    return (
        f"This referral is “{referral.get_status_display().lower()}”, so it cannot be {move.label.lower()}."
    )


REFERRAL_MOVES = StateMachine(
    field="status",
    states=ReferralStatus,
    refused=MaracError,
    describe_refusal=_referral_refusal,
    after=sync_deadlines,
    moves=[
        # Labels finish "it cannot be …" in a refusal.
        Move("list", "Put on an agenda", {ReferralStatus.REFERRED}, ReferralStatus.LISTED),
        Move("unlist", "Taken off the agenda", {ReferralStatus.LISTED}, ReferralStatus.REFERRED),
        Move("hear", "Heard", {ReferralStatus.LISTED}, ReferralStatus.HEARD),
        Move("withdraw", "Withdrawn", NOT_YET_HEARD, ReferralStatus.WITHDRAWN),
        # A same-day duplicate of another referral of the victim, folded into the one kept.
        Move("merge", "Merged", {*NOT_YET_HEARD, ReferralStatus.HEARD}, ReferralStatus.MERGED),
    ],
)


# An import file: checked in the background, then ready for the officer to confirm or rejected
# with its problems; once confirmed it is written in the background. A check or write that
# breaks (not a problem in the file) is failed, and nothing is saved.
IMPORT_MOVES = StateMachine(
    field="status",
    states=ImportStatus,
    refused=MaracError,
    moves=[
        Move("checked", "Checked", {ImportStatus.CHECKING}, ImportStatus.READY),
        Move("reject", "Rejected", {ImportStatus.CHECKING, ImportStatus.IMPORTING}, ImportStatus.REJECTED),
        Move("confirm", "Confirmed", {ImportStatus.READY}, ImportStatus.IMPORTING),
        Move("imported", "Imported", {ImportStatus.IMPORTING}, ImportStatus.IMPORTED),
        Move("fail", "Failed", {ImportStatus.CHECKING, ImportStatus.IMPORTING}, ImportStatus.FAILED),
    ],
)


# A board's forward plan: an item is planned, tabled when its paper goes on an agenda, deferred
# (and planned again) or withdrawn. Tabled and withdrawn are final.
FORWARD_PLAN_MOVES = StateMachine(
    field="status",
    states=ForwardPlanStatus,
    refused=BoardError,
    moves=[
        Move(
            "table",
            "Table its paper",
            {ForwardPlanStatus.PLANNED, ForwardPlanStatus.DEFERRED},
            ForwardPlanStatus.TABLED,
        ),
        Move("defer", "Defer it", {ForwardPlanStatus.PLANNED}, ForwardPlanStatus.DEFERRED),
        Move("replan", "Plan it again", {ForwardPlanStatus.DEFERRED}, ForwardPlanStatus.PLANNED),
        Move(
            "withdraw",
            "Withdraw it",
            {ForwardPlanStatus.PLANNED, ForwardPlanStatus.DEFERRED},
            ForwardPlanStatus.WITHDRAWN,
        ),
    ],
)


# The release of an indicator's value: restricted (police data not yet approved for release),
# approved as provisional, or approved as public (only public values reach the public paper).
# A released value that must be corrected goes back to restricted, and is approved again.
VALUE_RELEASE_MOVES = StateMachine(
    field="release",
    states=Release,
    refused=BoardError,
    moves=[
        Move("provisional", "Approve as provisional", {Release.RESTRICTED}, Release.PROVISIONAL),
        Move("publish", "Approve for publication", {Release.RESTRICTED, Release.PROVISIONAL}, Release.PUBLIC),
        Move("reopen", "Reopen for correction", {Release.PROVISIONAL, Release.PUBLIC}, Release.RESTRICTED),
    ],
)


# An organised crime group at the Disruption Panel: referred, adopted by the panel, active
# (a plan being worked), reduced (the threat brought down; it can become active again), and
# archived, from any stage, with a reason. Every move records its reason.
GROUP_MOVES = StateMachine(
    field="status",
    states=GroupStatus,
    refused=DisruptionError,
    after=sync_deadlines,
    moves=[
        Move("adopt", "Adopt the group", {GroupStatus.REFERRED}, GroupStatus.ADOPTED),
        Move(
            "activate",
            "Make the group active",
            {GroupStatus.ADOPTED, GroupStatus.REDUCED},
            GroupStatus.ACTIVE,
        ),
        Move("reduce", "Record the threat as reduced", {GroupStatus.ACTIVE}, GroupStatus.REDUCED),
        Move(
            "archive",
            "Archive the group",
            {GroupStatus.REFERRED, GroupStatus.ADOPTED, GroupStatus.ACTIVE, GroupStatus.REDUCED},
            GroupStatus.ARCHIVED,
        ),
    ],
)
