from django import template

from somerset_safety.core.dates import today as local_today

from ..state import clock_state

register = template.Library()


@register.inclusion_tag("deadlines/_state_tag.html")
def clock(deadline, today=None, detail=True):
    """The GOV.UK tag for a stored deadline's state and the words beside it:
    `{% clock deadline %}`, or `{% clock deadline today detail=False %}` for the tag alone."""
    return {"state": clock_state(deadline, today or local_today()), "detail": detail}
