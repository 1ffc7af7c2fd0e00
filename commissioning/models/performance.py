"""KPIs, national benchmarks and the providers' quarterly returns."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from somerset_safety.core.uploads import PrivateFileField

from ..clocks import Quarter


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Every quarter"
    HALF_YEARLY = "half_yearly", "Every half year (quarters 2 and 4)"
    ANNUAL = "annual", "Every year (quarter 4)"


REPORTED_IN_QUARTERS = {
    Frequency.QUARTERLY: {1, 2, 3, 4},
    Frequency.HALF_YEARLY: {2, 4},
    Frequency.ANNUAL: {4},
}


class Benchmark(models.Model):
    """A national comparator, for example the national drug treatment monitoring system's
    successful completions for opiate users, with a value per period."""

    name = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=200)
    unit = models.CharField(max_length=30)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BenchmarkValue(models.Model):
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(help_text="The financial year that starts in April of this year.")
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["benchmark", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "year", "quarter"], name="commissioning_benchmark_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="commissioning_benchmark_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark} {Quarter(self.year, self.quarter)}: {self.value}"


class Kpi(models.Model):
    contract = models.ForeignKey("commissioning.Contract", on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=30, help_text="For example %, people, households, days.")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    tolerance = models.DecimalField(
        "amber tolerance",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="How far short of the target, in the KPI's own unit, still counts as amber.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    benchmark = models.ForeignKey(
        Benchmark, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    counts_people = models.BooleanField(
        default=False,
        help_text="The result is a number of people or households: small numbers are hidden from "
        "partnership leads and in the public paper.",
    )
    set_on = models.DateField(
        help_text="When the KPI was set (the Procurement Act asks for three before signing)."
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "name"], name="commissioning_kpi_name_unique_per_contract"
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="commissioning_kpi_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    def reported_in(self, quarter_number: int) -> bool:
        return quarter_number in REPORTED_IN_QUARTERS[self.frequency]


class ReturnSource(models.TextChoices):
    ENTERED = "entered", "Entered in the browser"
    UPLOADED = "uploaded", "Uploaded"


class ReturnStatus(models.TextChoices):
    RECEIVED = "received", "Received, awaiting review"
    SIGNED_OFF = "signed_off", "Reviewed and signed off"


class QuarterlyReturn(models.Model):
    """A provider's performance return for one financial-year quarter."""

    contract = models.ForeignKey("commissioning.Contract", on_delete=models.CASCADE, related_name="returns")
    year = models.PositiveSmallIntegerField(help_text="The financial year that starts in April of this year.")
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    received_on = models.DateField()
    source = models.CharField(max_length=10, choices=ReturnSource.choices)
    provider_commentary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.RECEIVED)
    review_notes = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_on = models.DateField(null=True, blank=True)
    upload = PrivateFileField(blank=True)
    upload_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # a correction of its figures alone changes its version

    class Meta:
        ordering = ["contract", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "quarter"], name="commissioning_return_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="commissioning_return_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed_off") | Q(signed_off_on__isnull=False),
                name="commissioning_return_signed_off_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Return for {self.period}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)


class KpiResult(models.Model):
    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="results")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(
        blank=True,
        help_text="The provider's note on this figure, for example the reasons households were not supported.",
    )

    class Meta:
        ordering = ["quarterly_return", "kpi__order", "kpi_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return", "kpi"], name="commissioning_result_once_per_kpi"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value}"
