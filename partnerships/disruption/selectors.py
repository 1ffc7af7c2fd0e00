"""Reads for the Disruption Panel's pages."""

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from somerset_safety.meetings import selectors as meeting_selectors

from ..models import MappingAssessment, OrganisedCrimeGroup, PanelAction


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
        actions.filter(subject_id=group.pk)
        .select_related("agency", "owner", "meeting", "plan_detail__tactic")
        .order_by("due_date", "id")
    )
    for action in found:
        action.state = meeting_selectors.action_state(action, today)
    return found


def nrm_links_for(user, people) -> dict[str, dict]:
    """The modern slavery records of these people, through the duties app's selector."""
    from duties.selectors import nrm_links

    return nrm_links(user, [p.nrm_reference for p in people])
