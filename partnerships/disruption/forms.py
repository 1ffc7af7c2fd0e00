"""Input shape of the Disruption Panel's register pages: fields named explicitly (S10)."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db.models import Q

from somerset_safety.accounts.models import Agency, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm
from somerset_safety.meetings.forms import ActionForm

from ..models import (
    AssessmentScale,
    CawnType,
    DisruptionGrading,
    DisruptionOutcome,
    DisruptionPlan,
    ExploitationType,
    ExploitedPerson,
    GroupType,
    Location,
    Nominal,
    OrganisedCrimeGroup,
    PanelAction,
    ProfileVersion,
    ScaleKind,
    Strand,
    Tactic,
    TacticTarget,
    ThreatBand,
    Vulnerability,
)


class GroupForm(VersionedForm, GdsFormMixin, forms.ModelForm):
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
        # Retired types are not offered for new groups; a group that has one keeps it.
        self.fields["group_type"].queryset = GroupType.objects.filter(
            Q(active=True) | Q(pk=self.instance.group_type_id or 0)
        )
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


class NominalForm(VersionedForm, GdsFormMixin, forms.ModelForm):
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


class LocationForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    submit_label = "Save place"

    class Meta:
        model = Location
        fields = ["kind", "address", "risk", "closure_history"]
        labels = {"kind": "Type of place", "closure_history": "Closure notices and orders"}


class ExploitedPersonForm(VersionedForm, GdsFormMixin, forms.ModelForm):
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
    action = forms.ModelChoiceField(
        queryset=PanelAction.objects.none(),
        required=False,
        label="4P action it came from",
        empty_label="Not from a 4P action",
    )

    class Meta:
        model = DisruptionOutcome
        fields = [
            "outcome_type",
            "strand",
            "occurred_on",
            "agency",
            "action",
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

    def __init__(self, *args, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True)
        self.fields["grading"].queryset = DisruptionGrading.objects.filter(active=True)
        action = self.fields["action"]
        action.queryset = (
            actions.select_related("agency", "plan_detail__tactic")
            if actions is not None
            else PanelAction.objects.none()
        )
        action.label_from_instance = lambda a: (
            f"{a.agency.name}, due {a.due_date:%-d %B %Y}: {a.plan_detail.tactic.name if hasattr(a, 'plan_detail') else a.description[:60]}"
        )


class MorileForm(GdsFormMixin, forms.Form):
    submit_label = "Record the assessment"
    scale = forms.ModelChoiceField(queryset=AssessmentScale.objects.none(), label="MoRiLE scale")
    harm = forms.IntegerField(label="Harm", min_value=1)
    likelihood = forms.IntegerField(label="Likelihood", min_value=1)
    organisational_position = forms.IntegerField(label="Organisational position", min_value=1)
    confidence = forms.IntegerField(label="Confidence", min_value=1)
    assessed_on = DateField(label="Date assessed", not_future=True)
    assessed_by = forms.CharField(max_length=200, label="Assessed by")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Rationale")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scales = AssessmentScale.objects.filter(kind=ScaleKind.MORILE, active=True)
        self.fields["scale"].queryset = scales
        self.fields["scale"].label_from_instance = (
            lambda s: f"{s.name} version {s.version} (1 to {s.score_max})"
        )
        if len(scales) == 1:
            self.fields["scale"].initial = scales[0].pk

    def gds_fields(self):
        return [
            Field.select("scale"),
            *(
                Field.text(name, field_width=3)
                for name in ("harm", "likelihood", "organisational_position", "confidence")
            ),
            Field("assessed_on"),
            Field.text("assessed_by"),
            Field.textarea("rationale"),
        ]


class LinksForm(VersionedForm, GdsFormMixin, forms.Form):
    """The groups linked to one (`record`): it carries the group's version, which moves on
    whenever its links change."""

    submit_label = "Save links"
    linked = forms.ModelMultipleChoiceField(
        queryset=OrganisedCrimeGroup.objects.none(),
        required=False,
        label="Linked groups",
        help_text="Groups that work with, supply or compete with this one. Links go both ways.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked"].queryset = (
            choices if choices is not None else OrganisedCrimeGroup.objects.none()
        )

    def gds_fields(self):
        return [Field.checkboxes("linked", legend_size=Size.SMALL)]


class PlanForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    """A group's 4P plan. A form opened before the group had a plan says so (`new_plan`), so that
    a plan someone else records meanwhile is not replaced unseen."""

    submit_label = "Save the plan"
    new_plan = forms.BooleanField(required=False, widget=forms.HiddenInput, label="New plan")

    class Meta:
        model = DisruptionPlan
        fields = ["owning_agency", "aim", "profile_version"]
        labels = {
            "owning_agency": "Agency that owns the plan",
            "aim": "Aim of the plan",
            "profile_version": "Problem profile it is built on",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owning_agency"].queryset = Agency.objects.filter(active=True)
        self.fields["profile_version"].queryset = ProfileVersion.objects.select_related("profile").order_by(
            "profile__title", "-number"
        )
        self.fields["new_plan"].initial = self.instance.pk is None
        self.fields["profile_version"].empty_label = "Not built on a profile"
        self.fields["profile_version"].label_from_instance = (
            lambda v: f"{v.profile.title}, version {v.number} ({v.published_on:%-d %B %Y})"
        )

    def gds_fields(self):
        return [Field.select("owning_agency"), Field.textarea("aim"), Field.select("profile_version")]

    def based_on_current_version(self) -> None:
        super().based_on_current_version()
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("new_plan")] = ""


class PlanActionForm(ActionForm):
    """A 4P action: the platform's action (agency, owner, due date) with its strand and tactic."""

    submit_label = "Task the action"
    strand = forms.ChoiceField(
        label="4P strand",
        choices=Strand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the 4P strand"},
    )
    tactic = forms.ModelChoiceField(
        queryset=Tactic.objects.none(),
        label="Power or tactic",
        empty_label="Choose from the tactics library",
        error_messages={"required": "Choose the power or tactic"},
    )
    affects_child = forms.BooleanField(required=False, label="The tactic affects a child")
    child_check = forms.CharField(
        required=False,
        label="Proportionality and trauma-informed check",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Needed before a tactic that affects a child is agreed: why it is proportionate, and how "
        "the child will be supported.",
    )
    cawn_type = forms.ChoiceField(
        required=False,
        label="Child Abduction Warning Notice: which kind",
        choices=CawnType.choices,
        widget=forms.RadioSelect,
        help_text="Only for a Child Abduction Warning Notice.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tactic = self.fields["tactic"]
        tactic.queryset = Tactic.objects.filter(active=True).select_related("target")
        tactic.label_from_instance = lambda t: f"{t.target.name}: {t.name}"

    def gds_fields(self):
        return [
            Field.radios("strand", legend_size=Size.SMALL, inline=True),
            Field.select("tactic"),
            Field.select("agency"),
            Field.textarea("description"),
            Field.select("owner"),
            Field("due_date"),
            Field.checkbox("affects_child"),
            Field.textarea("child_check"),
            Field.radios("cawn_type", legend_size=Size.SMALL),
        ]


class ProfileVersionForm(GdsFormMixin, forms.Form):
    submit_label = "Record the version"
    published_on = DateField(label="Date published", not_future=True)
    next_refresh_due = DateField(
        label="Next refresh due", help_text="When the profile must next be refreshed. For example, 27 3 2027"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Summary",
        help_text="What this version found, and where the document is kept.",
    )

    def gds_fields(self):
        return [Field("published_on"), Field("next_refresh_due"), Field.textarea("summary")]


class ActionFilterForm(GdsFormMixin, forms.Form):
    """The 4P action list's filters, read from the address (GET)."""

    submit_label = "Show actions"
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("open", "Open"), ("overdue", "Overdue"), ("all", "Every action")],
    )
    strand = forms.ChoiceField(
        label="4P strand", required=False, choices=[("", "Any strand"), *Strand.choices]
    )
    agency = forms.ModelChoiceField(
        label="Agency", required=False, queryset=Agency.objects.none(), empty_label="Any agency"
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("due", "Soonest due first"), ("agency", "Agency, then soonest due")],
    )
    as_of = DateField(
        label="As at",
        required=False,
        help_text="Open and overdue as the actions stood on this date. For example, 27 3 2026",
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()

    def gds_fields(self):
        return [
            Field.select("show"),
            Field.select("strand"),
            Field.select("agency"),
            Field.select("sort"),
            Field("as_of"),
        ]


class AsAtForm(GdsFormMixin, forms.Form):
    submit_label = "Show figures"
    as_of = DateField(label="As at", required=False, not_future=True, help_text="For example, 27 3 2026")


class TacticForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    """A power or tactic of the library."""

    submit_label = "Save the tactic"

    class Meta:
        model = Tactic
        fields = ["name", "target", "legal_basis", "used_by"]
        labels = {
            "name": "Power or tactic",
            "target": "What part of a group's activity it targets",
            "legal_basis": "Legal basis (optional)",
            "used_by": "Which agency or agencies can use it",
        }
        help_texts = {
            "name": "For example, Closure order",
            "legal_basis": "For example, Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 3",
            "used_by": "For example, Police or the council",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the power or tactic",
                "unique": "That tactic is already in the tactics library",
            },
            "target": {"required": "Choose the part of a group's activity it targets"},
            "used_by": {"required": "Enter which agency or agencies can use it"},
        }
        widgets = {"target": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Retired targets are not offered for new tactics; a tactic that has one keeps it.
        self.fields["target"].queryset = TacticTarget.objects.filter(
            Q(active=True) | Q(pk=self.instance.target_id or 0)
        )
        self.fields["target"].empty_label = None

    def gds_fields(self):
        return [
            Field.text("name"),
            Field.radios("target", legend_size=Size.SMALL),
            Field.text("legal_basis"),
            Field.text("used_by"),
        ]


# --- The panel's lists (services.PANEL_LISTS) --------------------------------------------------


class PanelListForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    """An item of one of the panel's lists. A name already in the list (in any letters, retired
    or not) is refused by the service, in its words, so the model's own check is not run."""

    def validate_unique(self):
        pass


class GroupTypeForm(PanelListForm):
    submit_label = "Save the group type"

    class Meta:
        model = GroupType
        fields = ["name", "is_county_line"]
        labels = {
            "name": "Name of the group type",
            "is_county_line": "Groups of this type run a deal line (as a County Line does)",
        }
        help_texts = {
            "name": "For example, Drugs supply",
            "is_county_line": "A group of this type then records whether its line is run from outside the area "
            "or within it, as the national County Lines figures count them.",
        }
        error_messages = {"name": {"required": "Enter the name of the group type"}}

    def gds_fields(self):
        return [Field.text("name"), Field.checkbox("is_county_line")]


class TacticTargetForm(PanelListForm):
    submit_label = "Save the target"

    class Meta:
        model = TacticTarget
        fields = ["name"]
        labels = {"name": "Part of a group's activity"}
        help_texts = {"name": "For example, Finance"}
        error_messages = {"name": {"required": "Enter the name of the target"}}

    def gds_fields(self):
        return [Field.text("name")]


class DisruptionGradingForm(PanelListForm):
    submit_label = "Save the grading"
    rank = forms.IntegerField(
        label="Rank",
        min_value=1,
        max_value=99,
        help_text="1 for the greatest disruption. Gradings are listed and offered in this order.",
        error_messages={
            "required": "Enter the rank, 1 for the greatest disruption",
            "invalid": "Enter the rank as a whole number, for example 2",
            "min_value": "The rank must be 1 or more",
            "max_value": "The rank must be 99 or less",
        },
    )

    class Meta:
        model = DisruptionGrading
        fields = ["name", "rank", "description"]
        labels = {"name": "Name of the grading", "description": "What it means (optional)"}
        help_texts = {"name": "For example, Major"}
        error_messages = {"name": {"required": "Enter the name of the grading"}}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def gds_fields(self):
        return [Field.text("name"), Field.text("rank", field_width=2), Field.textarea("description")]
