import django_filters
from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import GdsFormMixin

from .registry import kind_names

STATE_CHOICES = [
    ("overdue", "Overdue"),
    ("due_soon", "Due within 14 days"),
    ("on_track", "On track"),
    ("met", "Met"),
    ("waived", "Waived"),
]


class DeadlineFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[], empty_label="Any kind", label="Kind")
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, empty_label="Any status", label="Status", method="filter_state"
    )
    statutory = django_filters.ChoiceFilter(
        choices=[("yes", "Statutory only"), ("no", "Not statutory")],
        empty_label="Statutory or not",
        method="filter_statutory",
        label="Statutory",
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["kind"].extra["choices"] = sorted(kind_names().items(), key=lambda kv: kv[1])

    def filter_state(self, queryset, name, value):
        from datetime import timedelta

        from .models import DeadlineStatus

        soon = self.today + timedelta(days=14)
        return {
            "overdue": queryset.filter(status=DeadlineStatus.OPEN, due_date__lt=self.today),
            "due_soon": queryset.filter(
                status=DeadlineStatus.OPEN, due_date__gte=self.today, due_date__lte=soon
            ),
            "on_track": queryset.filter(status=DeadlineStatus.OPEN, due_date__gt=soon),
            "met": queryset.filter(status=DeadlineStatus.MET),
            "waived": queryset.filter(status=DeadlineStatus.WAIVED),
        }[value]

    def filter_statutory(self, queryset, name, value):
        return queryset.filter(statutory=(value == "yes"))


class WaiveForm(GdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this deadline being waived?",
        help_text="For example, the agency report is no longer needed because the agency had no contact. "
        "Do not include names.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter the reason for waiving this deadline"},
    )
    submit_label = "Waive deadline"

    def gds_fields(self):
        return [Field.textarea("reason")]
