"""The whole MARAC access policy (S7).

- The MARAC coordinator sees and changes everything, restricted fields included.
- Community safety officers see every case that is not restricted, without restricted fields.
- Agency representatives see the cases their agency is on (it referred the case or holds an
  action on it), and the unrestricted cases on the agenda of meetings their agency is invited
  to; the actions assigned to their agency; and the meetings their agency is invited to.
- Partnership leads see the aggregate data return only.
Victim and perpetrator name, date of birth and address are shown only to the coordinator and to
the agencies on the case; and, in a meeting's research stage (from the day its agenda is sent
until MARAC_RESEARCH_DAYS_AFTER days after it), to every agency invited to it, for each
unrestricted case on its agenda and each restricted case the coordinator opened to that agency.
Afterwards the need-to-know rule above applies again.
"""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from somerset_safety.accounts.permissions import require_any_role  # noqa: F401 - used by views
from somerset_safety.accounts.roles import Role
from somerset_safety.audit import breakglass
from somerset_safety.audit.reads import audited_read
from somerset_safety.core.dates import today as local_today
from somerset_safety.meetings import models as platform

from . import conf
from .models import Action, AgendaCase, AgendaItem, MaracArea, Meeting, Person, Referral, ResearchAccess

MARAC_ROLES = frozenset({Role.MARAC_COORDINATOR, Role.OFFICER, Role.AGENCY_REP})
RETURN_ROLES = frozenset({Role.MARAC_COORDINATOR, Role.OFFICER, Role.PARTNERSHIP_LEAD})
# The CSV is the exact return SafeLives receives, small numbers included: not for leads, who
# see the figures on the page with small counts suppressed.
RETURN_CSV_ROLES = RETURN_ROLES - {Role.PARTNERSHIP_LEAD}
MANAGE_ROLES = frozenset({Role.MARAC_COORDINATOR})


def is_coordinator(user) -> bool:
    return user.has_role(Role.MARAC_COORDINATOR)


def managed_by(model):
    """`user -> queryset` of the `model` records the user may manage (change, and waive their
    deadlines): the MARAC coordinator, all of them; nobody else."""

    def records(user) -> QuerySet:
        return model.objects.all() if is_coordinator(user) else model.objects.none()

    return records


def _agency_rep_agency_id(user) -> int | None:
    if user.has_role(Role.AGENCY_REP) and user.agency_id:
        return user.agency_id
    return None


def _actions_on_referrals():
    """Every MARAC action on a referral, without the joins MARAC's own manager adds."""
    return platform.Action.objects.filter(subject_type=ContentType.objects.get_for_model(Referral))


def _on_case(agency_id: int) -> Q:
    return Q(referring_agency_id=agency_id) | Q(
        Exists(_actions_on_referrals().filter(subject_id=OuterRef("pk"), agency_id=agency_id))
    )


def research_meetings(agency_id: int, today: date | None = None) -> QuerySet:
    """The meetings whose research stage is open today for an agency invited to them: the agenda
    has been sent, and the meeting was no more than MARAC_RESEARCH_DAYS_AFTER days ago."""
    today = today or local_today()
    return (
        platform.Meeting.objects.filter(
            Exists(platform.Attendance.objects.filter(meeting_id=OuterRef("pk"), agency_id=agency_id)),
            agenda_sent_on__isnull=False,
            agenda_sent_on__lte=today,
            date__gte=today - timedelta(days=conf.research_days_after()),
        )
        .exclude(status=platform.MeetingStatus.CANCELLED)
        .order_by()
    )


def _researchable(agency_id: int, meetings: QuerySet) -> Q:
    """Referrals an agency may research in these meetings: unrestricted cases on their agendas,
    and restricted ones the coordinator opened to it."""
    on_agenda = AgendaCase.objects.filter(item__meeting__in=meetings.values("pk")).values("referral_id")
    granted = ResearchAccess.objects.filter(agency_id=agency_id, meeting__in=meetings.values("pk"))
    return Q(pk__in=on_agenda, restricted=False) | Q(pk__in=granted.values("referral_id"))


