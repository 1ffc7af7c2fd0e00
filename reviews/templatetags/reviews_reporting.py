"""Helpers for the DHR section of the partnership dashboard and the Executive report."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def counted(value, singular: str, plural: str) -> str:
    """'1 review', '7 reviews'. Counts of reviews are records, shown as they are."""
    return f"{value} {singular if value == 1 else plural}"


@register.simple_tag(takes_context=True)
def dhr_links(context) -> dict:
    """Links from dashboard figures to the tracker and register, for viewers who may open them.
    None in the paper (it has section numbers) or for anyone else: the pages check access too."""
    from ..permissions import REGISTER_ROLES, TRACKER_ROLES

    user = context.get("user")
    if context.get("number") or context.get("for_pdf") or not getattr(user, "is_authenticated", False):
        return {}
    links = {}
    if user.has_role(*TRACKER_ROLES):
        links["tracker"] = reverse("reviews:tracker")
    if user.has_role(*REGISTER_ROLES):
        links["register"] = reverse("reviews:register")
    return links


@register.simple_tag
def query_url(base: str, **params) -> str:
    return f"{base}?{urlencode(params)}"


@register.simple_tag
def agency_chart(recommendations: dict) -> dict:
    """Labels, series and text alternative for the implementation-by-agency chart."""
    agencies = recommendations.get("by_agency", [])
    labels = [a["label"] for a in agencies]
    values = [a["percent"] or 0 for a in agencies]
    described = "; ".join(
        f"{a['label']} {a['percent']}% ({a['implemented']} of {a['total']})" for a in agencies
    )
    return {
        "labels": labels,
        "series": {"Implemented with evidence (%)": values},
        "alt": "Bar chart of the percentage of DHR recommendations implemented with evidence, "
        f"by owning agency: {described}.",
    }
