"""Reads for the Disruption Panel's pages: current bands, a group's actions, a panel meeting's
numbered agenda as the viewer may see it, the 4P actions overdue as they stood on any date, and
the figures by agency."""

import datetime as dt
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from somerset_safety.deadlines.state import State
from somerset_safety.meetings import selectors as meeting_selectors

from ..models import (
    ActionStatus,
    DisruptionOutcome,
    ExploitedPerson,
    MappingAssessment,
    OrganisedCrimeGroup,
    PanelAction,
    PanelAgendaItem,
    PanelMeeting,
    PanelSection,
    PersonAge,
    Strand,
)


def current_bands(group_ids: list[int]) -> dict[int, str]:
    """group id -> the label of its current OCG mapping band, in one query."""
    latest = MappingAssessment.objects.filter(group_id=OuterRef("pk")).order_by("-supplied_on", "-id")
    rows = OrganisedCrimeGroup.objects.filter(pk__in=group_ids).annotate(
        band=Subquery(latest.values("band__label")[:1])
    )
    return {row.pk: row.band for row in rows}


def group_actions(
    actions: QuerySet[PanelAction], group: OrganisedCrimeGroup, today: date
) -> list[PanelAction]:
    found = list(
        meeting_selectors.with_state(
            actions.filter(subject_id=group.pk)
            .select_related("agency", "owner", "meeting", "plan_detail__tactic")
            .order_by("due_date", "id"),
            today,
        )
    )
    for action in found:
        action.state = meeting_selectors.action_state(action)
    return found


def nrm_links_for(user, people) -> dict[str, dict]:
    """The modern slavery records of these people, through the duties app's selector."""
    from duties.selectors import nrm_links

    return nrm_links(user, [p.nrm_reference for p in people])


def people_restrictions(user, group: OrganisedCrimeGroup, exploited: list, nominals: list) -> dict:
    """For the group's page: marks each person shown (`processing_restricted`, and
    `restriction_url` when the user may restrict them or lift it: records.restriction) and gives
    how many restricted records are not shown to the user (`not_shown`) and how many of those are
    of a child with no safeguarding referral yet (`children_unreferred`), numbers naming no one:
    a restricted record is not processed, but a child's safeguarding is not left unsaid. Four
    queries, whatever the number of people."""
    from somerset_safety.records import restriction

    from .permissions import RESTRICTION_KEYS

    counts = {"not_shown": 0, "children_unreferred": 0}
    for key, shown in (
        (RESTRICTION_KEYS["exploitedperson"], exploited),
        (RESTRICTION_KEYS["nominal"], nominals),
    ):
        kind = restriction.kind(key)
        rows = kind.restricted().filter(group=group)
        if kind.model is ExploitedPerson:
            restricted = list(rows.values_list("pk", "age_group", "safeguarding_referral_made"))
        else:
            restricted = [(pk, None, True) for pk in rows.values_list("pk", flat=True)]
        ids = {person.pk for person in shown}
        hidden = [row for row in restricted if row[0] not in ids]
        counts["not_shown"] += len(hidden)
        counts["children_unreferred"] += sum(
            1 for _, age, made in hidden if age == PersonAge.CHILD and not made
        )
        allowed = restriction.restrictable_ids(user, key, ids)
        restricted_ids = {row[0] for row in restricted}
        for person in shown:
            person.processing_restricted = person.pk in restricted_ids
            person.restriction_url = kind.url(person.pk) if person.pk in allowed else ""
    return counts


def morile_chart(group: OrganisedCrimeGroup, assessments: list):
    """The MoRiLE scores at each assessment, oldest first, one line per measure (never a total),
    with the table on the page beside it. None with fewer than two assessments."""
    from somerset_safety.reports.charts import line_chart

    if len(assessments) < 2:
        return None
    rows = sorted(assessments, key=lambda a: (a.assessed_on, a.pk))
    measures = (
        ("Harm", "harm"),
        ("Likelihood", "likelihood"),
        ("Organisational position", "organisational_position"),
        ("Confidence", "confidence"),
    )
    return line_chart(
        title=f"MoRiLE scores of {group.reference}",
        labels=[f"{a.assessed_on:%-d %b %Y}" for a in rows],
        series={label: [getattr(a, name) for a in rows] for label, name in measures},
        alt=f"Line chart of the four MoRiLE scores of {group.reference} at each of its {len(rows)} assessments, "
        f"from {rows[0].assessed_on:%-d %B %Y} to {rows[-1].assessed_on:%-d %B %Y}. The table below gives the "
        "same figures.",
    )


