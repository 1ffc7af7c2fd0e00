"""Input shape only: fields named explicitly (S10), GOV.UK layouts, messages in plain words.
Rules live in the services, which take the cleaned data as keyword arguments."""

from crispy_forms_gds.layout import Field
from django import forms

from somerset_safety.accounts.models import User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.forms import DateField, GdsFormMixin, VersionedForm
from somerset_safety.core.uploads import ACCEPT_ATTRIBUTE, HUMAN_TYPES, validate_upload

from . import conf
from .clocks import Quarter, financial_year_label
from .models import (
    BudgetContribution,
    BudgetSpend,
    Contract,
    EndingReason,
    FundingStream,
    Grant,
    Kpi,
    Modification,
    NoticeKind,
    PerformanceRating,
    Provider,
    Risk,
)
from .services import CONTRACT_FIELDS, GRANT_FIELDS, KPI_FIELDS, PROVIDER_FIELDS, RISK_FIELDS


def _money(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, **kwargs)


def _users_with(*roles) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Contract manager",
        queryset=User.objects.filter(is_active=True, groups__name__in=[Role(r).label for r in roles])
        .distinct()
        .order_by("full_name"),
        required=False,
        empty_label="Not yet assigned",
        help_text="Reminders about this contract's clocks go to them.",
    )


class _Form(GdsFormMixin, forms.Form):
    pass


class _ModelForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    """Every commissioning record form: an edit carries the version it was opened on."""


class ProviderForm(_ModelForm):
    submit_label = "Save provider"

    class Meta:
        model = Provider
        fields = PROVIDER_FIELDS
        labels = {
            "name": "Provider's name",
            "agency": "Partner agency record (optional)",
            "notes": "Notes (optional)",
        }

    def gds_fields(self):
        return [Field.text("name"), Field.select("agency"), Field.textarea("notes", rows=3)]


class ContractForm(_ModelForm):
    submit_label = "Save contract"

    start_date = DateField(label="Start date")
    initial_end_date = DateField(
        label="Initial end date", help_text="Before any extension. For example, 31 3 2020"
    )
    annual_value = _money("Annual value in pounds")
    total_value = _money(
        "Total value in pounds",
        help_text="The lifetime value when the contract was entered into, extension options included.",
    )
    contract_manager = _users_with(Role.COMMISSIONING_OFFICER)

    class Meta:
        model = Contract
        fields = CONTRACT_FIELDS
        labels = {
            "title": "Contract title",
            "service_type": "Service type",
            "regime": "Procurement regime",
            "notice_period_months": "Provider's notice period, in months",
            "approval_lead_days": "Council approval time, in days",
            "description": "Description (optional)",
        }
        widgets = {"service_type": forms.RadioSelect, "regime": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].empty_label = "Choose a provider"
        self.fields[
            "notice_period_months"
        ].help_text = (
            "How long before the end date the provider must have the council's decision on an extension."
        )
        self.fields["approval_lead_days"].help_text = (
            "How long the council's own approval takes (for example the Executive's cycle): each "
            "decision is reminded this many days before its formal date as well."
        )

    def gds_fields(self):
        return [
            Field.text("title"),
            Field.select("provider"),
            Field.radios("service_type", legend_size="s"),
            Field.radios("regime", legend_size="s"),
            Field("start_date"),
            Field("initial_end_date"),
            Field.text("annual_value", field_width=10),
            Field.text("total_value", field_width=10),
            Field.text("notice_period_months", field_width=3),
            Field.text("approval_lead_days", field_width=3),
            Field.select("contract_manager"),
            Field.textarea("description", rows=3),
            *self.extra_gds_fields(),
        ]

    def extra_gds_fields(self):
        return []


