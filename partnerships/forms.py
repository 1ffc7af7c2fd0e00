from dataclasses import dataclass

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from somerset_safety.accounts.models import Agency, User
from somerset_safety.core.dates import age_on
from somerset_safety.core.forms import DateField, GdsFormMixin, PlainMessages, VersionedForm
from somerset_safety.meetings.forms import ActionForm as PlatformActionForm
from somerset_safety.meetings.forms import (
    AttendanceForm,
    CarryForwardForm,
    CompleteActionForm,
    InviteForm,
    MeetingDetailsForm,
    MinutesForm,
    layout_for,
)

from . import conf, selectors
from .models import (
    DashAnswer,
    Ethnicity,
    IdvaEngagement,
    MaracArea,
    PersonRole,
    RiskQuestion,
    Sex,
    VictimConsent,
    YesNoNotKnown,
)

NEW_PERSON = "new"


def _last_referral(person) -> str:
    if not person.last_referral_on:
        return ""
    return f", the last on {person.last_referral_on:%-d %B %Y} to {person.last_area}"


@dataclass(frozen=True)
class ChecklistList:
    """One of the risk checklist's lists of ticks: the answer a tick records, its words in
    messages (and at the end of each box's label, so an item's boxes never share one), and the
    field's label and hint."""

    answer: str
    words: str
    label: str
    help_text: str
    words_in_boxes: bool = True

    def field(self) -> forms.MultipleChoiceField:
        return forms.MultipleChoiceField(
            label=self.label,
            help_text=self.help_text,
            choices=[],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def choices(self, questions: list[tuple[str, str]]) -> list[tuple[str, str]]:
        if not self.words_in_boxes:
            return questions
        return [(number, f"{text}: {self.words}") for number, text in questions]


# The checklist's three lists, in the order the form shows them: the one declaration of each.
CHECKLIST_LISTS = {
    "dash_yes": ChecklistList(
        DashAnswer.YES,
        "yes",
        "Risk checklist: tick each item answered yes",
        "The score is the number of items answered yes.",
        words_in_boxes=False,
    ),
    "dash_not_known": ChecklistList(
        DashAnswer.NOT_KNOWN,
        "not known",
        "Items not known",
        "Tick each item the referrer could not find out. It counts as no in the score.",
    ),
    "dash_declined": ChecklistList(
        DashAnswer.DECLINED,
        "declined",
        "Items the victim declined to answer",
        "It counts as no in the score.",
    ),
}


class ReferralForm(GdsFormMixin, forms.Form):
    submit_label = "Save referral"

    area = forms.ModelChoiceField(
        queryset=MaracArea.objects.filter(active=True),
        label="MARAC area",
        empty_label="Choose the MARAC area",
        error_messages={"required": "Choose the MARAC area"},
    )
    referral_date = DateField(label="Referral date", not_future=True)
    incident_date = DateField(label="Date of the latest incident", required=False)
    referring_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Referring agency",
        empty_label="Choose the agency",
        error_messages={"required": "Choose the referring agency"},
    )
    victim_name = forms.CharField(label="Victim's full name", max_length=200, required=False)
    victim_dob = DateField(label="Victim's date of birth", required=False)
    victim_address = forms.CharField(
        label="Victim's address", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    victim_match = forms.ChoiceField(
        label="Is the victim one of these people already recorded?",
        help_text="A repeat must be recorded against the same person so that it is counted as a repeat.",
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )
    victim_sex = forms.ChoiceField(
        label="Victim's sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the victim's sex, or Not known"},
    )
    victim_age = forms.IntegerField(
        label="Victim's age",
        min_value=0,
        max_value=120,
        required=False,
        help_text="In whole years at the referral date. Leave blank if not known.",
    )
    victim_ethnicity = forms.ChoiceField(
        label="Victim's ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOT_KNOWN
    )
    victim_disabled = forms.ChoiceField(
        label="Is the victim disabled?",
        choices=YesNoNotKnown.choices,
        widget=forms.RadioSelect,
        initial=YesNoNotKnown.NOT_KNOWN,
    )
    victim_lgbt = forms.ChoiceField(
        label="Is the victim LGBT+?",
        choices=YesNoNotKnown.choices,
        widget=forms.RadioSelect,
        initial=YesNoNotKnown.NOT_KNOWN,
    )
    perpetrator_name = forms.CharField(label="Perpetrator's full name", max_length=200, required=False)
    perpetrator_dob = DateField(label="Perpetrator's date of birth", required=False)
    perpetrator_address = forms.CharField(
        label="Perpetrator's address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    perpetrator_match = forms.ChoiceField(
        label="Is the perpetrator one of these people already recorded?",
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )
    perpetrator_age = forms.IntegerField(
        label="Perpetrator's age",
        min_value=0,
        max_value=120,
        required=False,
        help_text="Leave blank if not known.",
    )
    # One field per list of CHECKLIST_LISTS, in its order.
    dash_yes, dash_not_known, dash_declined = (checklist.field() for checklist in CHECKLIST_LISTS.values())
    professional_judgement = forms.BooleanField(
        label="Referred on professional judgement",
        required=False,
        help_text="A practitioner's judgement cannot lower a visible high-risk score.",
    )
    professional_judgement_reasons = forms.CharField(
        label="Reasons for the professional judgement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    incidents_in_period = forms.IntegerField(
        label="Domestic abuse incidents in the escalation period",
        min_value=0,
        max_value=999,
        required=False,
    )
    children_in_household = forms.IntegerField(
        label="Children in the household",
        min_value=0,
        max_value=30,
        initial=0,
        error_messages={"required": "Enter the number of children in the household, or 0"},
    )
    idva_allocated = forms.BooleanField(label="An IDVA has been allocated", required=False)
    restricted = forms.BooleanField(
        label="Restrict this case",
        required=False,
        help_text="Only you and the agencies on the case will see it; others see 'Restricted' on the agenda.",
    )
    review_at_12_months = forms.BooleanField(
        label="Bring this case back to MARAC 12 months after it is heard", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # matches offered leave out the people restricted from them
        self.victim_matches = self._possible_matches("victim", PersonRole.VICTIM)
        self.perpetrator_matches = self._possible_matches("perpetrator", PersonRole.PERPETRATOR)
        questions = [(str(q.number), q.text) for q in RiskQuestion.objects.filter(active=True)]
        for name, checklist in CHECKLIST_LISTS.items():
            self.fields[name].choices = checklist.choices(questions)
        self.risk_threshold = conf.high_risk_threshold()
        self.fields["incidents_in_period"].help_text = (
            f"In the last {conf.escalation_months()} months. {conf.escalation_incidents()} or more "
            "meets the potential escalation criterion."
        )
        for name, matches in (
            ("victim_match", self.victim_matches),
            ("perpetrator_match", self.perpetrator_matches),
        ):
            self.fields[name].choices = [
                (
                    str(p.pk),
                    f"{p.reference}: {p.full_name or 'name not recorded'}"
                    f"{', born ' + p.date_of_birth.strftime('%-d %B %Y') if p.date_of_birth else ''}"
                    f" ({p.referral_count} earlier referral{'s' if p.referral_count != 1 else ''}"
                    f"{_last_referral(p)})",
                )
                for p in matches
            ] + [(NEW_PERSON, "No, this is a new person")]

    def gds_fields(self):
        victim = [Field.text("victim_name"), Field("victim_dob"), Field.textarea("victim_address")]
        if getattr(self, "victim_matches", None):
            victim.append(Field.radios("victim_match", legend_size=Size.SMALL))
        perpetrator = [
            Field.text("perpetrator_name"),
            Field("perpetrator_dob"),
            Field.textarea("perpetrator_address"),
        ]
        if getattr(self, "perpetrator_matches", None):
            perpetrator.append(Field.radios("perpetrator_match", legend_size=Size.SMALL))
        return [
            Fieldset(
                Field.select("area"),
                Field("referral_date"),
                Field("incident_date"),
                Field.select("referring_agency"),
                legend="The referral",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *victim,
                Field.radios("victim_sex", inline=True, legend_size=Size.SMALL),
                Field.text("victim_age", field_width=3),
                Field.select("victim_ethnicity"),
                Field.radios("victim_disabled", inline=True, legend_size=Size.SMALL),
                Field.radios("victim_lgbt", inline=True, legend_size=Size.SMALL),
                legend="Victim",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *perpetrator,
                Field.text("perpetrator_age", field_width=3),
                legend="Perpetrator",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *(Field.checkboxes(name, small=True, legend_size=Size.SMALL) for name in CHECKLIST_LISTS),
                Field.checkbox("professional_judgement"),
                Field.textarea("professional_judgement_reasons"),
                Field.text("incidents_in_period", field_width=3),
                Field.text("children_in_household", field_width=3),
                legend="Risk and criteria",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkbox("idva_allocated"),
                Field.checkbox("restricted"),
                Field.checkbox("review_at_12_months"),
                legend="Handling",
                legend_size=Size.MEDIUM,
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("professional_judgement")
            and not (cleaned.get("professional_judgement_reasons") or "").strip()
        ):
            self.add_error(
                "professional_judgement_reasons", "Give the reasons for referring on professional judgement"
            )
        ticked: dict[str, str] = {}
        for name, checklist in CHECKLIST_LISTS.items():
            for number in cleaned.get(name) or []:
                if number in ticked:
                    self.add_error(
                        name,
                        f"Item {number} is ticked as {CHECKLIST_LISTS[ticked[number]].words} and as "
                        f"{checklist.words}: give each item one answer",
                    )
                ticked.setdefault(number, name)
        referred = cleaned.get("referral_date")
        for prefix, whose in (("victim", "victim's"), ("perpetrator", "perpetrator's")):
            born, age = cleaned.get(f"{prefix}_dob"), cleaned.get(f"{prefix}_age")
            if born and referred and born > referred:
                self.add_error(f"{prefix}_dob", f"The {whose} date of birth must be before the referral date")
            elif born and referred and age is not None and age != age_on(born, referred):
                self.add_error(
                    f"{prefix}_age",
                    f"The {whose} age must match their date of birth: "
                    f"{age_on(born, referred)} on the referral date",
                )
        for name, matches in (
            ("victim_match", self.victim_matches),
            ("perpetrator_match", self.perpetrator_matches),
        ):
            if matches and not cleaned.get(name):
                self.add_error(
                    name, "Choose one of the people already recorded, or that this is a new person"
                )
        return self._in_the_services_shape(cleaned)

    def _possible_matches(self, prefix: str, role: str) -> list:
        """People already recorded with the name and date of birth typed, to offer as matches."""
        if not self.is_bound:
            return []
        name = self._typed(f"{prefix}_name") or ""
        return list(
            selectors.possible_matches(
                role=role, full_name=name, date_of_birth=self._typed(f"{prefix}_dob"), user=self.user
            )
        )

    def _typed(self, name: str):
        """One field's value as typed, cleaned, before the whole form is validated (or None)."""
        field = self.fields[name]
        try:
            return field.clean(field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name)))
        except forms.ValidationError:
            return None

    def _in_the_services_shape(self, cleaned: dict) -> dict:
        """cleaned_data as services.referral_create takes it (`**form.cleaned_data`): the checklist
        as answers, and each person as an existing match or the details of a new one."""
        cleaned["dash_answers"] = {
            number: checklist.answer
            for name, checklist in CHECKLIST_LISTS.items()
            for number in cleaned.pop(name, None) or []
        }
        for prefix, matches in (("victim", self.victim_matches), ("perpetrator", self.perpetrator_matches)):
            chosen = cleaned.pop(f"{prefix}_match", "")
            existing = next((p for p in matches if str(p.pk) == chosen), None)
            details = {
                "full_name": cleaned.pop(f"{prefix}_name", ""),
                "date_of_birth": cleaned.pop(f"{prefix}_dob", None),
                "address": cleaned.pop(f"{prefix}_address", ""),
            }
            cleaned[prefix] = existing
            cleaned[f"{prefix}_details"] = None if existing else details
        return cleaned


