"""Input shape only: explicit fields (S10), GOV.UK layouts. Rules live in services.py."""

from crispy_forms_gds.layout import Field, Fieldset
from django import forms
from django.conf import settings

from somerset_safety.accounts.models import Agency
from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm
from somerset_safety.core.uploads import ACCEPT_ATTRIBUTE, HUMAN_TYPES, validate_upload

from .models import (
    AgeGroup,
    AssessmentKind,
    AssessmentOutcome,
    Consent,
    Decision,
    ExploitationType,
    Route,
)
from .models.slavery import route_for


class EvidenceForm(GdsFormMixin, forms.Form):
    submit_label = "Record evidence"

    summary = forms.CharField(
        label="What was done",
        widget=forms.Textarea,
        max_length=5000,
        help_text="For example: strategic assessment presented to the partnership board on 12 June.",
        error_messages={"required": "Enter what was done"},
    )
    document = forms.FileField(
        label="Upload a document (optional)",
        required=False,
        help_text=f"{HUMAN_TYPES}. Do not upload documents that name victims.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "class": "govuk-file-upload"}),
    )
    link = forms.URLField(
        label="Or a link to the evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
        help_text="For example, the published minutes or report on the council's website.",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )

    met_on = DateField(label="Date it was met", not_future=True)
    field_order = ["met_on"]

    def gds_fields(self):
        return [
            Field("met_on"),
            Field.textarea("summary", rows=4),
            Field("document"),
            Field.text("link"),
        ]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            try:
                validate_upload(document)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return document

    def clean_link(self):
        link = self.cleaned_data.get("link", "")
        if link and not link.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a full web address, starting https://")
        return link

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("document") and not cleaned.get("link"):
            self.add_error("document", "Upload a document or enter a link to the evidence")
        return cleaned


class WithdrawEvidenceForm(GdsFormMixin, forms.Form):
    submit_label = "Withdraw evidence"

    reason = forms.CharField(
        label="Why are you withdrawing this evidence?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why you are withdrawing this evidence"},
    )

    def gds_fields(self):
        return [Field.textarea("reason", rows=3)]