class ContractCreateForm(ContractForm):
    submit_label = "Set up contract"

    option_count = forms.IntegerField(
        label="Number of extension options",
        min_value=0,
        max_value=10,
        initial=0,
        help_text="For example 2 for two 12-month options. Options of other lengths can be added later.",
    )
    option_months = forms.IntegerField(
        label="Length of each option, in months", min_value=1, max_value=120, required=False
    )
    signed_on = DateField(
        label="Date the contract was signed",
        required=False,
        help_text="Only for a contract already in force: it is set up as live. Leave blank for a planned contract.",
    )

    def extra_gds_fields(self):
        return [
            Field.text("option_count", field_width=2),
            Field.text("option_months", field_width=3),
            Field("signed_on"),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("option_count") and not cleaned.get("option_months"):
            self.add_error("option_months", "Enter the length of each option in months")
        return cleaned


def one_date_form(name: str, label: str, submit_label: str, help_text: str = "") -> type[forms.Form]:
    """A confirmation form that asks for one date (most of the contract's moves)."""
    return type(
        f"{name.title().replace('_', '')}Form",
        (_Form,),
        {
            name: DateField(label=label, help_text=help_text),
            "submit_label": submit_label,
            "__module__": __name__,
        },
    )


class ConfirmForm(_Form):
    submit_label = "Confirm"


IntentionForm = one_date_form(
    "notice_on", "Date the intention-to-award notice was published", "Start the standstill"
)
SignForm = one_date_form("signed_on", "Date the contract was signed", "Record as signed")
EndForm = one_date_form("ended_on", "Date the contract ended", "Record as ended")
AbandonForm = one_date_form("abandoned_on", "Date the procurement was abandoned", "Abandon the procurement")
ReprocurementForm = one_date_form(
    "started_on", "Date re-procurement started", "Record re-procurement started"
)
OptionAgreeForm = one_date_form(
    "agreed_on", "Date the option was agreed with the provider", "Record as agreed"
)
RiskCloseForm = one_date_form("closed_on", "Date the risk was closed", "Close the risk")
GrantSubmitForm = one_date_form("submitted_on", "Date the bid was submitted", "Record as submitted")
GrantReportSubmitForm = one_date_form("submitted_on", "Date the report was sent", "Record as sent")


class BeginEndingForm(_Form):
    submit_label = "Record that the contract is ending"

    reason = forms.ChoiceField(
        label="Why is the contract ending?",
        choices=[
            (EndingReason.EXPIRY, "It will expire at the end date in force"),
            (EndingReason.TERMINATION, "Early termination"),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label="Date of the decision")
    ends_on = DateField(label="Date it will end, for an early termination", required=False)

    def gds_fields(self):
        return [Field.radios("reason", legend_size="s"), Field("decided_on"), Field("ends_on")]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == EndingReason.TERMINATION
            and not cleaned.get("ends_on")
            and "ends_on" not in self.errors
        ):
            self.add_error("ends_on", "Enter the date the contract will end")
        return cleaned


class OptionAddForm(_Form):
    submit_label = "Add option"

    months = forms.IntegerField(label="Length of the option, in months", min_value=1, max_value=120)

    def gds_fields(self):
        return [Field.text("months", field_width=3)]


class OptionDeclineForm(_Form):
    submit_label = "Record the option will not be used"

    declined_on = DateField(label="Date of the decision")
    reason = forms.CharField(label="Why will it not be used?", widget=forms.Textarea, max_length=2000)

    def gds_fields(self):
        return [Field("declined_on"), Field.textarea("reason", rows=3)]


class ExtensionForm(_Form):
    submit_label = "Take the extension"

    decided_on = DateField(label="Date of the decision")
    approver = forms.CharField(
        label="Who approved it",
        max_length=200,
        help_text="For example, the Executive, or the lead member for communities.",
    )
    reason = forms.CharField(label="Reason for the extension", widget=forms.Textarea, max_length=5000)

    def gds_fields(self):
        return [Field("decided_on"), Field.text("approver"), Field.textarea("reason", rows=4)]


class RepresentationForm(_Form):
    submit_label = "Record the representation"

    provider_name = forms.CharField(label="Provider that made it", max_length=200)
    received_on = DateField(label="Date it was received")

    def gds_fields(self):
        return [Field.text("provider_name"), Field("received_on")]


class ReDecisionForm(_Form):
    submit_label = "Record the re-decision"

    re_decision_on = DateField(label="Date of the council's re-decision")
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea, max_length=5000)

    def gds_fields(self):
        return [Field("re_decision_on"), Field.textarea("outcome", rows=3)]


