from django import template

from ..permissions import can_read_register

register = template.Library()


@register.filter
def can_open_duties_register(user) -> bool:
    """For links from shared pages (the dashboard): only roles that may open the register get one."""
    return bool(getattr(user, "is_authenticated", False)) and can_read_register(user)