# --- As the records stood on a date ------------------------------------------------------------


def end_of(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def live_on(day: date) -> Q:
    """Actions open at the end of `day`: agreed by then, and neither completed by then nor carried
    forward by then (a carried action lives on in its copy, which is counted instead)."""
    end = end_of(day)
    return (
        Q(created_at__lt=end)
        & ~Q(status=ActionStatus.COMPLETED, completed_on__lte=day)
        & (Q(carried_to__isnull=True) | Q(carried_to__created_at__gte=end))
    )


def overdue_on(day: date) -> Q:
    """The platform's overdue rule as the actions stood on `day`: open then, and its stored
    deadline overdue on that day (`meetings.selectors.deadline_in`: one completed since was still
    overdue then; one whose deadline was waived by then was not). A row carried forward since has
    had its clock closed, so its deadline no longer says what it was: it was overdue when past its
    due date on that day and its deadline not waived by then."""
    carried_since = Q(status=ActionStatus.CARRIED_FORWARD, due_date__lt=day) & ~Q(
        meeting_selectors.deadline_in([State.WAIVED], day)
    )
    return live_on(day) & (Q(meeting_selectors.deadline_in([State.OVERDUE], day)) | carried_since)


def overdue_as_at(actions: QuerySet[PanelAction], day: date) -> QuerySet[PanelAction]:
    return actions.filter(overdue_on(day))


# --- A panel meeting's agenda -------------------------------------------------------------------


@dataclass
class AgendaLine:
    number: int
    item: PanelAgendaItem
    starts: object
    readable: bool
    group: OrganisedCrimeGroup | None = None
    band: str | None = None
    actions: list = field(default_factory=list)


@dataclass
class MeetingAgenda:
    sections: list[dict]
    reviewed: list[PanelAction]
    group_ids: list[int]
    tasking: list[dict] = field(default_factory=list)


def tasking_by_agency(actions: list[PanelAction]) -> list[dict]:
    """The 4P actions agreed at a meeting, per agency: how many under each strand, and in all."""
    strands = list(Strand)
    rows: dict[str, dict] = {}
    for action in actions:
        row = rows.setdefault(
            action.agency.name, {"agency": action.agency.name, "strands": [0] * len(strands)}
        )
        detail = getattr(action, "plan_detail", None)
        if detail is not None:
            row["strands"][strands.index(Strand(detail.strand))] += 1
    for row in rows.values():
        row["total"] = sum(row["strands"])
    return [rows[name] for name in sorted(rows)]


def meeting_agenda(
    user, meeting: PanelMeeting, today: date, visible_groups, visible_actions
) -> MeetingAgenda:
    """The numbered agenda, section by section. Every item keeps its number; a restricted group the
    viewer is not named on shows as "Restricted group", without its name, minutes or actions.
    `reviewed` are the actions that come back to this meeting (the platform's rule)."""
    items = list(PanelAgendaItem.objects.filter(meeting=meeting))
    subject_ids = [i.subject_id for i in items if i.subject_id]
    groups = {
        g.pk: g for g in visible_groups.filter(pk__in=subject_ids).select_related("group_type", "lead_agency")
    }
    bands = current_bands(list(groups))
    actions: dict[int, list] = {}
    agreed = list(
        meeting_selectors.with_state(
            visible_actions.filter(meeting=meeting, carried_from__isnull=True)
            .select_related("agency", "owner", "plan_detail__tactic")
            .order_by("due_date", "id"),
            today,
        )
    )
    for action in agreed:
        action.state = meeting_selectors.action_state(action)
        actions.setdefault(action.item_id, []).append(action)
    lines = []
    for row in meeting_selectors.agenda(meeting, items):
        group = groups.get(row.item.subject_id)
        readable = row.item.subject_id is None or group is not None
        lines.append(
            AgendaLine(
                number=row.number,
                item=row.item,
                starts=row.starts,
                readable=readable,
                group=group,
                band=bands.get(group.pk) if group else None,
                actions=actions.get(row.item.pk, []) if readable else [],
            )
        )
    reviewed = list(
        meeting_selectors.with_state(
            meeting_selectors.reviewed_at(meeting, visible_actions).select_related(
                "agency", "owner", "meeting", "plan_detail"
            ),
            today,
        )
    )
    for action in reviewed:
        action.state = meeting_selectors.action_state(action)
    sections = [
        {"section": section, "lines": [line for line in lines if line.item.section == section]}
        for section in PanelSection
    ]
    readable_items = {line.item.pk for line in lines if line.readable}
    tasking = tasking_by_agency([a for a in agreed if a.item_id in readable_items])
    return MeetingAgenda(sections, reviewed, list(groups), tasking)


# --- 4P actions and figures by agency ----------------------------------------------------------

ACTION_VIEWS = {
    "open": "Open",
    "overdue": "Overdue",
    "all": "Every action",
}


def action_list(
    actions: QuerySet[PanelAction],
    *,
    show: str = "open",
    as_of: date,
    strand: str = "",
    agency_id: int | None = None,
    sort: str = "due",
) -> QuerySet[PanelAction]:
    """The 4P actions the viewer may see, soonest due first (or by agency): open or overdue as
    they stood at the end of `as_of`, or every row; narrowed by strand and agency."""
    if show == "open":
        actions = actions.filter(live_on(as_of))
    elif show == "overdue":
        actions = overdue_as_at(actions, as_of)
    if strand:
        actions = actions.filter(plan_detail__strand=strand)
    if agency_id:
        actions = actions.filter(agency_id=agency_id)
    order = ("agency__name", "due_date", "id") if sort == "agency" else ("due_date", "id")
    return actions.select_related("agency", "owner", "meeting", "plan_detail__tactic").order_by(*order)


def figures_by_agency(
    actions: QuerySet[PanelAction], outcomes: QuerySet[DisruptionOutcome], *, as_of: date, since: date
) -> tuple[list[dict], dict]:
    """Per agency, as the records stood at the end of `as_of`: the 4P actions tasked (counted once
    however often carried forward), open, overdue and completed; and the disruptions it recorded
    from `since` to `as_of` by strand (each record counts its number). Two queries."""
    end = end_of(as_of)
    rows = {
        row["agency_id"]: row
        for row in actions.values("agency_id", "agency__name").annotate(
            tasked=Count("id", filter=Q(carried_from__isnull=True, created_at__lt=end)),
            open=Count("id", filter=live_on(as_of)),
            overdue=Count("id", filter=overdue_on(as_of)),
            completed=Count(
                "id", filter=Q(created_at__lt=end, status=ActionStatus.COMPLETED, completed_on__lte=as_of)
            ),
        )
    }
    strands = list(Strand)
    disruptions = outcomes.filter(occurred_on__gte=since, occurred_on__lte=as_of, recorded_at__lt=end).values(
        "agency_id", "agency__name"
    )
    disruptions = disruptions.annotate(
        **{s.value: Sum("number", filter=Q(strand=s.value), default=0) for s in strands},
        total=Sum("number", default=0),
    )
    recorded = {row["agency_id"]: row for row in disruptions}
    result = []
    for agency_id in set(rows) | set(recorded):
        a, d = rows.get(agency_id, {}), recorded.get(agency_id, {})
        result.append(
            {
                "agency": a.get("agency__name") or d.get("agency__name"),
                "tasked": a.get("tasked", 0),
                "open": a.get("open", 0),
                "overdue": a.get("overdue", 0),
                "completed": a.get("completed", 0),
                "strands": [d.get(s.value, 0) for s in strands],
                "disruptions": d.get("total", 0),
            }
        )
    result.sort(key=lambda row: row["agency"])
    totals = {
        key: sum(row[key] for row in result)
        for key in ("tasked", "open", "overdue", "completed", "disruptions")
    }
    totals["strands"] = [sum(row["strands"][i] for row in result) for i in range(len(strands))]
    return result, totals
