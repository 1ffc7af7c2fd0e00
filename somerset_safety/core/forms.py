from contextlib import contextmanager
from datetime import date
from functools import cached_property

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .dates import future_refusal
from .edits import StaleEdit, record_version
from .exceptions import DomainError
from .messages import plain_messages


class PlainMessages:
    """Every field's messages in the service's own words (core.messages), never Django's
    defaults. Every form in the product has it; GdsFormMixin includes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_messages(self.fields)


# The GOV.UK fixed input widths, narrowest first.
_WIDTHS = (2, 3, 4, 5, 10, 20)


def number_width(field: forms.Field) -> int:
    """The GOV.UK fixed width that fits the longest number the field takes: 3 characters for
    an age up to 120, 10 for a sum of money."""
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return 10
    if field.max_value is None:
        return 5
    needed = len(str(int(field.max_value)))
    return next((width for width in _WIDTHS if width >= needed), 20)


class GdsFormMixin(PlainMessages):
    """A GOV.UK layout with one submit button. Render with templates/includes/form_page.html,
    which adds the error summary and the <form> tag.

    Override `gds_fields()` to choose widgets (Field.text, Field.radios, Field.textarea …) and
    `submit_label` for the button text. Number fields are GOV.UK text inputs (inputmode numeric, no spinner) as wide as the
    largest number they take.
    """

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and isinstance(field.widget, forms.NumberInput):
                whole = not isinstance(field, forms.DecimalField | forms.FloatField)
                field.widget = forms.TextInput(
                    attrs={
                        "inputmode": "numeric" if whole else "decimal",
                        "spellcheck": "false",
                        "class": f"govuk-input--width-{number_width(field)}",
                    }
                )

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

    The lines after the call run only when the service succeeded. An error naming a field of
    the form (`DomainError(..., field="decision_date")`) is shown beside that field.
    """
    try:
        yield
    except StaleEdit as exc:
        form.add_error(None, str(exc))
        if isinstance(form, VersionedForm):
            form.based_on_current_version()
    except DomainError as exc:
        field = getattr(exc, "field", None)
        form.add_error(field if field in form.fields else None, str(exc))


def first_input_id(bound_field) -> str:
    """The id of the first input of a field's group, which an error summary link must point
    at so that following it puts the cursor there: the day of a date, the first radio or
    checkbox (crispy-forms-gds numbers those from 1), otherwise the input itself."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id


def error_links(form) -> list[tuple[str, str]]:
    """(input id, message) for every error of a form, in the order the page shows them: errors
    about the whole form first, linked to its first field, then each field's own."""
    fields = list(form.visible_fields())
    links = []
    if fields:
        links += [(first_input_id(fields[0]), error) for error in form.non_field_errors()]
    else:
        links += [("", error) for error in form.non_field_errors()]
    for bound_field in fields:
        # A date's day, month or year in error is linked to itself; the rest to the day.
        part_of = {}
        if isinstance(bound_field.field, forms.MultiValueField):
            for index, subfield in enumerate(bound_field.field.fields):
                for error in getattr(subfield.widget, "errors", []):
                    part_of.setdefault(str(error), f"{bound_field.auto_id}_{index}")
        links += [
            (part_of.get(str(error), first_input_id(bound_field)), error) for error in bound_field.errors
        ]
    return links


class VersionedForm(PlainMessages, forms.Form):
    """Mixed into every form that changes an existing record (optimistic concurrency)::

        class NotificationForm(VersionedForm, GdsFormMixin, forms.ModelForm): ...
        form = SlaveryUpdateForm(request.POST or None, record=notification, initial=...)

    It carries, hidden, the version of the record the form was opened on (`record`, or a model
    form's instance; a form for a new record carries none). Its value reaches the service as `expected_version` with the rest of
    `cleaned_data`, and `save_changes` refuses the save if someone changed the record since.
    The page then shows what they changed, keeps what was typed, and the form is now based on
    the record as it stands, so saving again is a deliberate choice."""

    expected_version = forms.CharField(widget=forms.HiddenInput, required=False, label="Version")

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record if record is not None else getattr(self, "instance", None)
        if self.record is None or self.record.pk is None:
            del self.fields["expected_version"]  # a new record: nobody else can have changed it
            self.record = None
        else:
            self.fields["expected_version"].initial = record_version(self.record)

    @cached_property
    def helper(self) -> FormHelper:
        helper = super().helper
        helper.render_hidden_fields = True
        return helper

    def based_on_current_version(self) -> None:
        if self.record is None or not self.is_bound:
            return
        self.record.refresh_from_db()
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_version")] = record_version(self.record)


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
        not_a_date = f"The {self.name_in_messages} must be a real date"
        for part in self.fields:
            part.validators = [RegexValidator(r"^[0-9]+$", not_a_date)]

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
