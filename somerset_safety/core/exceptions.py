"""The one base of every domain error: a refusal whose message is plain English and safe to
show the user. Each app's own error (ReviewError, MaracError, DutiesError, …) derives from it,
so `core.forms.errors_on(form)` turns any of them into a form error."""


class DomainError(Exception):
    """A refused action. The message says why, in the service's own words."""