class HandlingForm(VersionedForm, GdsFormMixin, forms.Form):
    submit_label = "Save changes"
    idva_allocated = forms.BooleanField(label="An IDVA has been allocated", required=False)
    restricted = forms.BooleanField(
        label="Restrict this case",
        required=False,
        help_text="Only the coordinator and the agencies on the case will see it.",
    )
    review_at_12_months = forms.BooleanField(
        label="Bring this case back to MARAC 12 months after it is heard", required=False
    )

    def gds_fields(self):
        return [
            Field.checkbox("idva_allocated"),
            Field.checkbox("restricted"),
            Field.checkbox("review_at_12_months"),
        ]


class PersonForm(VersionedForm, GdsFormMixin, forms.Form):
    submit_label = "Save details"
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    date_of_birth = DateField(label="Date of birth", required=False)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def gds_fields(self):
        return [Field.text("full_name"), Field("date_of_birth"), Field.textarea("address")]


class ReasonForm(GdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the referral being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example, entered in error. Do not include names.",
        error_messages={"required": "Enter the reason for withdrawing the referral"},
    )
    submit_label = "Withdraw referral"

    def gds_fields(self):
        return [Field.textarea("reason")]


class CaseDetailsForm(VersionedForm, GdsFormMixin, forms.Form):
    """The referral's details beyond the checklist: who completed it, who referred, the children's
    ages, the perpetrator's sex, interpreter needs, and the IDVA's work with the victim."""

    dash_completed_on = DateField(
        label="Date the risk checklist was completed", required=False, not_future=True
    )
    dash_completed_by = forms.CharField(
        label="Who completed the risk checklist", required=False, max_length=200, help_text="Name and role."
    )
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=200)
    referrer_contact = forms.CharField(
        label="Referrer's work telephone or email", required=False, max_length=200
    )
    children_ages = forms.CharField(
        label="Ages of the children in the household",
        required=False,
        max_length=100,
        help_text="In years, separated by commas, for example 2, 7, 15. Use 0 for a baby under one.",
    )
    perpetrator_sex = forms.ChoiceField(
        label="Perpetrator's sex", choices=Sex.choices, widget=forms.RadioSelect
    )
    interpreter_language = forms.CharField(
        label="Interpreter needed for",
        required=False,
        max_length=100,
        help_text="The language, if the victim needs an interpreter. Leave blank if not.",
    )
    idva = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="IDVA (a user of this service)",
        required=False,
        empty_label="Not a user of this service, or not yet allocated",
    )
    idva_name = forms.CharField(
        label="IDVA's name, if not a user of this service", required=False, max_length=200
    )
    idva_contact_on = DateField(
        label="Date the IDVA first reached the victim", required=False, not_future=True
    )
    victim_consent = forms.ChoiceField(
        label="Does the victim consent to the referral?",
        choices=VictimConsent.choices,
        widget=forms.RadioSelect,
    )
    victim_views = forms.CharField(
        label="The victim's views and wishes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As the IDVA reports them, for the meeting.",
    )
    idva_engagement = forms.ChoiceField(
        label="Engagement with the IDVA", choices=IdvaEngagement.choices, widget=forms.RadioSelect
    )
    submit_label = "Save case details"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idva"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["idva"].label_from_instance = lambda user: f"{user.full_name} ({user.agency})"

    def gds_fields(self):
        return [
            Fieldset(
                Field("dash_completed_on"),
                Field.text("dash_completed_by"),
                Field.text("referrer_name"),
                Field.text("referrer_contact"),
                legend="Referral",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("children_ages", field_width=20),
                Field.radios("perpetrator_sex", inline=True, legend_size=Size.SMALL),
                Field.text("interpreter_language", field_width=20),
                legend="Household",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("idva"),
                Field.text("idva_name"),
                Field("idva_contact_on"),
                Field.radios("victim_consent", legend_size=Size.SMALL),
                Field.textarea("victim_views"),
                Field.radios("idva_engagement", legend_size=Size.SMALL),
                legend="IDVA",
                legend_size=Size.MEDIUM,
            ),
        ]


