"""MARAC deadline rules (registered in PartnershipsConfig.ready). Labels carry no personal data."""

from somerset_safety.core.dates import add_months, add_working_days
from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineSpec

from . import conf
from .models import Action, ActionStatus, AgendaCase, Meeting, MeetingStatus, Referral, ReferralStatus

KINDS_ACTION = {"marac_action": "MARAC action"}
KINDS_MEETING = {"marac_agenda": "MARAC agenda sent to agencies"}
KINDS_REFERRAL = {"marac_12_months": "MARAC case: 12 months since last MARAC"}


def action_rule(action: Action):
    if action.status == ActionStatus.CARRIED_FORWARD:
        return []
    return [
        DeadlineSpec(
            kind="marac_action",
            label=f"MARAC action for {action.agency.name}",
            due_date=action.due_date,
            responsible_agency=action.agency,
            responsible_user=action.owner,
            met_on=action.completed_on if action.status == ActionStatus.COMPLETED else None,
        )
    ]


def meeting_rule(meeting: Meeting):
    if meeting.status == MeetingStatus.CANCELLED:
        return []
    if meeting.status == MeetingStatus.CONCLUDED and meeting.agenda_sent_on is None:
        return []
    return [
        DeadlineSpec(
            kind="marac_agenda",
            label=f"Send the agenda for the {meeting.area.code} MARAC of {meeting.date:%-d %B %Y}",
            due_date=add_working_days(meeting.date, -conf.agenda_working_days()),
            met_on=meeting.agenda_sent_on,
        )
    ]


def referral_rule(referral: Referral):
    if referral.status != ReferralStatus.HEARD or not referral.review_at_12_months:
        return []
    relisted = (
        AgendaCase.objects.filter(referral=referral, item__meeting__date__gt=referral.heard_date)
        .order_by("item__meeting__date")
        .values_list("item__meeting__date", flat=True)
        .first()
    )
    return [
        DeadlineSpec(
            kind="marac_12_months",
            label=f"MARAC case {referral.reference}: 12 months since it was heard",
            due_date=add_months(referral.heard_date, 12),
            met_on=relisted,
        )
    ]


def register() -> None:
    from .permissions import actions_visible_to, meetings_visible_to, referrals_visible_to

    registry.register(model=Action, rule=action_rule, visible_to=actions_visible_to, kinds=KINDS_ACTION)
    registry.register(model=Meeting, rule=meeting_rule, visible_to=meetings_visible_to, kinds=KINDS_MEETING)
    registry.register(
        model=Referral, rule=referral_rule, visible_to=referrals_visible_to, kinds=KINDS_REFERRAL
    )
