"""The whole Disruption Panel access policy (S7): the strictest in the product.

- Panel members (the Disruption Panel member role) see every group that is not restricted, with
  its people, places, line names, assessments, plan and disruptions, and change them.
- A restricted group is seen only by the people named on it (panel members or tasked agency
  representatives), whatever else their role allows.
- Agency representatives see the groups their agency is tasked on (holds a 4P action on): the
  group's reference, name, type, status and review date, their agency's actions and the
  disruptions their agency recorded. Never its people, places or line names.
- Partnership leads, officers and everyone else see no group: only the aggregate dashboard panel
  and report section, with small counts suppressed.
Anything a user may not see is a 404.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.roles import Role
from somerset_safety.audit import breakglass
from somerset_safety.audit.reads import audited_read
from somerset_safety.meetings import models as platform

from ..models import (
    DisruptionOutcome,
    OrganisedCrimeGroup,
    PanelAction,
    PanelAgendaItem,
    PanelMeeting,
    ProblemProfile,
)

PANEL_ROLES = frozenset({Role.PANEL_MEMBER})
# Who finds the Disruption Panel in the navigation: members, and agencies that may be tasked.
NAVIGATION_ROLES = frozenset({Role.PANEL_MEMBER, Role.AGENCY_REP})


def is_panel_member(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PANEL_MEMBER)


def _tasked_agency_id(user) -> int | None:
    if user.is_authenticated and user.has_role(Role.AGENCY_REP) and user.agency_id:
        return user.agency_id
    return None


def _actions_on_groups():
    return platform.Action.objects.filter(subject_type=ContentType.objects.get_for_model(OrganisedCrimeGroup))


def _restriction_allows(user) -> Q:
    """Unrestricted groups, those naming the user, and those the user holds emergency access to."""
    return (
        Q(restricted=False)
        | Q(named_people=user)
        | Q(pk__in=breakglass.granted_ids(user, OrganisedCrimeGroup))
    )


def groups_visible_to(user) -> QuerySet[OrganisedCrimeGroup]:
    groups = OrganisedCrimeGroup.objects.all()
    if is_panel_member(user):
        return groups.filter(
            pk__in=OrganisedCrimeGroup.objects.filter(_restriction_allows(user)).values("pk")
        )
    agency_id = _tasked_agency_id(user)
    if agency_id is None:
        return groups.none()
    tasked = _actions_on_groups().filter(agency_id=agency_id).values("subject_id")
    return groups.filter(
        pk__in=OrganisedCrimeGroup.objects.filter(_restriction_allows(user), pk__in=tasked).values("pk")
    )


def sees_detail(user, group: OrganisedCrimeGroup) -> bool:
    """People, places, line names, assessments and the whole plan: panel members only."""
    return is_panel_member(user)


@audited_read(
    detail=lambda user, group: {
        "restricted_fields": sees_detail(user, group),
        **breakglass.view_detail(user, group),
    }
)
def get_group_for_user_or_404(user, pk: int, action: str = "view") -> OrganisedCrimeGroup:
    group = (
        groups_visible_to(user)
        .select_related(
            "group_type", "lead_agency", "referring_agency", "senior_responsible_officer", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    if action != "view" and not is_panel_member(user):
        raise PermissionDenied
    return group


# The kinds of restrictable record (records.restriction) of a group's people, by model name.
RESTRICTION_KEYS = {"nominal": "ocg_nominal", "exploitedperson": "ocg_exploited_person"}


def restriction_owned_by(user) -> Q | None:
    """The group members and people exploited whose restricted records the user still sees, and
    may restrict or lift: those of the groups whose senior responsible officer the user is; of a
    group with none (or one no longer active), every panel member's."""
    if not is_panel_member(user):
        return None
    return (
        Q(group__senior_responsible_officer=user)
        | Q(group__senior_responsible_officer__isnull=True)
        | Q(group__senior_responsible_officer__is_active=False)
    )


