"""Input shape only (S10); the rules are in services.py."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm

from .models import ItemDecision, PauseReason, Regime, RetentionAction


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


class RestrictionFindForm(GdsFormMixin, forms.Form):
    submit_label = "Find the record"

    reference = forms.CharField(
        label="The person's system reference",
        max_length=20,
        help_text="As the record's page or a subject access request shows it: V0000012 for a MARAC victim, "
        "P0000034 for a perpetrator, MS-2026-0001 for a modern slavery record, N000012 for a member of a "
        "Disruption Panel group and E000034 for a person a group exploits. Never a name.",
        error_messages={"required": "Enter the person's system reference, for example V0000012"},
    )

    def gds_fields(self):
        return [Field.text("reference", field_width=10)]


class RestrictionForm(GdsFormMixin, forms.Form):
    """Restrict the processing of a person's record (any kind, records.restriction), or (`lifting`)
    lift the restriction: a reason either way."""

    reason = forms.CharField(
        label="Why is the processing of this person's record being restricted?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=(
            "For example, the person contests the accuracy of the record and it is being checked. "
            "Do not include names."
        ),
        error_messages={"required": "Enter the reason for restricting processing"},
    )
    submit_label = "Restrict processing"

    def __init__(self, *args, lifting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if lifting:
            field = self.fields["reason"]
            field.label = "Why is the restriction being lifted?"
            field.help_text = "For example, the record has been checked and corrected. Do not include names."
            field.error_messages["required"] = "Enter the reason for lifting the restriction"
            self.submit_label = "Lift the restriction"

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


class SarForm(GdsFormMixin, forms.Form):
    submit_label = "Record the request"

    regime = forms.ChoiceField(
        label="The law the request is made under",
        choices=Regime.choices,
        widget=forms.RadioSelect,
        help_text="Part 3 applies where the records are processed for law enforcement (for example, "
        "a police referral to MARAC).",
        error_messages={"required": "Choose the law the request is made under"},
    )
    received_on = DateField(label="Date received", not_future=True)
    subject_name = forms.CharField(
        label="Name of the person the request is about",
        max_length=200,
        error_messages={"required": "Enter the name of the person the request is about"},
    )
    other_names = forms.CharField(
        label="Other names (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Previous names or other spellings, one a line. Each is searched for.",
    )
    date_of_birth = DateField(label="Date of birth", required=False, not_future=True)
    known_references = forms.CharField(
        label="References the person gave (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Case or record references, one a line: a MARAC, DHR, modern slavery or NRM reference.",
    )
    handler = forms.ModelChoiceField(
        label="Who is answering the request",
        queryset=None,
        help_text="Reminders of the deadline go to them.",
        error_messages={"required": "Choose who is answering the request"},
    )

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers

    def gds_fields(self):
        return [
            Field.radios("regime", legend_size="m"),
            Field("received_on"),
            Field.text("subject_name"),
            Field.textarea("other_names"),
            Field("date_of_birth"),
            Field.textarea("known_references"),
            Field.select("handler"),
        ]


class SarPauseForm(GdsFormMixin, forms.Form):
    submit_label = "Pause the clock"

    reason = forms.ChoiceField(
        label="What the requester has been asked for",
        choices=PauseReason.choices,
        widget=forms.RadioSelect,
        help_text="Proof of identity: the month starts again on the day it arrives. Clarification: the "
        "days waiting, from asking to the answer, are added to the due date.",
        error_messages={"required": "Choose what the requester has been asked for"},
    )
    started_on = DateField(label="Date asked", not_future=True)

    def gds_fields(self):
        return [Field.radios("reason", legend_size="m"), Field("started_on")]


class SarResumeForm(GdsFormMixin, forms.Form):
    submit_label = "Restart the clock"

    ended_on = DateField(label="Date received", not_future=True, help_text="The day the answer arrived.")


class SarExtendForm(GdsFormMixin, forms.Form):
    submit_label = "Extend the deadline"

    months = forms.TypedChoiceField(
        label="How much longer",
        coerce=int,
        choices=[(1, "One more month"), (2, "Two more months")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much longer the request needs"},
    )
    reason = forms.CharField(
        label="Why the request is complex",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The reasons the requester was given. Do not name other people.",
        error_messages={"required": "Enter why the request is complex enough to need more time"},
    )
    told_on = DateField(
        label="Date the requester was told",
        not_future=True,
        help_text="It must be within the first month of the request.",
    )

    def __init__(self, *args, months_left: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = self.fields["months"].choices[:months_left]

    def gds_fields(self):
        return [Field.radios("months", legend_size="m"), Field.textarea("reason"), Field("told_on")]


class SarWithdrawForm(GdsFormMixin, forms.Form):
    submit_label = "Record the request as withdrawn"

    reason = forms.CharField(
        label="Why the request was withdrawn",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request was withdrawn"},
    )

    def gds_fields(self):
        return [Field.textarea("reason")]


class SarCompleteForm(GdsFormMixin, forms.Form):
    submit_label = "Record the response as sent"

    completed_on = DateField(label="Date the response was sent", not_future=True)


class SarItemForm(GdsFormMixin, forms.Form):
    submit_label = "Save the decision"

    decision = forms.ChoiceField(
        label="Disclose this record?",
        choices=[(ItemDecision.DISCLOSE, "Disclose it"), (ItemDecision.WITHHOLD, "Withhold it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to disclose or withhold the record"},
    )
    withhold_reason = forms.CharField(
        label="Why it is withheld (if withheld)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: it is about another person (third-party information) and they have not "
        "agreed. The requester does not see this; it is kept on the request.",
    )

    def gds_fields(self):
        return [Field.radios("decision", legend_size="m"), Field.textarea("withhold_reason")]