class TransferForm(GdsFormMixin, forms.Form):
    to_area = forms.ModelChoiceField(
        queryset=MaracArea.objects.filter(active=True),
        label="MARAC area the case moves to",
        empty_label="Choose the MARAC area",
        error_messages={"required": "Choose the MARAC area the case moves to"},
    )
    reason = forms.CharField(
        label="Why is the case moving?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, the victim has moved to the area. Do not include names or addresses.",
        error_messages={"required": "Enter the reason for the transfer"},
    )
    submit_label = "Transfer the case"

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["to_area"].queryset = MaracArea.objects.filter(active=True).exclude(pk=current.pk)

    def gds_fields(self):
        return [Field.select("to_area"), Field.textarea("reason")]


class DuplicateForm(GdsFormMixin, forms.Form):
    """What the coordinator decides about a referral with same-day referrals of its victim: the
    choices are "separate", or "merge:<id>" to fold it into that referral."""

    decision = forms.ChoiceField(
        label="What are these referrals?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to merge this referral or keep the referrals separate"},
    )
    submit_label = "Confirm"

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            *[
                (f"merge:{other.pk}", f"A duplicate of {other.reference}: merge it into {other.reference}")
                for other in others
            ],
            ("separate", "Separate referrals: keep them all"),
        ]

    def gds_fields(self):
        return [Field.radios("decision", legend_size=Size.MEDIUM)]