def researching(user, referral: Referral, meeting=None) -> bool:
    """Whether the user's agency is researching this case now (in `meeting`, or in any meeting
    whose research stage is open)."""
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return False
    meetings = research_meetings(agency_id)
    if meeting is not None:
        meetings = meetings.filter(pk=meeting.pk)
    return (
        not_hidden_among(user, Referral.objects.filter(pk=referral.pk))
        .filter(_researchable(agency_id, meetings))
        .exists()
    )


def _held_by_agency(user, agency_id: int) -> tuple[dict[str, QuerySet], QuerySet]:
    """The small sets of referral ids an agency sees besides its own referrals: the cases it
    holds an action on, the restricted cases the coordinator opened to it for research (while
    that lasts) and the user's emergency access; and, apart, the cases on the agenda of the
    meetings it is invited to (of which it sees only the unrestricted ones)."""
    held = {
        "action": _actions_on_referrals().filter(agency_id=agency_id).values("subject_id"),
        # A restricted case the coordinator opened to the agency for research, while that lasts.
        "opened": ResearchAccess.objects.filter(
            agency_id=agency_id, meeting__in=research_meetings(agency_id).values("pk")
        ).values("referral_id"),
        # Emergency access (break-glass) to a restricted case, for the time it lasts.
        "granted": breakglass.granted_ids(user, Referral),
    }
    on_agenda = AgendaCase.objects.filter(
        item__meeting__in=platform.Attendance.objects.filter(agency_id=agency_id).values("meeting_id")
    ).values("referral_id")
    return held, on_agenda


NOTHING = Q(pk__in=[])


def _visible(user) -> Q | None:
    """The condition on referrals the user may see; None when they see every referral."""
    if is_coordinator(user):
        return None
    # Emergency access (break-glass) to a restricted case, for the time it lasts.
    granted = Q(pk__in=breakglass.granted_ids(user, Referral))
    if user.has_role(Role.OFFICER):
        return Q(restricted=False) | granted
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return NOTHING
    # The agency's own referrals as a direct filter (the index on referring agency, date and id
    # serves it, and the list walks it newest first), OR-ed with the small sets of cases it holds
    # actions on or saw on an agenda. Not `pk IN (UNION …)`: PostgreSQL hashes a union and joins
    # it against a scan of every referral.
    held, on_agenda = _held_by_agency(user, agency_id)
    return (
        Q(referring_agency_id=agency_id)
        | Q(pk__in=held["action"])
        | Q(pk__in=on_agenda, restricted=False)
        | Q(pk__in=held["opened"])
        | Q(pk__in=held["granted"])
    )


def coordinated_areas(user) -> QuerySet[MaracArea]:
    """The areas whose coordinator the user is (deadlines.coordinators_of: the area's named
    MARAC coordinators; with none named, every MARAC coordinator)."""
    if not is_coordinator(user):
        return MaracArea.objects.none()
    return areas_named_or_unnamed(user)


def areas_named_or_unnamed(user) -> QuerySet[MaracArea]:
    """The areas that name `user` as a coordinator, and those that name no MARAC coordinator
    (an active account with the role), which every MARAC coordinator has."""
    named = MaracArea.coordinators.through.objects.filter(
        maracarea_id=OuterRef("pk"), user__is_active=True, user__groups__name=Role.MARAC_COORDINATOR.label
    )
    return MaracArea.objects.filter(
        Q(pk__in=MaracArea.coordinators.through.objects.filter(user_id=user.pk).values("maracarea_id"))
        | ~Exists(named)
    )


RESTRICTION_KEY = "marac_person"  # the kind of restrictable record (records.restriction)


def restriction_owned_by(user) -> Q | None:
    """The people whose restricted records the user still sees, and may restrict or lift: those
    referred in an area the user coordinates (records.restriction: records managers see all)."""
    if not is_coordinator(user):
        return None
    referred_here = Referral.objects.filter(
        Q(victim_id=OuterRef("pk")) | Q(perpetrator_id=OuterRef("pk")),
        area_id__in=coordinated_areas(user).values("pk"),
    )
    return Q(Exists(referred_here))