def group_people_visible_to(user, model, group: OrganisedCrimeGroup) -> QuerySet:
    """A group's members, places or people exploited (`model`), for a user who sees its detail:
    members and people exploited whose processing is restricted only for their owners."""
    from somerset_safety.records import restriction

    rows = model.objects.filter(group=group)
    key = RESTRICTION_KEYS.get(model._meta.model_name)
    return restriction.visible_among(user, key, rows) if key else rows


@audited_read()
def get_group_person_for_user_or_404(user, group: OrganisedCrimeGroup, model, pk: int):
    """A member, place or person exploited (`model`) of a group already fetched for the user."""
    found = group_people_visible_to(user, model, group).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def panel_meetings_visible_to(user) -> QuerySet[PanelMeeting]:
    return PanelMeeting.objects.all() if is_panel_member(user) else PanelMeeting.objects.none()


@audited_read()
def get_panel_meeting_for_user_or_404(user, pk: int, action: str = "view") -> PanelMeeting:
    meeting = panel_meetings_visible_to(user).select_related("body", "chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def panel_items_visible_to(user) -> QuerySet[PanelAgendaItem]:
    """Items of the meetings the user sees; a restricted group's item only for its named people."""
    items = PanelAgendaItem.objects.filter(meeting__in=panel_meetings_visible_to(user))
    return items.filter(Q(subject_id__isnull=True) | Q(subject_id__in=groups_visible_to(user).values("pk")))


@audited_read()
def get_panel_item_for_user_or_404(user, pk: int, action: str = "view") -> PanelAgendaItem:
    item = panel_items_visible_to(user).select_related("meeting__body").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def profiles_visible_to(user) -> QuerySet[ProblemProfile]:
    return ProblemProfile.objects.all() if is_panel_member(user) else ProblemProfile.objects.none()


@audited_read()
def get_profile_for_user_or_404(user, pk: int) -> ProblemProfile:
    profile = profiles_visible_to(user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    return profile


def panel_actions_visible_to(user) -> QuerySet[PanelAction]:
    """Panel members: the actions on the groups they see (and other business). Agency
    representatives: their own agency's actions on the groups they see."""
    actions = PanelAction.objects.all()
    if is_panel_member(user):
        return actions.filter(
            Q(subject_id__isnull=True) | Q(subject_id__in=groups_visible_to(user).values("pk"))
        )
    agency_id = _tasked_agency_id(user)
    if agency_id is None:
        return actions.none()
    return actions.filter(agency_id=agency_id, subject_id__in=groups_visible_to(user).values("pk"))


@audited_read()
def get_panel_action_for_user_or_404(user, pk: int, action: str = "view") -> PanelAction:
    found = (
        panel_actions_visible_to(user)
        .select_related("meeting__body", "agency", "owner", "plan_detail__tactic", "carried_from__meeting")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if action == "view" or is_panel_member(user):
        return found
    if action == "progress" and can_record_progress(user, found):
        return found
    raise PermissionDenied


def can_record_progress(user, action: PanelAction) -> bool:
    """Panel members, and the representatives of the agency tasked with it."""
    return is_panel_member(user) or (
        _tasked_agency_id(user) is not None and _tasked_agency_id(user) == action.agency_id
    )


def outcomes_visible_to(user) -> QuerySet[DisruptionOutcome]:
    outcomes = DisruptionOutcome.objects.filter(group__in=groups_visible_to(user))
    if is_panel_member(user):
        return outcomes
    agency_id = _tasked_agency_id(user)
    return outcomes.filter(agency_id=agency_id) if agency_id else outcomes.none()


def managed_by(model):
    """`user -> queryset` of the `model` records the user may manage (and waive deadlines of)."""

    def records(user) -> QuerySet:
        return model.objects.all() if is_panel_member(user) else model.objects.none()

    return records


def panel_paper_recipients(meeting) -> QuerySet:
    """Who is told a panel meeting's papers are ready: panel members only (the email says only
    that papers are ready)."""
    from somerset_safety.accounts.models import User

    return User.objects.filter(is_active=True, groups__name=Role.PANEL_MEMBER.label).distinct()