class ModificationForm(_ModelForm):
    submit_label = "Record the modification"

    value_change = forms.DecimalField(
        label="Change to the lifetime value, in pounds",
        max_digits=14,
        decimal_places=2,
        help_text="Negative for a reduction, for example -25000. 0 if the value does not change.",
    )
    agreed_on = DateField(label="Date it was agreed")
    takes_effect_on = DateField(label="Date it takes effect")

    class Meta:
        model = Modification
        fields = ["kind", "description", "reason", "value_change", "agreed_on", "takes_effect_on"]
        labels = {"kind": "What kind of change is it?", "description": "What changes", "reason": "Reason"}
        widgets = {"kind": forms.RadioSelect}

    def gds_fields(self):
        return [
            Field.radios("kind", legend_size="s"),
            Field.textarea("description", rows=3),
            Field.textarea("reason", rows=3),
            Field.text("value_change", field_width=10),
            Field("agreed_on"),
            Field("takes_effect_on"),
        ]


class NoticeForm(_Form):
    """A notice published on the central digital platform. A performance notice rates each
    active KPI on the Procurement Act's five-point scale."""

    submit_label = "Record the notice"

    kind = forms.ChoiceField(label="Which notice?", choices=NoticeKind.choices, widget=forms.RadioSelect)
    published_on = DateField(label="Date it was published")
    summary = forms.CharField(label="Summary", widget=forms.Textarea, max_length=5000)
    notice_reference = forms.CharField(label="Notice reference (optional)", max_length=100, required=False)
    modification = forms.ModelChoiceField(
        label="Modification it is about",
        queryset=Modification.objects.none(),
        required=False,
        help_text="For a change or transparency notice.",
    )
    at_termination = forms.BooleanField(
        label="This performance notice is the one at the end of the contract", required=False
    )

    def __init__(self, *args, contract: Contract, kpis: list[Kpi], **kwargs):
        self.kpis = kpis
        super().__init__(*args, **kwargs)
        self.fields["modification"].queryset = contract.modifications.order_by("takes_effect_on")
        self.fields["modification"].label_from_instance = (
            lambda m: f"Taking effect {m.takes_effect_on:%-d %B %Y}: {m.description[:60]}"
        )
        for kpi in kpis:
            self.fields[f"rating_{kpi.pk}"] = forms.ChoiceField(
                label=f"Rating for {kpi.name} (performance notices)",
                choices=[("", "Not rated"), *PerformanceRating.choices],
                required=False,
            )

    def gds_fields(self):
        return [
            Field.radios("kind", legend_size="s"),
            Field("published_on"),
            Field.textarea("summary", rows=3),
            Field.text("notice_reference", field_width=20),
            Field.select("modification"),
            Field.checkbox("at_termination"),
            *[Field.select(f"rating_{kpi.pk}") for kpi in getattr(self, "kpis", [])],
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (NoticeKind.CHANGE, NoticeKind.TRANSPARENCY) and not cleaned.get("modification"):
            self.add_error("modification", "Select the modification the notice is about")
        if kind == NoticeKind.PERFORMANCE:
            for kpi in self.kpis:
                if not cleaned.get(f"rating_{kpi.pk}"):
                    self.add_error(f"rating_{kpi.pk}", f"Select the rating for {kpi.name}")
        return cleaned

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "published_on": data["published_on"],
            "summary": data["summary"],
            "notice_reference": data["notice_reference"],
            "modification": data.get("modification"),
            "at_termination": data.get("at_termination", False),
            "ratings": {kpi.pk: data.get(f"rating_{kpi.pk}") for kpi in self.kpis},
        }


