from django import template

from ..selectors import viewers_of

register = template.Library()


@register.inclusion_tag("audit/_viewers_panel.html")
def viewers_panel(obj, limit=20):
    """'Who viewed this record' for its owner and auditors (S12). The caller decides who sees it."""
    return {"events": viewers_of(obj, limit=limit)}
