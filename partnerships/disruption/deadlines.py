"""Deadline rules of the Disruption Panel (registered in PartnershipsConfig.ready): each open
group's next review (its band's cycle), each problem profile version's refresh, and each 4P
action's due date. Labels carry references only, never names or line details."""

from somerset_safety.deadlines import registry
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec
from somerset_safety.meetings.deadlines import action_deadline

from .. import conf
from ..models import GroupStatus, OrganisedCrimeGroup, PanelAction, ProfileVersion

KIND_REVIEW = "disruption_group_review"
KIND_PROFILE = "disruption_profile_refresh"
KIND_ACTION = "disruption_action"
REVIEWED_GROUPS = (GroupStatus.ADOPTED, GroupStatus.ACTIVE, GroupStatus.REDUCED)


def group_rule(group: OrganisedCrimeGroup):
    if group.status not in REVIEWED_GROUPS or group.review_date is None:
        return []
    return [
        DeadlineSpec(
            kind=KIND_REVIEW,
            label=f"Disruption Panel review of {group.reference}",
            due_date=group.review_date,
            responsible_users=[group.senior_responsible_officer]
            if group.senior_responsible_officer_id
            else [],
            responsible_agency=group.lead_agency,
        )
    ]


def profile_rule(version: ProfileVersion):
    newer = (
        ProfileVersion.objects.filter(profile_id=version.profile_id, number__gt=version.number)
        .order_by("number")
        .values_list("published_on", flat=True)
        .first()
    )
    return [
        DeadlineSpec(
            kind=KIND_PROFILE,
            label=f"Refresh {version.profile.title} (version {version.number})",
            due_date=version.next_refresh_due,
            met_on=newer,
        )
    ]


def action_rule(action: PanelAction):
    return action_deadline(
        action, kind=KIND_ACTION, label=f"Disruption Panel 4P action for {action.agency.name}"
    )


def _profiles_visible_to(user):
    from .permissions import is_panel_member

    return ProfileVersion.objects.all() if is_panel_member(user) else ProfileVersion.objects.none()


def register() -> None:
    from . import permissions as perms

    def kind(key, name):
        return DeadlineKind(key, name, due_soon_days=conf.due_soon_days)

    registry.register(
        model=OrganisedCrimeGroup,
        rule=group_rule,
        visible_to=perms.groups_visible_to,
        manageable_by=perms.managed_by(OrganisedCrimeGroup),
        kinds=[kind(KIND_REVIEW, "Disruption Panel group review")],
    )
    registry.register(
        model=ProfileVersion,
        rule=profile_rule,
        visible_to=_profiles_visible_to,
        manageable_by=perms.managed_by(ProfileVersion),
        kinds=[kind(KIND_PROFILE, "Problem profile refresh")],
    )
    registry.register(
        model=PanelAction,
        rule=action_rule,
        visible_to=perms.panel_actions_visible_to,
        manageable_by=perms.managed_by(PanelAction),
        kinds=[kind(KIND_ACTION, "Disruption Panel 4P action")],
    )