class RiskForm(_ModelForm):
    submit_label = "Save risk"

    raised_on = DateField(label="Date raised")
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        coerce=int,
        choices=[(n, f"{n}") for n in range(1, 6)],
        widget=forms.RadioSelect,
        help_text="1 is rare, 5 almost certain.",
    )
    impact = forms.TypedChoiceField(
        label="Impact",
        coerce=int,
        choices=[(n, f"{n}") for n in range(1, 6)],
        widget=forms.RadioSelect,
        help_text="1 is negligible, 5 severe.",
    )

    class Meta:
        model = Risk
        fields = RISK_FIELDS
        labels = {
            "title": "Risk",
            "description": "Description (optional)",
            "owner": "Owner",
            "mitigation": "Mitigation (optional)",
        }

    def gds_fields(self):
        return [
            Field.text("title"),
            Field.textarea("description", rows=3),
            Field.radios("likelihood", legend_size="s", inline=True),
            Field.radios("impact", legend_size="s", inline=True),
            Field.text("owner", field_width=20),
            Field.textarea("mitigation", rows=3),
            Field("raised_on"),
        ]


class DocumentForm(_Form):
    submit_label = "Upload document"

    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Signed contract 2017 or Variation letter 2."
    )
    file = forms.FileField(
        label="File",
        help_text=f"{HUMAN_TYPES}. Do not upload documents that name victims.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "class": "govuk-file-upload"}),
    )

    def gds_fields(self):
        return [Field.text("title"), Field("file")]

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            try:
                validate_upload(uploaded)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return uploaded


class FundingForm(_Form):
    submit_label = "Save funding"

    stream = forms.ModelChoiceField(
        label="Funding stream",
        queryset=FundingStream.objects.order_by("name"),
        empty_label="Choose a funding stream",
    )
    annual_amount = _money("Amount a year, in pounds")

    def gds_fields(self):
        return [Field.select("stream"), Field.text("annual_amount", field_width=10)]


class KpiForm(_ModelForm):
    submit_label = "Save KPI"

    target = forms.DecimalField(label="Target", max_digits=14, decimal_places=2)
    tolerance = forms.DecimalField(
        label="Amber tolerance",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text="How far short of the target, in the KPI's own unit, still counts as amber. "
        "Exactly on target is green; exactly at the tolerance's edge is amber.",
    )
    set_on = DateField(label="Date the KPI was set")

    class Meta:
        model = Kpi
        fields = KPI_FIELDS
        labels = {
            "name": "Name",
            "definition": "Definition",
            "unit": "Unit",
            "direction": "Direction",
            "frequency": "How often it is reported",
            "benchmark": "National benchmark (optional)",
            "counts_people": "The result is a number of people or households",
        }
        widgets = {"direction": forms.RadioSelect, "frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benchmark"].empty_label = "No national benchmark"

    def gds_fields(self):
        return [
            Field.text("name"),
            Field.textarea("definition", rows=3),
            Field.text("unit", field_width=10),
            Field.radios("direction", legend_size="s"),
            Field.text("target", field_width=10),
            Field.text("tolerance", field_width=10),
            Field.radios("frequency", legend_size="s"),
            Field.select("benchmark"),
            Field.checkbox("counts_people"),
            Field("set_on"),
        ]


def quarter_choices(quarters: list[Quarter]) -> list[tuple[str, str]]:
    return [(q.label, q.label) for q in quarters]


