"""MARAC deadline rules (registered in PartnershipsConfig.ready). Labels carry no personal data.

An area's agenda, papers (research returns in, once the agenda has gone out) and 12-month review
deadlines belong to its coordinators (`MaracArea.coordinators`,
one or more; with none named, every MARAC coordinator), so they get the reminders and see them
in My deadlines. A change of the named coordinators (admin) or of who holds the MARAC
coordinator role (accounts service) moves what is still to do at once. Actions belong to their owner and agency."""

from django.db.models import Q
from django.utils import timezone

from somerset_safety.accounts.models import User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.dates import add_months, add_working_days
from somerset_safety.deadlines import registry
from somerset_safety.deadlines.models import OUTSTANDING, Deadline
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec
from somerset_safety.deadlines.services import deadlines_sync_chunked
from somerset_safety.meetings.deadlines import action_deadline

from . import conf
from .models import (
    Action,
    AgendaCase,
    MaracArea,
    Meeting,
    MeetingStatus,
    Referral,
    ReferralStatus,
)

KIND_ACTION = "marac_action"
KIND_AGENDA = "marac_agenda"
KIND_12_MONTHS = "marac_12_months"
KIND_PAPERS = "marac_papers"
MEETING_CONCLUDED = "Meeting concluded without the agenda being recorded as sent"
MEETING_CONCLUDED_PAPERS = "Meeting concluded before every research return was in"
MEETING_CANCELLED = "Meeting cancelled"


# A MARAC coordinator: an active account holding the role (named or not).
COORDINATING = Q(is_active=True, groups__name=Role.MARAC_COORDINATOR.label)


def coordinators_of(area: MaracArea) -> list:
    """The area's named coordinators who still are MARAC coordinators (active, with the role);
    with none, every MARAC coordinator."""
    named = list(area.coordinators.filter(COORDINATING).distinct().order_by("pk"))
    if named:
        return named
    return list(User.objects.filter(COORDINATING).distinct().order_by("pk"))


def _kind(key: str, name: str) -> DeadlineKind:
    return DeadlineKind(key, name, statutory=False, due_soon_days=conf.due_soon_days)


def action_rule(action: Action):
    return action_deadline(action, kind=KIND_ACTION, label=f"MARAC action for {action.agency.name}")


def meeting_rule(meeting: Meeting):
    cancelled = meeting.status == MeetingStatus.CANCELLED
    concluded = meeting.status == MeetingStatus.CONCLUDED
    coordinators = coordinators_of(meeting.area)
    of = f"the {meeting.area.code} MARAC of {meeting.date:%-d %B %Y}"
    specs = [
        DeadlineSpec(
            kind=KIND_AGENDA,
            label=f"Send the agenda for {of}",
            due_date=add_working_days(meeting.date, -conf.agenda_working_days()),
            responsible_users=coordinators,
            met_on=meeting.agenda_sent_on,
            closed_reason=MEETING_CANCELLED if cancelled else MEETING_CONCLUDED if concluded else "",
        )
    ]
    papers = _papers_met_on(meeting) if meeting.agenda_sent_on is not None else None
    if papers is not None:
        specs.append(
            DeadlineSpec(
                kind=KIND_PAPERS,
                label=f"Research returns in for {of}",
                due_date=add_working_days(meeting.date, -conf.papers_working_days()),
                responsible_users=coordinators,
                met_on=papers or None,
                closed_reason=MEETING_CANCELLED
                if cancelled
                else MEETING_CONCLUDED_PAPERS
                if concluded
                else "",
            )
        )
    return specs


def _papers_met_on(meeting: Meeting):
    """The papers step of a meeting whose agenda has gone out: every invited agency researches the
    cases on it and returns what it found. None when there is nothing to research (no case, or no
    agency invited); False while a return is still to come; else the date of the last return."""
    from .models import ResearchReturn
    from .selectors import research_returns_by_agency

    rows = [row for row in research_returns_by_agency(meeting) if row["due"]]
    if not rows:
        return None
    if any(row["missing"] for row in rows):
        return False
    dates = ResearchReturn.objects.filter(meeting_id=meeting.pk).values_list("researched_on", flat=True)
    return max(dates)