def people_visible_to(user) -> QuerySet[Person]:
    """The people of the referrals within the user's scope (restricted people included: who still
    sees those is records.restriction's, by restriction_owned_by)."""
    visible = _visible(user)
    if visible is NOTHING:
        return Person.objects.none()
    referrals = Referral.objects.all() if visible is None else Referral.objects.filter(visible)
    return Person.objects.filter(
        Q(pk__in=referrals.values("victim_id"))
        | Q(pk__in=referrals.filter(perpetrator__isnull=False).values("perpetrator_id"))
    )


def hidden_people(user) -> QuerySet[Person] | None:
    """The people whose processing is restricted and whom the user may not see: every restricted
    person but those referred in an area the user coordinates. None for records managers, who
    see them (the restriction's lifting, subject access requests)."""
    from somerset_safety.records import restriction

    return restriction.hidden(user, RESTRICTION_KEY)


def may_restrict(user, person: Person) -> bool:
    """Whether the user may restrict the person's processing, or lift it: a records manager, or
    the coordinator of an area the person was referred in."""
    from somerset_safety.records import restriction

    return restriction.may_restrict(user, RESTRICTION_KEY, person)


def _not_hidden(user) -> Q | None:
    """The condition on referrals that none of their people is hidden from the user."""
    hidden = hidden_people(user)
    if hidden is None:
        return None
    ids = hidden.values("pk")
    return ~Q(victim_id__in=ids) & ~Q(perpetrator_id__in=ids)


