"""Forms of the audit pages: asking for emergency access, and an auditor's review of a use."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import GdsFormMixin

from .models import BreakGlassOutcome


class BreakGlassForm(GdsFormMixin, forms.Form):
    submit_label = "Open emergency access"
    kind = forms.ChoiceField(
        label="What kind of record do you need?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of record you need"},
    )
    reference = forms.CharField(
        label="Its reference",
        max_length=40,
        help_text="For example MARAC-2026-0042 or OCG-2026-0007.",
        error_messages={"required": "Enter the record's reference"},
    )
    reason = forms.CharField(
        label="Why do you need it now?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Say what has happened and why it cannot wait for the record's owner. Do not include names.",
        error_messages={"required": "Enter why you need this record now"},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.key, kind.label) for kind in kinds]

    def gds_fields(self):
        return [Field.radios("kind", legend_size="s"), Field.text("reference"), Field.textarea("reason")]


class BreakGlassReviewForm(GdsFormMixin, forms.Form):
    submit_label = "Record the review"
    outcome = forms.ChoiceField(
        label="Was the use justified?",
        choices=BreakGlassOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the use was justified"},
    )
    note = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Needed when the use was not justified: the follow-up agreed.",
    )

    def gds_fields(self):
        return [Field.radios("outcome", legend_size="s"), Field.textarea("note")]