# The referrals referral_rule gives a clock: heard, and to come back after 12 months.
CLOCKED = Q(status=ReferralStatus.HEARD, review_at_12_months=True)
# The related rows referral_rule reads, loaded with the referrals synced in bulk.
REFERRAL_RULE_READS = ("area", "victim", "perpetrator")


def restricted_since(referral: Referral):
    """The day from which the processing of a person on the case has been restricted (the
    earlier, if both are), or None: while it is, the case is not processed, so its 12-month
    review clock is paused (no reminders). Lifting the restriction restarts it with the due date
    it had: 12 months from the hearing, so a review that fell due meanwhile is overdue at once."""
    times = [
        person.processing_restricted_at
        for person in (referral.victim, referral.perpetrator)
        if person is not None and person.processing_restricted_at is not None
    ]
    return timezone.localdate(min(times)) if times else None


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
            kind=KIND_12_MONTHS,
            label=f"MARAC case {referral.reference}: 12 months since it was heard",
            due_date=add_months(referral.heard_date, 12),
            responsible_users=coordinators_of(referral.area),
            met_on=relisted,
            paused_since=restricted_since(referral),
        )
    ]


def referrals_deadlines_sync(referrals) -> int:
    """After referrals are written or changed in bulk (an import, an agenda): their deadlines, as
    a referral entered in the browser gets them. Only those the rule gives a clock are visited,
    so a large import costs nothing for the rest. Returns how many were synced."""
    # With the area and people the rule reads (coordinators, a restriction), not a query each.
    return deadlines_sync_chunked(referrals.filter(CLOCKED).select_related(*REFERRAL_RULE_READS))


def area_deadlines_sync(area: MaracArea) -> int:
    """After the area's coordinators change: the agenda and 12-month deadlines still to be met
    move to the new coordinators. Returns how many records were synced."""
    count = 0
    for model, ids in (
        (Meeting, Meeting.objects.filter(body__owner_id=area.pk).values("pk")),
        (Referral, Referral.objects.filter(area_id=area.pk).values("pk")),
    ):
        outstanding = (
            Deadline.objects.filter(
                subject_type=model._meta.label_lower, subject_id__in=ids, status__in=OUTSTANDING
            )
            .order_by("subject_id")
            .values_list("subject_id", flat=True)
            .distinct()
        )
        subjects = model.objects.filter(pk__in=list(outstanding))
        reads = REFERRAL_RULE_READS if model is Referral else ("body",)
        count += deadlines_sync_chunked(subjects.select_related(*reads))
    return count


def register() -> None:
    from . import permissions as perms

    registry.register(
        model=Action,
        rule=action_rule,
        visible_to=perms.actions_visible_to,
        manageable_by=perms.managed_by(Action),
        kinds=[_kind(KIND_ACTION, "MARAC action")],
    )
    registry.register(
        model=Meeting,
        rule=meeting_rule,
        visible_to=perms.meetings_visible_to,
        manageable_by=perms.managed_by(Meeting),
        kinds=[
            _kind(KIND_AGENDA, "MARAC agenda sent to agencies"),
            _kind(KIND_PAPERS, "MARAC research returns in from agencies"),
        ],
        owner_roles=[Role.MARAC_COORDINATOR],
        owned_through=lambda user: Meeting.objects.filter(
            body__owner_id__in=perms.areas_named_or_unnamed(user).values("pk")
        ),
    )
    registry.register(
        model=Referral,
        rule=referral_rule,
        visible_to=perms.referrals_visible_to,
        manageable_by=perms.managed_by(Referral),
        kinds=[_kind(KIND_12_MONTHS, "MARAC case: 12 months since last MARAC")],
        owner_roles=[Role.MARAC_COORDINATOR],
        owned_through=lambda user: Referral.objects.filter(
            area__in=perms.areas_named_or_unnamed(user).values("pk")
        ).select_related(*REFERRAL_RULE_READS),
    )