def not_hidden_among(user, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Those of `referrals` none of whose people is restricted from the user (hidden_people)."""
    not_hidden = _not_hidden(user)
    return referrals if not_hidden is None else referrals.filter(not_hidden)


def referrals_visible_to(user) -> QuerySet[Referral]:
    return visible_among(user, Referral.objects.all())


def visible_among(user, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Those of `referrals` the user may see (a list's filters applied first keep its order):
    within the user's scope, and none of whose people is restricted from them (hidden_people)."""
    visible = _visible(user)
    if visible is NOTHING:
        return referrals.none()
    if visible is not None:
        referrals = referrals.filter(visible)
    return not_hidden_among(user, referrals)


def visible_referrals_count(user, referrals: QuerySet[Referral], cap: int) -> int:
    """How many of `referrals` (filtered as a list is, but not yet to what the user may see)
    the user may see, counting no further than cap + 1: pagination.capped_count of
    `referrals.filter(<the user's scope>)`, but counted so PostgreSQL can use its indexes.

    For an agency representative the visible referrals are two sets that do not overlap, counted
    apart: the agency's own referrals (an index-only scan of the index on referring agency, date
    and id, which stops at the cap), and the few others it sees (the small id sets, read first,
    then looked up by primary key). Counted as one OR, PostgreSQL reads every referral's row."""
    from somerset_safety.core.pagination import capped_count

    agency_id = None if is_coordinator(user) or user.has_role(Role.OFFICER) else _agency_rep_agency_id(user)
    if agency_id is None:
        return capped_count(visible_among(user, referrals), cap)
    not_hidden = _not_hidden(user)
    if not_hidden is not None:
        referrals = referrals.filter(not_hidden)
    own = capped_count(referrals.filter(referring_agency_id=agency_id), cap)
    if own > cap:
        return own
    held, on_agenda = _held_by_agency(user, agency_id)
    other_ids = set(
        held["action"]
        .values_list("subject_id", flat=True)
        .order_by()
        .union(
            held["opened"].values_list("referral_id", flat=True).order_by(),
            held["granted"].values_list("record_id", flat=True).order_by(),
        )
    )
    agenda_ids = set(on_agenda.values_list("referral_id", flat=True))
    if not other_ids and not agenda_ids:
        return own
    others = referrals.exclude(referring_agency_id=agency_id).filter(
        Q(pk__in=other_ids) | Q(pk__in=agenda_ids, restricted=False)
    )
    return own + capped_count(others, cap - own)


def identity_visible(user, referral: Referral) -> bool:
    """Restricted fields (name, date of birth, address) of this case's people."""
    if is_coordinator(user):
        return True
    if referral.restricted and breakglass.active_access(user, referral) is not None:
        return True
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return False
    if Referral.objects.filter(pk=referral.pk).filter(_on_case(agency_id)).exists():
        return True
    return researching(user, referral)


@audited_read(
    detail=lambda user, referral: {
        "restricted_fields": identity_visible(user, referral),
        **breakglass.view_detail(user, referral),
    }
)
def get_referral_for_user_or_404(user, pk: int, action: str = "view") -> Referral:
    referral = (
        referrals_visible_to(user)
        .select_related("area", "victim", "perpetrator", "referring_agency", "heard_at", "idva")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    if action != "view" and not is_coordinator(user):
        raise PermissionDenied
    return referral


def meetings_visible_to(user) -> QuerySet[Meeting]:
    meetings = Meeting.objects.all()
    if user.has_role(Role.MARAC_COORDINATOR, Role.OFFICER):
        return meetings
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return meetings.none()
    return meetings.filter(
        Exists(platform.Attendance.objects.filter(meeting_id=OuterRef("pk"), agency_id=agency_id))
    )


@audited_read()
def get_meeting_for_user_or_404(user, pk: int, action: str = "view") -> Meeting:
    meeting = meetings_visible_to(user).select_related("body", "chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if action != "view" and not is_coordinator(user):
        raise PermissionDenied
    return meeting


@audited_read()
def get_agenda_item_for_user_or_404(user, pk: int, action: str = "view") -> AgendaItem:
    """An item on the agenda of a meeting the user may see (its cases are then shown as the
    meeting's agenda shows them)."""
    item = (
        AgendaItem.objects.select_related("meeting__body")
        .filter(pk=pk, meeting__in=meetings_visible_to(user))
        .first()
    )
    if item is None:
        raise Http404
    if action != "view" and not is_coordinator(user):
        raise PermissionDenied
    return item


def actions_visible_to(user) -> QuerySet[Action]:
    actions = Action.objects.all()
    if is_coordinator(user):
        return actions
    if user.has_role(Role.OFFICER):
        return actions.filter(
            Q(subject_id__isnull=True)
            | Q(subject_id__in=Referral.objects.filter(restricted=False).values("pk"))
        )
    agency_id = _agency_rep_agency_id(user)
    if agency_id is None:
        return actions.none()
    return actions.filter(
        Q(agency_id=agency_id)
        | Q(subject_id__in=referrals_visible_to(user).values("pk"))
        | Q(subject_id__isnull=True, meeting__in=meetings_visible_to(user))
    )


@audited_read()
def get_action_for_user_or_404(user, pk: int, action: str = "view") -> Action:
    item = (
        actions_visible_to(user)
        .select_related("meeting__body", "agency", "owner", "carried_from__meeting", "review_at")
        .prefetch_related("subject")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    if action == "view" or is_coordinator(user):
        return item
    if action == "complete" and _agency_rep_agency_id(user) == item.agency_id:
        return item
    raise PermissionDenied


def can_complete_action(user, action: Action) -> bool:
    return is_coordinator(user) or (_agency_rep_agency_id(user) == action.agency_id)


def meeting_paper_recipients(meeting) -> QuerySet:
    """Who is told a meeting's papers are ready: the representatives of the invited agencies and
    the MARAC coordinators."""
    from somerset_safety.accounts.models import User

    invited = platform.Attendance.objects.filter(meeting_id=meeting.pk).values("agency_id")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name=Role.AGENCY_REP.label, agency_id__in=invited)
            | Q(groups__name=Role.MARAC_COORDINATOR.label)
        )
        .distinct()
    )