class ResearchReturnForm(GdsFormMixin, forms.Form):
    """One agency's research on one case, before the meeting. No names of other people."""

    information_held = forms.TypedChoiceField(
        label="Does your agency hold information on this case?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency holds information on this case"},
    )
    summary = forms.CharField(
        label="Summary of the information held",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10000,
        help_text="What your records show that is relevant to the risk. Needed when information is held.",
    )
    risks = forms.CharField(
        label="Risks your agency knows of",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    researched_on = DateField(label="Date your agency searched its records", not_future=True)
    submit_label = "Save research return"

    def gds_fields(self):
        return [
            Field.radios("information_held", inline=True, legend_size=Size.SMALL),
            Field.textarea("summary"),
            Field.textarea("risks"),
            Field("researched_on"),
        ]


class ResearchAccessForm(GdsFormMixin, forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        label="Agencies that may research this restricted case",
        help_text="Only the agencies invited to the meeting. The others see it as Restricted.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    submit_label = "Save"

    def __init__(self, *args, invited=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = invited if invited is not None else Agency.objects.none()

    def gds_fields(self):
        return [Field.checkboxes("agencies", small=True, legend_size=Size.SMALL)]


class MeetingForm(MeetingDetailsForm):
    submit_label = "Schedule meeting"
    area = forms.ModelChoiceField(
        queryset=MaracArea.objects.filter(active=True),
        label="MARAC area",
        empty_label="Choose the MARAC area",
        error_messages={"required": "Choose the MARAC area"},
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Agencies invited",
        help_text="Representatives of these agencies will see the agenda and the cases on it.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to invite"},
    )

    def gds_fields(self):
        return [
            Field.select("area"),
            *self.detail_fields(),
            Field.checkboxes("agencies", small=True, legend_size=Size.SMALL),
        ]


class ActionForm(PlatformActionForm):
    """A MARAC action: on one of the referrals listed under the victim's item."""

    referral = forms.ModelChoiceField(
        queryset=None,
        label="Referral it is on",
        required=False,
        empty_label=None,
        help_text="The victim has more than one referral on this agenda.",
    )

    def __init__(self, *args, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Referral

        referrals = list(referrals)
        field = self.fields["referral"]
        field.queryset = Referral.objects.filter(pk__in=[r.pk for r in referrals]).order_by(
            "-referral_date", "-id"
        )
        field.label_from_instance = lambda r: f"{r.reference}, referred {r.referral_date:%-d %B %Y}"
        if len(referrals) < 2:
            del self.fields["referral"]
        self.helper.layout = layout_for(self)

    def extra_fields(self):
        return [Field.select("referral")] if "referral" in self.fields else []


class ImportForm(GdsFormMixin, forms.Form):
    submit_label = "Check and import"
    file = forms.FileField(
        label="CSV file of referrals",
        help_text="UTF-8 CSV with a header row, as described below.",
        error_messages={"required": "Choose a CSV file to import"},
    )

    def gds_fields(self):
        return [Field("file")]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.import_max_bytes():
            raise forms.ValidationError(
                f"The file must be smaller than {conf.import_max_bytes() // (1024 * 1024)} MB"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file")
        return upload


class ReturnForm(PlainMessages, forms.Form):
    area = forms.ModelChoiceField(
        queryset=MaracArea.objects.all(),
        label="MARAC area",
        required=False,
        empty_label="All areas",
        to_field_name="code",
    )
    start = forms.DateField(
        label="From (YYYY-MM-DD)",
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "Enter the first day of the period",
            "invalid": "Enter the first day as YYYY-MM-DD",
        },
    )
    end = forms.DateField(
        label="To (YYYY-MM-DD)",
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "Enter the last day of the period",
            "invalid": "Enter the last day as YYYY-MM-DD",
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The last day must be on or after the first day")
        return cleaned


__all__ = [
    "NEW_PERSON",
    "ActionForm",
    "AttendanceForm",
    "CarryForwardForm",
    "CompleteActionForm",
    "HandlingForm",
    "ImportForm",
    "InviteForm",
    "MeetingForm",
    "MinutesForm",
    "PersonForm",
    "ReasonForm",
    "ReferralForm",
    "ReturnForm",
]
