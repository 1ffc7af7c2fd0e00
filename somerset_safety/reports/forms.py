from datetime import date

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils import timezone

from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm

from .models import NARRATIVE_SECTIONS, SIGN_OFF_ROLES, ExecutiveReport
from .periods import PeriodKind, last_quarter_end, report_period
from .services import EDITABLE_FIELDS

HELP = {
    "summary": "Separate paragraphs with a blank line; each paragraph is numbered (1.1, 1.2 …). "
    "A section you leave empty is left out of the paper.",
    "background_papers": "List papers by title; they must be available for 4 years after the meeting.",
    "council_plan_links": "How the recommendations serve the Council Plan's priorities and what they mean "
    "for the medium-term financial plan.",
}
FORM_FIELDS = [f for f in EDITABLE_FIELDS if f != "sign_off"]


class PeriodFields:
    """The report date and period: the same three fields on the report form and the dashboard."""

    @staticmethod
    def add(form: forms.Form, *, end_label: str = "Figures as at") -> None:
        form.fields["period_end"] = DateField(
            label=end_label,
            help_text="Every figure is worked out as it stood on this date, for example 31 3 2025.",
        )
        form.fields["period_kind"] = forms.ChoiceField(
            label="Period the figures cover",
            choices=PeriodKind.choices,
            widget=forms.RadioSelect,
            help_text="A quarter or financial year is the one that contains the date, counted to that date.",
            error_messages={"required": "Select the period the figures cover"},
        )
        form.fields["period_start"] = DateField(
            label="Period from", required=False, help_text="Only if you chose a date: for example 1 4 2024."
        )

    @staticmethod
    def clean(form: forms.Form, cleaned: dict) -> None:
        end, kind, start = cleaned.get("period_end"), cleaned.get("period_kind"), cleaned.get("period_start")
        if kind == PeriodKind.DATES and end and not start and "period_start" not in form.errors:
            form.add_error("period_start", "Enter the date the period starts from")
        elif kind == PeriodKind.DATES and start and end and start > end:
            form.add_error(
                "period_start", "The period must start on or before the date the figures are as at"
            )

    @staticmethod
    def layout() -> list:
        return [
            Field("period_end"),
            Field.radios("period_kind", legend_size=Size.SMALL),
            Field("period_start"),
        ]


