"""Input shape only (S10); the rules are in services.py."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm

from .models import RetentionAction


class RetentionRuleForm(VersionedForm, GdsFormMixin, forms.Form):
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


class DisposalForm(GdsFormMixin, forms.Form):
    """The confirmation of a disposal: the records (ticked, each can be unticked), what happens
    to them, and that the person understands it cannot be undone."""

    records = forms.TypedMultipleChoiceField(
        label="Records to dispose of",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the records to dispose of",
            "invalid_choice": "A record you selected is no longer due for disposal. Check the list and try again",
        },
    )
    action = forms.ChoiceField(
        label="What happens to them",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to destroy or anonymise the records"},
    )
    confirm = forms.BooleanField(
        label="I have reviewed these records and understand that this cannot be undone",
        error_messages={
            "required": "Confirm that you have reviewed the records and understand this cannot be undone"
        },
    )

    ACTION_HINTS = {
        RetentionAction.DESTROY: "Each record is deleted with everything kept with it: its history, deadlines "
        "and stored files.",
        RetentionAction.ANONYMISE: "Names, dates of birth, addresses and notes are removed; the record stays, so "
        "the figures already reported do not change.",
    }

    def __init__(self, *args, records, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [
            (row.pk, f"{row} ({row.trigger_date:%-d %B %Y})") for row in records
        ]
        self.fields["action"].choices = [(a, RetentionAction(a).label.split(":")[0]) for a in actions]
        if len(actions) == 1:
            self.fields["action"].initial = actions[0]
        self.fields["action"].help_text = " ".join(self.ACTION_HINTS[a] for a in actions)
        self.submit_label = "Dispose of the records"

    def gds_fields(self):
        return [
            Field.checkboxes("records", legend_size="m", small=True),
            Field.radios("action", legend_size="m"),
            Field.checkbox("confirm"),
        ]
