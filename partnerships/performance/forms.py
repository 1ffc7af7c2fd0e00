"""Forms of the performance framework: input shape only, the services hold the rules."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from somerset_safety.core.forms import DateField, GdsFormMixin, PlainMessages, VersionedForm
from somerset_safety.reports.periods import financial_quarter_name

from ..models import Indicator, Priority
from .services import INDICATOR_FIELDS


class FrameworkForm(GdsFormMixin, forms.Form):
    submit_label = "Save framework"
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the title of the framework"}
    )
    period_start = DateField(label="Plan period starts", help_text="For example, 1 4 2025")
    period_end = DateField(label="Plan period ends", help_text="For example, 31 3 2028")

    def gds_fields(self):
        return [Field.text("title"), Field("period_start"), Field("period_end")]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "The plan period must end after it starts")
        return cleaned


class PriorityForm(GdsFormMixin, forms.Form):
    submit_label = "Add priority"
    title = forms.CharField(
        label="Priority", max_length=300, error_messages={"required": "Enter the priority"}
    )

    def gds_fields(self):
        return [Field.text("title")]


class IndicatorForm(VersionedForm, GdsFormMixin, forms.ModelForm):
    submit_label = "Save indicator"

    class Meta:
        model = Indicator
        fields = [name for name in INDICATOR_FIELDS if name != "position"]
        labels = {
            "code": "Code",
            "name": "Name",
            "definition": "Definition",
            "source": "Source",
            "unit": "Unit",
            "polarity": "Polarity",
            "counts_people": "The figure is a count of people",
            "baseline": "Baseline (optional)",
            "baseline_label": "What the baseline is (optional)",
            "target": "Target for the plan period (optional)",
            "tolerance_pct": "Tolerance, per cent of the target",
            "comparator": "Comparator",
            "frequency": "How often it is reported",
        }
        help_texts = {"source": "MARAC figures and commissioned-service KPIs are worked out by this service."}
        error_messages = {
            "code": {"required": "Enter a short code for the indicator"},
            "name": {"required": "Enter the name of the indicator"},
            "definition": {"required": "Enter exactly what is counted"},
            "source": {"required": "Choose where the figures come from"},
            "unit": {"required": "Choose the unit"},
            "polarity": {"required": "Choose whether higher or lower is better"},
            "priority": {"required": "Choose the priority"},
        }
        widgets = {"polarity": forms.RadioSelect, "unit": forms.RadioSelect, "frequency": forms.RadioSelect}

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["priority"]
        field.queryset = framework.priorities.order_by("number") if framework else Priority.objects.none()
        field.empty_label = "Choose the priority"
        for name in ("polarity", "unit", "frequency"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        from commissioning.selectors import kpis_for_indicators

        self.fields["commissioned_kpi_id"] = forms.TypedChoiceField(
            label="Commissioned-service KPI",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "Not a commissioned-service KPI"), *kpis_for_indicators()],
            initial=self.instance.commissioned_kpi_id if self.instance.pk else None,
            help_text="Only when the source is a commissioned-service KPI: its providers' returns give the values.",
        )

    def gds_fields(self):
        return [
            Field.select("priority"),
            Field.text("code", field_width=10),
            Field.text("name"),
            Field.textarea("definition", rows=3),
            Field.select("source"),
            Field.select("commissioned_kpi_id"),
            Field.radios("unit", legend_size=Size.SMALL),
            Field.radios("polarity", legend_size=Size.SMALL, inline=True),
            Field.checkbox("counts_people"),
            Field.text("baseline", field_width=10),
            Field.text("baseline_label"),
            Field.text("target", field_width=10),
            Field.text("tolerance_pct", field_width=5),
            Field.select("comparator"),
            Field.radios("frequency", legend_size=Size.SMALL),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == "commissioned_kpi" and not cleaned.get("commissioned_kpi_id"):
            self.add_error("commissioned_kpi_id", "Choose the commissioned service's KPI")
        return cleaned

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


def _number(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": f"Enter the {label.lower()} as a number",
            "max_decimal_places": "Use no more than 2 decimal places",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}),
    )


class QuarterValuesForm(PlainMessages, forms.Form):
    """A value (and comparator value) per indicator for one quarter, drawn by hand as a table.
    Indicators worked out by this service are not on it."""

    def __init__(self, *args, indicators=(), existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.rows = []
        for indicator in indicators:
            value = _number(f"Value of {indicator.code}")
            comparator = _number(f"Comparator value of {indicator.code}")
            current = existing.get(indicator.pk)
            if current is not None:
                value.initial = current.value
                comparator.initial = current.comparator_value
            self.fields[f"value_{indicator.pk}"] = value
            self.fields[f"comparator_{indicator.pk}"] = comparator
            self.rows.append(
                (indicator, self[f"value_{indicator.pk}"], self[f"comparator_{indicator.pk}"], current)
            )

    def entries(self):
        return {
            indicator.pk: (
                self.cleaned_data[f"value_{indicator.pk}"],
                self.cleaned_data[f"comparator_{indicator.pk}"],
            )
            for indicator, *_ in self.rows
        }


class ImportValuesForm(GdsFormMixin, forms.Form):
    submit_label = "Import values"
    file = forms.FileField(
        label="File of values",
        help_text="CSV (UTF-8) or Excel (.xlsx) with the columns indicator, quarter_start, value, comparator_value.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "govuk-file-upload"}),
        error_messages={"required": "Choose the file to import"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        return upload


def quarter_choices(quarters):
    return [(q.isoformat(), financial_quarter_name(q)) for q in quarters]
