from django import template

from ..forms import error_links as _error_links

register = template.Library()


@register.filter
def error_links(form):
    """(input id, message) for each error of the form: see core.forms.error_links."""
    return _error_links(form)
