import django_filters
from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import GdsFormMixin

from .registry import kind_names
from .state import STATES


class DeadlineFilter(django_filters.FilterSet):
    """Narrows `selectors.my_deadlines` (annotated with `clock_state`)."""

    kind = django_filters.ChoiceFilter(choices=[], empty_label="Any kind", label="Kind")
    state = django_filters.ChoiceFilter(
        choices=[(key, label) for key, label, _ in STATES],
        empty_label="Any status",
        label="Status",
        field_name="clock_state",
    )
    statutory = django_filters.ChoiceFilter(
        choices=[("yes", "Statutory only"), ("no", "Not statutory")],
        empty_label="Statutory or not",
        method="filter_statutory",
        label="Statutory",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = sorted(kind_names().items(), key=lambda kv: kv[1])

    def filter_statutory(self, queryset, name, value):
        return queryset.filter(statutory=(value == "yes"))


class _ReasonForm(GdsFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Do not include names.",
    )

    def gds_fields(self):
        return [Field.textarea("reason")]


class WaiveForm(_ReasonForm):
    submit_label = "Waive deadline"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = "Why is this deadline being waived?"
        field.help_text = (
            "For example, the action is no longer needed because the victim moved out of the area. "
            + ("Do not include names.")
        )
        field.error_messages["required"] = "Enter the reason for waiving this deadline"


class UnwaiveForm(_ReasonForm):
    submit_label = "Withdraw the waiver"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = "Why is the waiver being withdrawn?"
        field.help_text = "For example, the deadline was waived by mistake. Do not include names."
        field.error_messages["required"] = "Enter the reason for withdrawing the waiver"
