from django import template

from .. import breakglass
from ..selectors import viewers_of

register = template.Library()


@register.inclusion_tag("audit/_viewers_panel.html")
def viewers_panel(obj, limit=20):
    """'Who viewed this record' for its owner and auditors (S12). The caller decides who sees it."""
    return {"events": viewers_of(obj, limit=limit)}


@register.inclusion_tag("audit/_emergency_access_link.html", takes_context=True)
def emergency_access_link(context, key=""):
    """ "Request emergency access" for someone whose role could see the kind of record: on a
    kind's list (`key`), or on a "page not found" under its pages. It says nothing about whether
    any record exists."""
    request = context.get("request")
    if request is None:
        return {"offers": []}
    offers = []
    for kind in breakglass.kinds_offered(request.user, key=key, path=request.path):
        noun = kind.label.removeprefix("A ")
        offers.append({"key": kind.key, "plural": f"{noun[:1].upper()}{noun[1:]}s"})
    return {"offers": offers}
