"""Input shape of the Disruption Panel's register pages: fields named explicitly (S10)."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.accounts.models import Agency, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.forms import DateField, GdsFormMixin

from ..models import (
    DisruptionOutcome,
    ExploitationType,
    ExploitedPerson,
    GroupType,
    Location,
    Nominal,
    OrganisedCrimeGroup,
    ThreatBand,
    Vulnerability,
)


class GroupForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save group"
    referred_on = DateField(label="Date referred to the panel", not_future=True)
    named_people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="People named on a restricted group",
        help_text="Only these people see a restricted group. You are always named.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OrganisedCrimeGroup
        fields = [
            "name",
            "operation_name",
            "group_type",
            "areas",
            "referred_on",
            "referring_agency",
            "lead_agency",
            "senior_responsible_officer",
            "line_type",
            "line_names",
            "restricted",
        ]
        labels = {"name": "Name of the group", "senior_responsible_officer": "Senior responsible officer"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_type"].queryset = GroupType.objects.filter(active=True)
        for name in ("referring_agency", "lead_agency"):
            self.fields[name].queryset = Agency.objects.filter(active=True)
        people = User.objects.filter(
            is_active=True, groups__name__in=[Role.PANEL_MEMBER.label, Role.AGENCY_REP.label]
        ).distinct()
        self.fields["senior_responsible_officer"].queryset = people.order_by("full_name")
        self.fields["named_people"].queryset = people.order_by("full_name")
        if self.instance.pk:
            self.fields["named_people"].initial = list(self.instance.named_people.all())

    def gds_fields(self):
        return [
            Field.text("name"),
            Field.text("operation_name"),
            Field.select("group_type"),
            Field.text("areas"),
            Field("referred_on"),
            Field.select("referring_agency"),
            Field.select("lead_agency"),
            Field.select("senior_responsible_officer"),
            Field.radios("line_type"),
            Field.textarea("line_names"),
            Field.checkbox("restricted"),
            Field.checkboxes("named_people"),
        ]


class MoveForm(GdsFormMixin, forms.Form):
    submit_label = "Confirm"
    on = DateField(label="Date of the decision", not_future=True)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))


class MappingForm(GdsFormMixin, forms.Form):
    submit_label = "Record the band"
    band = forms.ModelChoiceField(queryset=ThreatBand.objects.none(), label="OCG mapping band")
    score = forms.IntegerField(required=False, min_value=0, label="Mapping score (if supplied)")
    supplied_by = forms.CharField(
        max_length=200, label="Supplied by", initial="Regional Organised Crime Unit"
    )
    supplied_on = DateField(label="Date supplied", not_future=True)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].queryset = ThreatBand.objects.filter(scale__active=True).select_related("scale")


class NominalForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save member"
    date_of_birth = DateField(label="Date of birth", required=False, not_future=True)
    vulnerabilities = forms.MultipleChoiceField(
        choices=Vulnerability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Nominal
        fields = ["role", "full_name", "date_of_birth", "age", "vulnerabilities", "also_victim"]
        labels = {
            "role": "Role in the group",
            "full_name": "Full name",
            "also_victim": "Also exploited by the group",
        }


class LocationForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save place"

    class Meta:
        model = Location
        fields = ["kind", "address", "risk", "closure_history"]
        labels = {"kind": "Type of place", "closure_history": "Closure notices and orders"}


class ExploitedPersonForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Save person"
    date_of_birth = DateField(label="Date of birth", required=False, not_future=True)
    exploitation_types = forms.MultipleChoiceField(
        choices=ExploitationType.choices, widget=forms.CheckboxSelectMultiple, label="Type of exploitation"
    )
    safeguarding_referral_on = DateField(
        label="Date of the safeguarding referral", required=False, not_future=True
    )
    last_missing_on = DateField(label="Date last missing", required=False, not_future=True)

    class Meta:
        model = ExploitedPerson
        fields = [
            "age_group",
            "full_name",
            "date_of_birth",
            "exploitation_types",
            "safeguarding_referral_made",
            "safeguarding_referral_to",
            "safeguarding_referral_on",
            "no_referral_reason",
            "nrm_reference",
            "missing_episodes",
            "last_missing_on",
        ]
        labels = {
            "age_group": "Child or adult",
            "full_name": "Full name",
            "safeguarding_referral_made": "A safeguarding referral has been made",
            "safeguarding_referral_to": "Referred to",
            "no_referral_reason": "If no safeguarding referral has been made, why not",
            "nrm_reference": "NRM referral reference (modern slavery record)",
            "missing_episodes": "Missing episodes",
        }
        help_texts = {
            "no_referral_reason": "A child must have a safeguarding referral, or the reason one has not been made yet.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["safeguarding_referral_to"].queryset = Agency.objects.filter(active=True)
        self.fields["age_group"].widget = forms.RadioSelect(choices=self.fields["age_group"].choices[1:])


class OutcomeForm(GdsFormMixin, forms.ModelForm):
    submit_label = "Record the disruption"
    occurred_on = DateField(label="Date of the disruption", not_future=True)

    class Meta:
        model = DisruptionOutcome
        fields = [
            "outcome_type",
            "strand",
            "occurred_on",
            "agency",
            "grading",
            "number",
            "value",
            "line_type",
            "description",
        ]
        labels = {
            "outcome_type": "Disruption",
            "strand": "4P strand",
            "grading": "Disruption grading",
            "number": "How many",
            "value": "Value of assets seized (£)",
            "line_type": "Line type (for a line closed)",
        }
        help_texts = {"number": "For example 3 for three arrests on one day."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True)