class AssessmentForm(VersionedForm, GdsFormMixin, forms.Form):
    submit_label = "Save assessment"

    title = forms.CharField(
        label="Title of the decision, policy or plan",
        max_length=250,
        error_messages={"required": "Enter the title of the decision, policy or plan"},
    )
    kind = forms.ChoiceField(
        label="What was assessed?",
        choices=AssessmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was assessed"},
    )
    decision_body = forms.CharField(
        label="Decision body",
        max_length=200,
        help_text="For example, the Executive, Full Council or a director's decision.",
        error_messages={"required": "Enter the decision body"},
    )
    assessor = forms.CharField(
        label="Assessed by",
        max_length=200,
        help_text="Name and job title.",
        error_messages={"required": "Enter who assessed it"},
    )
    covers = forms.MultipleChoiceField(
        label="What did the assessment cover?",
        choices=[
            ("s17", "Crime and disorder implications (Crime and Disorder Act 1998 section 17)"),
            ("equality", "Equality impact (Equality Act 2010 section 149)"),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of assessment"},
    )
    crime_disorder_implications = forms.CharField(
        label="Crime and disorder implications found",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="Including effects on anti-social behaviour, substance misuse, re-offending and serious violence.",
    )
    equality_impact = forms.CharField(
        label="Equality impact found",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text="Effects on people with protected characteristics.",
    )
    mitigations = forms.CharField(
        label="Mitigations agreed", widget=forms.Textarea, required=False, max_length=10000
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AssessmentOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )

    decision_date = DateField(
        label="Decision date", help_text="Leave blank if not decided yet.", required=False
    )
    assessed_on = DateField(label="Date assessed", not_future=True)
    field_order = ["title", "kind", "decision_body", "decision_date", "assessed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "decision_body" not in self.initial:
            self.initial["decision_body"] = f"The {getattr(settings, 'DECISION_BODY_NAME', 'Executive')}"

    def gds_fields(self):
        return [
            Field.text("title"),
            Field.radios("kind", legend_size="s"),
            Field.text("decision_body", field_width=20),
            Field("decision_date"),
            Field("assessed_on"),
            Field.text("assessor", field_width=20),
            Field.checkboxes("covers", legend_size="s"),
            Field.textarea("crime_disorder_implications", rows=4),
            Field.textarea("equality_impact", rows=4),
            Field.textarea("mitigations", rows=3),
            Field.radios("outcome", legend_size="s"),
        ]

    def clean(self):
        cleaned = super().clean()
        covers = cleaned.get("covers") or []
        if "s17" in covers and not cleaned.get("crime_disorder_implications", "").strip():
            self.add_error("crime_disorder_implications", "Enter the crime and disorder implications found")
        if "equality" in covers and not cleaned.get("equality_impact", "").strip():
            self.add_error("equality_impact", "Enter the equality impact found")
        return cleaned

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        covers = data.pop("covers")
        data["covers_crime_and_disorder"] = "s17" in covers
        data["covers_equality"] = "equality" in covers
        return data

    @staticmethod
    def initial_from(assessment) -> dict:
        covers = (["s17"] if assessment.covers_crime_and_disorder else []) + (
            ["equality"] if assessment.covers_equality else []
        )
        names = [
            "title",
            "kind",
            "decision_body",
            "decision_date",
            "assessed_on",
            "assessor",
            "crime_disorder_implications",
            "equality_impact",
            "mitigations",
            "outcome",
        ]
        return {**{n: getattr(assessment, n) for n in names}, "covers": covers}


class _SafeguardingFields(forms.Form):
    exploitation_types = forms.MultipleChoiceField(
        label="Types of exploitation",
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one type of exploitation"},
    )
    exploitation_other = forms.CharField(
        label="Other type of exploitation",
        required=False,
        max_length=200,
        help_text="Only if you selected Other.",
    )
    safeguarding_referral_made = forms.TypedChoiceField(
        label="Has a safeguarding referral been made?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a safeguarding referral has been made"},
    )
    safeguarding_referral_on = DateField(
        label="Date of the safeguarding referral", required=False, not_future=True
    )
    safeguarding_referral_to = forms.CharField(
        label="Safeguarding referral made to",
        required=False,
        max_length=200,
        help_text="For example, children's social care or adult social care.",
    )
    safeguarding_not_made_reason = forms.CharField(
        label="If no safeguarding referral has been made, why not?",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Needed for a child: a child's record has the referral to children's services or the reason.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Keep to what is needed. Do not record details that identify an adult notified on an MS1.",
    )

    def _is_child(self, cleaned) -> bool:
        return cleaned.get("age_group") == AgeGroup.CHILD

    def clean(self):
        cleaned = super().clean()
        if (
            self._is_child(cleaned)
            and cleaned.get("safeguarding_referral_made") is False
            and not cleaned.get("safeguarding_not_made_reason", "").strip()
        ):
            self.add_error(
                "safeguarding_not_made_reason",
                "Enter why no safeguarding referral to children's services has been made",
            )
        types = cleaned.get("exploitation_types") or []
        if ExploitationType.OTHER in types and not cleaned.get("exploitation_other", "").strip():
            self.add_error("exploitation_other", "Describe the other type of exploitation")
        if cleaned.get("safeguarding_referral_made"):
            if not cleaned.get("safeguarding_referral_on") and "safeguarding_referral_on" not in self.errors:
                self.add_error("safeguarding_referral_on", "Enter the date of the safeguarding referral")
            if not cleaned.get("safeguarding_referral_to", "").strip():
                self.add_error("safeguarding_referral_to", "Enter who the safeguarding referral was made to")
        return cleaned


class SlaveryNotificationForm(GdsFormMixin, _SafeguardingFields):
    submit_label = "Save record"

    age_group = forms.ChoiceField(
        label="Is the potential victim a child or an adult?",
        choices=AgeGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the potential victim is a child or an adult"},
    )
    consent = forms.ChoiceField(
        label="Does the adult consent to a National Referral Mechanism referral?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text="A child does not need to consent. Choose 'Not needed' for a child.",
        error_messages={"required": "Select whether the adult consents"},
    )
    route = forms.ChoiceField(
        label="How was the Home Office told?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        help_text="Children and consenting adults: NRM referral. Adults who do not consent: anonymous MS1.",
        error_messages={"required": "Select how the Home Office was told"},
    )
    person_name = forms.CharField(
        label="Name of the potential victim (NRM referrals only)",
        required=False,
        max_length=200,
        help_text="Leave blank for an MS1 notification: it is anonymous.",
    )
    nrm_reference = forms.CharField(
        label="Home Office NRM reference (optional, NRM referrals only)", required=False, max_length=40
    )
    first_responder = forms.ModelChoiceField(
        label="First responder organisation",
        queryset=Agency.objects.filter(active=True),
        empty_label="Select an organisation",
        error_messages={"required": "Select the first responder organisation"},
    )

    encounter_date = DateField(label="Date of the encounter", not_future=True)
    date_of_birth = DateField(
        label="Date of birth (NRM referrals only)", help_text="Leave blank for an MS1.", required=False
    )
    submitted_on = DateField(label="Date submitted to the Home Office", not_future=True)
    field_order = [
        "encounter_date",
        "age_group",
        "consent",
        "route",
        "person_name",
        "date_of_birth",
        "exploitation_types",
        "exploitation_other",
        "first_responder",
        "submitted_on",
        "nrm_reference",
        "safeguarding_referral_made",
        "safeguarding_referral_on",
        "safeguarding_referral_to",
        "safeguarding_not_made_reason",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "first_responder" not in self.initial:
            self.initial["first_responder"] = (
                Agency.objects.filter(is_council_team=True).order_by("pk").first()
            )

    def gds_fields(self):
        return [
            Field("encounter_date"),
            Field.radios("age_group", legend_size="s"),
            Field.radios("consent", legend_size="s"),
            Field.radios("route", legend_size="s"),
            Fieldset(
                Field.text("person_name"),
                Field("date_of_birth"),
                Field.text("nrm_reference", field_width=20),
                legend="Identifying details (NRM referrals only)",
                legend_size="s",
            ),
            Field.checkboxes("exploitation_types", legend_size="s"),
            Field.text("exploitation_other"),
            Field.select("first_responder"),
            Field("submitted_on"),
            Field.radios("safeguarding_referral_made", legend_size="s", inline=True),
            Field("safeguarding_referral_on"),
            Field.text("safeguarding_referral_to"),
            Field.textarea("safeguarding_not_made_reason", rows=3),
            Field.textarea("notes", rows=3),
        ]

    def clean(self):
        cleaned = super().clean()
        encounter, submitted = cleaned.get("encounter_date"), cleaned.get("submitted_on")
        if encounter and submitted and submitted < encounter:
            self.add_error("submitted_on", "The date submitted must be on or after the date of the encounter")
        age_group, consent, route = cleaned.get("age_group"), cleaned.get("consent"), cleaned.get("route")
        if age_group and consent:
            allowed = route_for(age_group, consent)
            if allowed is None:
                message = (
                    "Choose 'Not needed' for a child"
                    if age_group == AgeGroup.CHILD
                    else "Select whether the adult consents to an NRM referral"
                )
                self.add_error("consent", message)
            elif route and route != allowed:
                if allowed == Route.MS1:
                    self.add_error(
                        "route",
                        "An adult who does not consent cannot be referred into the NRM: "
                        "submit an anonymous MS1 notification",
                    )
                else:
                    self.add_error(
                        "route", "A child or a consenting adult must be referred into the NRM, not on an MS1"
                    )
        if route == Route.MS1:
            for name in ("person_name", "date_of_birth", "nrm_reference"):
                if cleaned.get(name):
                    self.add_error(name, "Leave this blank: an MS1 notification is anonymous")
        return cleaned


class SlaveryUpdateForm(VersionedForm, GdsFormMixin, _SafeguardingFields):
    submit_label = "Save changes"

    nrm_reference = forms.CharField(
        label="Home Office NRM reference (optional)", required=False, max_length=40
    )

    field_order = [
        "exploitation_types",
        "exploitation_other",
        "nrm_reference",
        "safeguarding_referral_made",
        "safeguarding_referral_on",
        "safeguarding_referral_to",
        "safeguarding_not_made_reason",
        "notes",
    ]

    def __init__(self, *args, anonymous: bool = False, child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if anonymous:
            del self.fields["nrm_reference"]  # an MS1 has no NRM reference to change

    def _is_child(self, cleaned) -> bool:
        return self.child

    def gds_fields(self):
        widgets = {
            "exploitation_types": Field.checkboxes("exploitation_types", legend_size="s"),
            "safeguarding_referral_made": Field.radios(
                "safeguarding_referral_made", legend_size="s", inline=True
            ),
            "notes": Field.textarea("notes", rows=3),
            "safeguarding_not_made_reason": Field.textarea("safeguarding_not_made_reason", rows=3),
            "safeguarding_referral_on": Field("safeguarding_referral_on"),
        }
        return [widgets.get(name, Field.text(name)) for name in self.fields]


class RgDecisionForm(GdsFormMixin, forms.Form):
    submit_label = "Record decision"

    decision = forms.ChoiceField(
        label="What was the reasonable-grounds decision?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )

    decided_on = DateField(label="Decision date", not_future=True)
    recovery_period_ends_on = DateField(label="Recovery period ends", required=False)

    def __init__(self, *args, min_recovery_days: int = 30, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recovery_period_ends_on"].help_text = (
            f"Positive decisions only. At least {min_recovery_days} days after the decision; "
            "leave blank to use the minimum."
        )

    def gds_fields(self):
        return [
            Field.radios("decision", legend_size="s"),
            Field("decided_on"),
            Field("recovery_period_ends_on"),
        ]


class CgDecisionForm(GdsFormMixin, forms.Form):
    submit_label = "Record decision"

    decision = forms.ChoiceField(
        label="What was the conclusive-grounds decision?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )

    decided_on = DateField(label="Decision date", not_future=True)

    def gds_fields(self):
        return [Field.radios("decision", legend_size="s"), Field("decided_on")]
