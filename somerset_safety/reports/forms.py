from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from somerset_safety.core.forms import GdsFormMixin

from .models import NARRATIVE_SECTIONS, ExecutiveReport
from .services import EDITABLE_FIELDS

HELP = {
    "summary": "Separate paragraphs with a blank line; each paragraph is numbered (1.1, 1.2 …).",
    "background_papers": "List papers by title; they must be available for 4 years after the meeting.",
}


class ReportForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save report"

    class Meta:
        model = ExecutiveReport
        fields = EDITABLE_FIELDS
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "key_decision": forms.RadioSelect(choices=[(True, "Yes"), (False, "No")]),
            "publication": forms.RadioSelect,
        }
        labels = {
            "author_and_contact": "Author and contact details",
            "division_and_local_member": "Division and local member",
            "exempt_information": "Exempt (Part II) information",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _n, heading in NARRATIVE_SECTIONS:
            self.fields[field].label = heading
            self.fields[field].help_text = HELP.get(field, "")
            self.fields[field].widget.attrs["rows"] = 5
        self.fields["key_decision"] = forms.TypedChoiceField(
            label="Key decision",
            choices=[("True", "Yes"), ("False", "No")],
            coerce=lambda v: v == "True",
            widget=forms.RadioSelect,
            help_text="Key decisions need 28 clear days' public notice.",
            error_messages={"required": "Select whether this is a key decision"},
        )
        self.fields["meeting"].error_messages["required"] = "Enter the meeting, for example Executive"
        self.fields["meeting_date"].error_messages["required"] = "Enter the meeting date"
        self.fields["decision_body"].error_messages["required"] = "Enter the decision body"
        self.fields["lead_officer"].error_messages["required"] = "Enter the lead officer"
        self.fields["author_and_contact"].error_messages["required"] = "Enter the author and contact details"
        self.fields["cabinet_member"].error_messages["required"] = "Enter the cabinet member"
        self.fields["meeting_date"].error_messages["invalid"] = "Enter the meeting date as a real date"
        self.fields["title"].error_messages["required"] = "Enter the report title"

    def gds_fields(self):
        header = [
            Field.text("title"),
            Field.text("meeting"),
            Field.text("meeting_date", field_width=10),
            Field.text("decision_body"),
            Field.text("lead_officer"),
            Field.text("author_and_contact"),
            Field.text("cabinet_member"),
            Field.text("division_and_local_member"),
            Field.radios("key_decision", inline=True, legend_size=Size.SMALL),
            Field.radios("publication", legend_size=Size.SMALL),
        ]
        narrative = [Field.textarea(field) for field, _n, _h in NARRATIVE_SECTIONS]
        return [
            Fieldset(*header, legend="Header", legend_size=Size.MEDIUM),
            Fieldset(*narrative, legend="The paper", legend_size=Size.MEDIUM),
            Fieldset(
                Field.textarea("exempt_information"), legend="Confidential appendix", legend_size=Size.MEDIUM
            ),
        ]
