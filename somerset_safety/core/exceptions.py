"""The one base of every domain error: a refusal whose message is plain English and safe to
show the user. Each app's own error (ReviewError, MaracError, DutiesError, …) derives from it,
so `core.forms.errors_on(form)` turns any of them into a form error."""


class DomainError(Exception):
    """A refused action. The message says why, in the service's own words.

    `field` names the input the refusal is about (a date out of order: ``field="decision_date"``)
    so the form shows the message beside that input as well as in the error summary."""

    def __init__(self, *args, field: str | None = None):
        super().__init__(*args)
        self.field = field
