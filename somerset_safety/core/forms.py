from contextlib import contextmanager
from datetime import date
from functools import cached_property

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django.core.exceptions import ValidationError

from .dates import future_refusal
from .exceptions import DomainError


class GdsFormMixin:
    """A GOV.UK layout with one submit button. Render with templates/includes/form_page.html,
    which adds the error summary and the <form> tag.

    Override `gds_fields()` to choose widgets (Field.text, Field.radios, Field.textarea …) and
    `submit_label` for the button text.
    """

    submit_label = "Continue"

    @cached_property
    def helper(self) -> FormHelper:
        """Built when the form is drawn, so `gds_fields` may use what `__init__` worked out."""
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(*self.gds_fields(), Button("submit", self.submit_label))
        return helper

    def gds_fields(self):
        return [Field(name) for name in self.fields]


@contextmanager
def errors_on(form):
    """Run a service; a domain error (any app's, all derive from core DomainError) becomes a form
    error in the service's own words, so the page shows it with everything typed kept::

        if request.method == "POST" and form.is_valid():
            with errors_on(form):
                services.pause_start(actor=request.user, review=review, **form.cleaned_data)
                return redirect(notification)
        return render(...)

    The lines after the call run only when the service succeeded.
    """
    try:
        yield
    except DomainError as exc:
        form.add_error(None, str(exc))


class DateField(DateInputField):
    """A GOV.UK day/month/year date with messages in plain words, for every form in the product.

    A date must be all three parts or none: "1" in the day alone is an error, not a blank.
    `not_future=True` refuses a date after today (the one rule, core.dates.future_refusal).
    """

    def __init__(
        self, *, label: str, help_text: str = "", required: bool = True, not_future: bool = False, **kwargs
    ):
        super().__init__(
            label=label, help_text=help_text or "For example, 27 3 2026", required=required, **kwargs
        )
        self.not_future = not_future
        self.name_in_messages = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {self.name_in_messages}"
        self.error_messages["incomplete"] = f"Enter the {self.name_in_messages} as a day, month and year"

    def clean(self, value):
        parts = [str(part).strip() for part in (value or [])] if isinstance(value, list | tuple) else []
        if parts and any(parts) and not all(parts) and not self.disabled:
            raise ValidationError(
                f"The {self.name_in_messages} must include a day, month and year", code="incomplete"
            )
        value = super().clean(value)
        refusal = future_refusal(value, f"The {self.name_in_messages}") if self.not_future else None
        if refusal:
            raise ValidationError(refusal, code="future")
        return value

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"The {self.name_in_messages} must have a 4-digit year", code="invalid")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError as exc:
            raise ValidationError(f"The {self.name_in_messages} must be a real date", code="invalid") from exc
