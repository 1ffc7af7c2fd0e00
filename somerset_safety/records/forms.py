"""Input shape only (S10); the rules are in services.py."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import DateField, GdsFormMixin

from .models import RetentionAction


class RetentionRuleForm(GdsFormMixin, forms.Form):
    submit_label = "Save the rule"

    period_months = forms.IntegerField(
        label="Retention period in months",
        min_value=1,
        max_value=1200,
        help_text="How long the record is kept after the trigger. 6 years is 72 months; 15 years is 180.",
        error_messages={
            "required": "Enter the retention period in months",
            "invalid": "Enter the retention period as a whole number of months, like 72",
            "min_value": "The retention period must be at least 1 month",
            "max_value": "The retention period must be 1,200 months (100 years) or fewer",
        },
    )
    trigger = forms.ChoiceField(
        label="Kept from",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the period is counted from"},
    )
    action = forms.ChoiceField(
        label="When the period ends",
        choices=RetentionAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens when the period ends"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the rule comes from, for example the line of the council's retention schedule.",
    )

    def __init__(self, *args, record_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = record_type.trigger_choices()

    def gds_fields(self):
        return [
            Field.text("period_months", field_width=4),
            Field.radios("trigger"),
            Field.radios("action"),
            Field.textarea("notes"),
        ]


class HoldForm(GdsFormMixin, forms.Form):
    submit_label = "Place the legal hold"

    reason = forms.CharField(
        label="Why the record is held",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the coroner's inquest has not concluded; civil claim against the council. "
        "Do not name people.",
        error_messages={"required": "Enter why the record is held"},
    )
    review_on = DateField(label="Review the hold on", help_text="For example, 27 3 2027")

    def gds_fields(self):
        return [Field.textarea("reason"), Field("review_on")]


class HoldReleaseForm(GdsFormMixin, forms.Form):
    submit_label = "Release the hold"

    reason = forms.CharField(
        label="Why the hold is released",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Once released, the record is disposed of by its retention rule when its period has ended.",
        error_messages={"required": "Enter why the hold is released"},
    )

    def gds_fields(self):
        return [Field.textarea("reason")]