def _yes_no(label: str, help_text: str, required: str | None = None) -> forms.TypedChoiceField:
    """A question answered Yes or No with radios, for a model's BooleanField: one that must be
    answered (`required` is its error), or one left unanswered meaning No."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("True", "Yes"), ("False", "No")],
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
        help_text=help_text,
        required=required is not None,
        empty_value=False,
        error_messages={"required": required} if required else {},
    )


class ReportForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    submit_label = "Save report"

    class Meta:
        model = ExecutiveReport
        fields = FORM_FIELDS
        widgets = {"publication": forms.RadioSelect}
        labels = {
            "author_and_contact": "Author and contact details",
            "division_and_local_member": "Division and local member",
            "exempt_information": "Exempt (Part II) information",
            "forward_plan_reference": "Forward Plan reference",
            "other_appendices": "Other appendices",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_date"] = DateField(label="Meeting date", help_text="For example, 12 2 2025")
        PeriodFields.add(self)
        for field, heading in NARRATIVE_SECTIONS:
            self.fields[field].label = heading
            self.fields[field].help_text = HELP.get(field, "")
            self.fields[field].widget.attrs["rows"] = 5
        self.fields["key_decision"] = _yes_no(
            "Key decision",
            "Key decisions need 28 clear days' public notice on the Forward Plan.",
            "Select whether this is a key decision",
        )
        self.fields["detailed_appendices"] = _yes_no(
            "Publish the detailed figures as PDF appendices?",
            "Every MARAC area's figures as a PDF file, as well as the CSV file published with every "
            "paper. For many areas it runs to many pages and takes longer to generate.",
        )
        self.fields["forward_plan_reference"].help_text = "Needed for a key decision."
        for key, _label in SIGN_OFF_ROLES:
            self.fields[f"sign_off_{key}_name"] = forms.CharField(
                label="Signed off by", required=False, max_length=200
            )
            self.fields[f"sign_off_{key}_date"] = DateField(
                label="Date signed off", required=False, help_text="For example, 27 1 2025"
            )
            recorded = (self.instance.sign_off or {}).get(key, {}) if self.instance.pk else {}
            self.initial.setdefault(f"sign_off_{key}_name", recorded.get("name", ""))
            if recorded.get("date"):
                self.initial.setdefault(f"sign_off_{key}_date", date.fromisoformat(recorded["date"]))
        for name, message in {
            "meeting": "Enter the meeting, for example Executive",
            "decision_body": "Enter the decision body",
            "lead_officer": "Enter the lead officer",
            "author_and_contact": "Enter the author and contact details",
            "cabinet_member": "Enter the cabinet member",
            "title": "Enter the report title",
        }.items():
            self.fields[name].error_messages["required"] = message
        if not self.instance.pk:
            self.initial.setdefault("period_end", last_quarter_end(timezone.localdate()))
            self.initial.setdefault("period_kind", PeriodKind.QUARTER)

    def clean(self):
        cleaned = super().clean()
        PeriodFields.clean(self, cleaned)
        if cleaned.get("key_decision") and not cleaned.get("forward_plan_reference", "").strip():
            self.add_error(
                "forward_plan_reference", "Enter the Forward Plan reference: this is a key decision"
            )
        meeting, end = cleaned.get("meeting_date"), cleaned.get("period_end")
        if meeting and end and end > meeting:
            self.add_error("period_end", "The figures must be as at a date on or before the meeting date")
        sign_off = {}
        for key, label in SIGN_OFF_ROLES:
            name = cleaned.get(f"sign_off_{key}_name", "").strip()
            day = cleaned.get(f"sign_off_{key}_date")
            if day and not name:
                self.add_error(f"sign_off_{key}_name", f"Enter who signed the paper off for {label}")
            if name or day:
                sign_off[key] = {"name": name, "date": day.isoformat() if day else None}
        cleaned["sign_off"] = sign_off
        if cleaned.get("period_kind") and end and "period_start" not in self.errors:
            try:
                report_period(cleaned["period_kind"], end, cleaned.get("period_start"))
            except ValueError as exc:
                self.add_error("period_start", str(exc))
        return cleaned

    def gds_fields(self):
        header = [
            Field.text("title"),
            Field.text("meeting"),
            Field("meeting_date"),
            Field.text("decision_body"),
            Field.text("lead_officer"),
            Field.text("author_and_contact"),
            Field.text("cabinet_member"),
            Field.text("division_and_local_member"),
            Field.radios("key_decision", inline=True, legend_size=Size.SMALL),
            Field.text("forward_plan_reference", field_width=10),
            Field.radios("publication", legend_size=Size.SMALL),
        ]
        narrative = [Field.textarea(field) for field, _h in NARRATIVE_SECTIONS]
        sign_off = [
            Fieldset(
                Field.text(f"sign_off_{key}_name"),
                Field(f"sign_off_{key}_date"),
                legend=label,
                legend_size=Size.SMALL,
            )
            for key, label in SIGN_OFF_ROLES
        ]
        return [
            Fieldset(*header, legend="Header", legend_size=Size.MEDIUM),
            Fieldset(*PeriodFields.layout(), legend="Report date and period", legend_size=Size.MEDIUM),
            Fieldset(*narrative, legend="The paper", legend_size=Size.MEDIUM),
            Fieldset(
                Field.textarea("other_appendices"),
                Field.radios("detailed_appendices", inline=True, legend_size=Size.SMALL),
                legend="Appendices",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*sign_off, legend="Report sign-off", legend_size=Size.MEDIUM),
            Fieldset(
                Field.textarea("exempt_information"), legend="Confidential appendix", legend_size=Size.MEDIUM
            ),
        ]


class DashboardDateForm(GdsFormMixin, forms.Form):
    """The dashboard's date picker: figures as at a date, over a period."""

    submit_label = "Show figures"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PeriodFields.add(self)

    def clean(self):
        cleaned = super().clean()
        PeriodFields.clean(self, cleaned)
        end = cleaned.get("period_end")
        if end and end > timezone.localdate():
            self.add_error("period_end", "The date must be today or in the past")
        return cleaned

    def period(self):
        cleaned = self.cleaned_data
        return report_period(cleaned["period_kind"], cleaned["period_end"], cleaned.get("period_start"))

    def gds_fields(self):
        return PeriodFields.layout()
