"""The performance framework of a board for a plan period: its priorities (the partnership's
joint priorities, reference data with their period) and under each the indicators, with a
definition, source, unit, polarity, baseline, target for the period, tolerance and comparator;
and their values per quarter, each with its release status and who approved it.

A new plan period copies the framework to edit (`copied_from`), so earlier periods keep their
indicators, targets and values as they were. The rules that judge a value (RAG, direction of
travel, comparator position) are in partnerships/performance/rules.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Framework(models.Model):
    board = models.ForeignKey("partnerships.Board", on_delete=models.PROTECT, related_name="frameworks")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["board", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["board", "period_start"], name="framework_one_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="framework_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start:%b %Y} to {self.period_end:%b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:framework", args=[self.pk])

    @property
    def priorities(self):
        from .reference import Priority

        return Priority.objects.filter(body_id=self.board.body_id, period_start=self.period_start)


class Source(models.TextChoices):
    POLICE_RECORDED_CRIME = "police_recorded_crime", "Police recorded crime"
    ASB_INCIDENTS = "asb_incidents", "Anti-social behaviour incidents"
    DOMESTIC_ABUSE_INCIDENTS = "domestic_abuse_incidents", "Domestic abuse incidents"
    PROVEN_REOFFENDING = "proven_reoffending", "Proven re-offending"
    HOSPITAL_ADMISSIONS_VIOLENCE = "hospital_admissions_violence", "Hospital admissions for violence"
    DRUG_RELATED_DEATHS = "drug_related_deaths", "Drug-related deaths"
    KNIFE_CRIME = "knife_crime", "Knife crime"
    SERIOUS_VIOLENCE_DUTY = "serious_violence_duty", "Serious Violence Duty measure"
    MARAC_CASES = "marac_cases", "MARAC cases discussed (from this service)"
    MARAC_REPEAT_RATE = "marac_repeat_rate", "MARAC repeat rate (from this service)"
    COMMISSIONED_KPI = "commissioned_kpi", "Commissioned-service KPI (from this service)"
    OTHER = "other", "Other (entered or imported)"


# Sources whose values this service works out from its own records.
COMPUTED_SOURCES = {Source.MARAC_CASES, Source.MARAC_REPEAT_RATE, Source.COMMISSIONED_KPI}


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "Percentage"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000 population"
    RATE_PER_100000 = "rate_per_100000", "Rate per 100,000 population"


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class Comparator(models.TextChoices):
    NONE = "", "No comparator"
    MOST_SIMILAR_GROUP = "msg", "Most similar group average"
    ENGLAND = "england", "England"


class IndicatorFrequency(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual (entered against the first quarter of the financial year)"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="indicators")
    priority = models.ForeignKey("partnerships.Priority", on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=20, help_text="Short code used in imports, e.g. DA1.")
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Exactly what is counted, over what, and from which system.")
    source = models.CharField(max_length=40, choices=Source.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    counts_people = models.BooleanField(
        default=False,
        help_text="The figure is a count of people (victims, offenders, children): small numbers are "
        "suppressed for readers without detail access.",
    )
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_label = models.CharField(max_length=100, blank=True, help_text="For example: 2023/24 outturn.")
    target = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="The target for the plan period."
    )
    tolerance_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text="How far from the target, as a percentage of it, a value is amber rather than red.",
    )
    comparator = models.CharField(max_length=10, choices=Comparator.choices, blank=True)
    frequency = models.CharField(
        max_length=20, choices=IndicatorFrequency.choices, default=IndicatorFrequency.QUARTERLY
    )
    commissioned_kpi_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="For a commissioned-service KPI: which KPI (its providers' quarterly returns give the values).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__number", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_once_per_framework"),
            models.CheckConstraint(
                condition=Q(tolerance_pct__gte=0) & Q(tolerance_pct__lte=100),
                name="indicator_tolerance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:indicator", args=[self.pk])

    @property
    def computed(self) -> bool:
        return self.source in COMPUTED_SOURCES


class Release(models.TextChoices):
    RESTRICTED = "restricted", "Restricted (not yet approved for release)"
    PROVISIONAL = "provisional", "Provisional"
    PUBLIC = "public", "Public"


class ValueOrigin(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"
    COMPUTED = "computed", "Worked out by this service"


class IndicatorValue(models.Model):
    """The value of an indicator for one quarter (`period_start` is its first day), with the
    comparator's value where there is one, and its release status."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    comparator_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    release = models.CharField(max_length=20, choices=Release.choices, default=Release.RESTRICTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=20, choices=ValueOrigin.choices, default=ValueOrigin.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["entered_at"])

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="indicator_value_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(release="restricted")
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="indicator_value_released_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start:%Y-%m}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()