class ReturnQuarterForm(_Form):
    """Step one of entering a return: which quarter (only those still without one)."""

    submit_label = "Continue"

    quarter = forms.ChoiceField(label="Which quarter is the return for?")

    def __init__(self, *args, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", "Choose a quarter"), *quarter_choices(quarters)]

    def gds_fields(self):
        return [Field.select("quarter")]


class ReturnEntryForm(_Form):
    """The figures for one quarter: a value (and an optional note) for each KPI reported in it."""

    submit_label = "Record the return"

    received_on = DateField(label="Date the return was received")
    provider_commentary = forms.CharField(
        label="Provider's commentary (optional)", widget=forms.Textarea, required=False, max_length=10000
    )

    def __init__(self, *args, kpis: list[Kpi], **kwargs):
        self.kpis = kpis
        super().__init__(*args, **kwargs)
        for kpi in kpis:
            self.fields[f"value_{kpi.pk}"] = forms.CharField(
                label=f"{kpi.name} ({kpi.unit})",
                help_text=f"Target {kpi.target:g} {kpi.unit}, {kpi.get_direction_display().lower()}.",
                max_length=30,
                error_messages={"required": f"Enter the value for {kpi.name}"},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            )
            self.fields[f"note_{kpi.pk}"] = forms.CharField(
                label=f"Note on {kpi.name} (optional)", required=False, max_length=5000, widget=forms.Textarea
            )

    def gds_fields(self):
        fields = [Field("received_on")]
        for kpi in getattr(self, "kpis", []):
            fields += [
                Field.text(f"value_{kpi.pk}", field_width=10),
                Field.textarea(f"note_{kpi.pk}", rows=2),
            ]
        return [*fields, Field.textarea("provider_commentary", rows=4)]

    def clean(self):
        from .services import kpi_value_problem

        cleaned = super().clean()
        for kpi in self.kpis:
            raw = cleaned.get(f"value_{kpi.pk}")
            if raw is None:
                continue
            _value, problem = kpi_value_problem(kpi, raw)
            if problem:
                self.add_error(f"value_{kpi.pk}", problem)
        return cleaned

    def figures(self):
        from .services import ReturnFigure

        return [
            ReturnFigure(
                kpi.pk, self.cleaned_data[f"value_{kpi.pk}"], self.cleaned_data.get(f"note_{kpi.pk}", "")
            )
            for kpi in self.kpis
        ]


class ReturnCorrectionForm(VersionedForm, ReturnEntryForm):
    """The same figures for a return awaiting review, opened on the return as it stood."""

    submit_label = "Save the corrected return"


class ReturnUploadForm(_Form):
    submit_label = "Upload the return"

    received_on = DateField(label="Date the return was received")
    file = forms.FileField(
        label="Return file",
        help_text="The template from this page, filled in and saved as CSV or Excel (.xlsx).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "govuk-file-upload"}),
        error_messages={"required": "Select the return file"},
    )

    def gds_fields(self):
        return [Field("received_on"), Field("file")]

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and uploaded.size > conf.return_max_bytes():
            raise forms.ValidationError(f"The file must be smaller than {conf.return_max_bytes() // 1024} KB")
        if uploaded and uploaded.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return uploaded


class SignOffForm(_Form):
    submit_label = "Sign off the return"

    review_notes = forms.CharField(
        label="Your review",
        widget=forms.Textarea,
        max_length=10000,
        help_text="What you checked, anything queried with the provider, and the outcome.",
    )
    signed_off_on = DateField(label="Date of sign-off")

    def gds_fields(self):
        return [Field.textarea("review_notes", rows=5), Field("signed_off_on")]


def year_choices(years: list[int]) -> list[tuple[int, str]]:
    return [(year, financial_year_label(year)) for year in years]


class ContributionForm(_ModelForm):
    submit_label = "Record the contribution"

    year = forms.TypedChoiceField(label="Financial year", coerce=int)
    amount = _money("Amount in pounds")
    received_on = DateField(label="Date received (optional)", required=False)

    class Meta:
        model = BudgetContribution
        fields = ["year", "partner", "amount", "received_on", "notes"]
        labels = {"partner": "Partner", "notes": "Notes (optional)"}

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.submit_label = "Save the contribution"
            years = sorted({*years, self.instance.year}, reverse=True)
        self.fields["year"].choices = year_choices(years)
        self.fields["partner"].empty_label = "Choose a partner"
        self.fields["partner"].queryset = self.fields["partner"].queryset.filter(active=True).order_by("name")

    def gds_fields(self):
        return [
            Field.select("year"),
            Field.select("partner"),
            Field.text("amount", field_width=10),
            Field("received_on"),
            Field.text("notes"),
        ]


class SpendForm(_ModelForm):
    submit_label = "Record the spending"

    spent_on = DateField(label="Date")
    amount = _money("Amount in pounds")
    dhr_reference = forms.ChoiceField(label="Review (for DHR costs)", required=False)

    class Meta:
        model = BudgetSpend
        fields = ["spent_on", "category", "description", "amount", "dhr_reference"]
        labels = {"category": "What kind of spending?", "description": "What it was for"}
        widgets = {"category": forms.RadioSelect}

    def __init__(self, *args, reviews: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.submit_label = "Save the spending line"
        self.fields["dhr_reference"].choices = [("", "Not a DHR cost"), *[(r, r) for r in reviews]]

    def _get_validation_exclusions(self):
        # A DHR cost names its review: the service says so in its own words ("Select the review
        # this cost is for"); the table's constraint would otherwise answer first, in Django's.
        return {*super()._get_validation_exclusions(), "dhr_reference"}

    def gds_fields(self):
        return [
            Field("spent_on"),
            Field.radios("category", legend_size="s"),
            Field.text("description"),
            Field.text("amount", field_width=10),
            Field.select("dhr_reference"),
        ]


class GrantForm(_ModelForm):
    submit_label = "Save the bid"

    amount_requested = _money("Amount requested, in pounds")
    bid_deadline = DateField(label="Bid deadline")
    decision_expected_on = DateField(label="Decision expected (optional)", required=False)
    partnership_body = forms.ChoiceField(label="Partnership body (optional)", required=False)
    owner = _users_with(Role.COMMISSIONING_OFFICER)

    class Meta:
        model = Grant
        fields = GRANT_FIELDS
        labels = {
            "funder": "Funder",
            "scheme": "Scheme",
            "purpose": "What the money is for (optional)",
            "partner": "Organisation bidding",
            "locality": "Locality (optional)",
        }

    def __init__(self, *args, bodies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership_body"].choices = [("", "None"), *[(b, b) for b in bodies]]
        self.fields["owner"].label = "Officer supporting the bid"
        self.fields["owner"].help_text = "Reminders of the bid deadline and reporting dates go to them."

    def gds_fields(self):
        return [
            Field.text("funder"),
            Field.text("scheme"),
            Field.textarea("purpose", rows=3),
            Field.text("partner"),
            Field.select("partnership_body"),
            Field.text("locality"),
            Field.text("amount_requested", field_width=10),
            Field("bid_deadline"),
            Field("decision_expected_on"),
            Field.select("owner"),
        ]


class GrantDecisionForm(_Form):
    submit_label = "Record the decision"

    outcome = forms.ChoiceField(
        label="What did the funder decide?",
        choices=[("awarded", "Awarded"), ("unsuccessful", "Unsuccessful")],
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label="Date of the decision")
    amount_awarded = _money("Amount awarded, in pounds", required=False)
    conditions = forms.CharField(
        label="Conditions of the award (optional)", widget=forms.Textarea, required=False, max_length=5000
    )

    def gds_fields(self):
        return [
            Field.radios("outcome", legend_size="s"),
            Field("decided_on"),
            Field.text("amount_awarded", field_width=10),
            Field.textarea("conditions", rows=3),
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == "awarded"
            and cleaned.get("amount_awarded") is None
            and "amount_awarded" not in self.errors
        ):
            self.add_error("amount_awarded", "Enter the amount awarded")
        return cleaned


class GrantReportForm(_Form):
    submit_label = "Add the reporting date"

    description = forms.CharField(
        label="What the funder asks for", max_length=200, help_text="For example, Six-month progress report."
    )
    due_on = DateField(label="Date it is due")

    def gds_fields(self):
        return [Field.text("description"), Field("due_on")]
