"""Providers and contracts: the contract's terms, its extension options and the extensions
taken, modifications, funding streams, standstill representations, published notices, risks
and documents. A contract's status changes only through the services, by the moves of
states.CONTRACT_MOVES."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from somerset_safety.core.uploads import PrivateFileField

from .. import conf


class ServiceType(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse_support", "Domestic abuse support"
    DRUG_ALCOHOL = "drug_alcohol_treatment", "Drug and alcohol treatment"
    PERPETRATOR = "perpetrator_programme", "Perpetrator programme"
    OTHER = "other", "Other"


class Regime(models.TextChoices):
    PSR = "psr", "Provider Selection Regime"
    PA2023 = "pa2023", "Procurement Act 2023 (standard)"
    PA2023_LIGHT_TOUCH = "pa2023_light_touch", "Procurement Act 2023 (light-touch)"
    PCR2015 = "pcr2015", "Public Contracts Regulations 2015 (legacy)"


class ContractStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PROCURING = "procuring", "Procuring"
    STANDSTILL = "standstill", "In standstill"
    LIVE = "live", "Live"
    IN_EXTENSION = "in_extension", "In extension"
    ENDING = "ending", "Ending"
    ENDED = "ended", "Ended"


SIGNED_STATUSES = frozenset(
    {ContractStatus.LIVE, ContractStatus.IN_EXTENSION, ContractStatus.ENDING, ContractStatus.ENDED}
)
RUNNING_STATUSES = frozenset({ContractStatus.LIVE, ContractStatus.IN_EXTENSION})


class EndingReason(models.TextChoices):
    EXPIRY = "expiry", "Expiry at the end date"
    TERMINATION = "termination", "Early termination"
    ABANDONED = "abandoned", "Procurement abandoned before award"


class Provider(models.Model):
    """An organisation the council contracts with. Providers are not users of this service."""

    name = models.CharField(max_length=200, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partner agency record of this provider, if its staff use the service.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissioning:provider_detail", args=[self.pk])


class FundingStream(models.Model):
    """Where the money for contracts comes from: the public health grant, the Domestic Abuse
    Act Part 4 grant, the Police and Crime Commissioner …"""

    name = models.CharField(max_length=200, unique=True)
    funder = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    reference = models.CharField(max_length=30, unique=True, editable=False)
    number = models.PositiveIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=200)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    service_type = models.CharField(max_length=30, choices=ServiceType.choices)
    regime = models.CharField("procurement regime", max_length=30, choices=Regime.choices)
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.PLANNED)
    start_date = models.DateField()
    initial_end_date = models.DateField()
    # Kept by services.contract_refresh from the extensions; stored so lists sort and filter.
    current_end_date = models.DateField(editable=False)
    latest_end_date = models.DateField("latest possible end date", editable=False)
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    total_value = models.DecimalField(
        "total value",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="The lifetime value when the contract was entered into, extension options included.",
    )
    notice_period_months = models.PositiveSmallIntegerField(
        default=conf.notice_period_months,
        validators=[MaxValueValidator(36)],
        help_text="The provider's formal notice of an extension decision, in months before the end date.",
    )
    approval_lead_days = models.PositiveSmallIntegerField(
        "council approval time",
        default=conf.approval_lead_days,
        validators=[MaxValueValidator(365)],
        help_text="Days the council needs for its own approval before a formal date.",
    )
    contract_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    funding_streams = models.ManyToManyField(FundingStream, through="ContractFunding", related_name="+")
    description = models.TextField(blank=True)
    intention_notice_on = models.DateField("intention-to-award notice published on", null=True, blank=True)
    signed_on = models.DateField("contract signed on", null=True, blank=True)
    reprocurement_started_on = models.DateField(null=True, blank=True)
    ending_reason = models.CharField(max_length=20, choices=EndingReason.choices, blank=True)
    ending_decided_on = models.DateField(
        null=True, blank=True, help_text="When it was decided the contract ends."
    )
    final_end_date = models.DateField(
        null=True, blank=True, help_text="The date the contract ends or ended, once it is known to be ending."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["current_end_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initial_end_date__gt=F("start_date")),
                name="commissioning_contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(s.value for s in SIGNED_STATUSES))
                | Q(signed_on__isnull=False),
                name="commissioning_contract_signed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContractStatus.ENDED) | Q(final_end_date__isnull=False),
                name="commissioning_contract_ended_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "current_end_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    @property
    def is_notifiable(self) -> bool:
        """Procurement Act 2023, not light-touch, over £5 million: at least three KPIs set before
        signing and the contract details, performance, change and termination notices."""
        return self.regime == Regime.PA2023 and self.total_value > conf.pa2023_kpi_threshold()

    @property
    def end_in_force(self):
        return self.final_end_date or self.current_end_date


class OptionStatus(models.TextChoices):
    ENVISAGED = "envisaged", "Envisaged"
    AGREED = "agreed", "Agreed"
    EXERCISED = "exercised", "Exercised"
    DECLINED = "declined", "Not to be used"


OPEN_OPTION_STATUSES = frozenset({OptionStatus.ENVISAGED, OptionStatus.AGREED})


class ExtensionOption(models.Model):
    """An extension the contract allows (e.g. the first of 2 × 12 months): envisaged in the
    contract, agreed with the provider, then exercised by an extension decision."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    number = models.PositiveSmallIntegerField()
    months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(120)])
    status = models.CharField(max_length=20, choices=OptionStatus.choices, default=OptionStatus.ENVISAGED)
    agreed_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="commissioning_option_number_unique"),
            models.CheckConstraint(condition=Q(months__gte=1), name="commissioning_option_months_positive"),
        ]

    def __str__(self) -> str:
        return f"Option {self.number}: {self.months} months"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OPTION_STATUSES


class Extension(models.Model):
    """A decision to take an extension option: the end date in force moves on by its months."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    option = models.OneToOneField(ExtensionOption, on_delete=models.PROTECT, related_name="extension")
    decided_on = models.DateField()
    approver = models.CharField(
        max_length=200, help_text="Who approved it, for example the Executive or the lead member."
    )
    reason = models.TextField()
    previous_end_date = models.DateField()
    new_end_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"Extension to {self.new_end_date:%d %b %Y}"


class ContractFunding(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding")
    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="contract_funding")
    annual_amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["contract", "stream__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "stream"], name="commissioning_funding_once_per_stream"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream}: £{self.annual_amount:,.2f} a year"


class ModificationKind(models.TextChoices):
    COUNCIL_INITIATED = "council_initiated", "A change the council decided on"
    PROVIDED_FOR = "provided_for", "Clearly provided for in the contract"
    EXTERNAL_FACTORS = "external_factors", "External factors (service user volumes, a price formula)"
    PROVIDER_IDENTITY = "provider_identity", "Change of provider after a takeover, merger or insolvency"


class Modification(models.Model):
    """A variation to the contract during its term."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="modifications")
    kind = models.CharField(max_length=30, choices=ModificationKind.choices)
    description = models.TextField()
    reason = models.TextField()
    value_change = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="The change to the lifetime value; a reduction is negative.",
    )
    agreed_on = models.DateField()
    takes_effect_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "takes_effect_on", "pk"]

    def __str__(self) -> str:
        return f"Modification taking effect {self.takes_effect_on:%d %b %Y}"


class Representation(models.Model):
    """Provider Selection Regime: a provider's representation during the standstill. The
    standstill stays open until the council's re-decision, then runs a further 5 working days."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="representations")
    provider_name = models.CharField(max_length=200, help_text="The provider that made it.")
    received_on = models.DateField()
    re_decision_on = models.DateField("council's re-decision on", null=True, blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["contract", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(re_decision_on__isnull=True) | Q(re_decision_on__gte=F("received_on")),
                name="commissioning_re_decision_after_representation",
            )
        ]

    def __str__(self) -> str:
        return f"Representation received {self.received_on:%d %b %Y}"


class NoticeKind(models.TextChoices):
    CONTRACT_DETAILS = "contract_details", "Contract details notice"
    PERFORMANCE = "performance", "Contract performance notice"
    CHANGE = "change", "Contract change notice"
    TERMINATION = "termination", "Contract termination notice"
    TRANSPARENCY = "transparency", "Transparency notice (Provider Selection Regime modification)"
    OTHER = "other", "Other notice"


class PerformanceRating(models.TextChoices):
    """The Procurement Act 2023 five-point scale for a contract performance notice."""

    GOOD = "good", "Good"
    APPROACHING_TARGET = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


class PublishedNotice(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    published_on = models.DateField()
    summary = models.TextField()
    notice_reference = models.CharField(
        max_length=100, blank=True, help_text="The notice's identifier on the central digital platform."
    )
    modification = models.ForeignKey(
        Modification, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    at_termination = models.BooleanField(
        default=False, help_text="A performance notice published because the contract ended."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(modification__isnull=True) | Q(kind__in=["change", "transparency"]),
                name="commissioning_notice_modification_only_for_change",
            ),
            models.CheckConstraint(
                condition=Q(at_termination=False) | Q(kind="performance"),
                name="commissioning_notice_termination_flag_only_for_performance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} published {self.published_on:%d %b %Y}"


class KpiRating(models.Model):
    """One KPI's rating in a contract performance notice."""

    notice = models.ForeignKey(PublishedNotice, on_delete=models.CASCADE, related_name="ratings")
    kpi = models.ForeignKey("commissioning.Kpi", on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(max_length=30, choices=PerformanceRating.choices)

    class Meta:
        ordering = ["notice", "kpi__name"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "kpi"], name="commissioning_rating_once_per_kpi")
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.get_rating_display()}"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    owner = models.CharField(max_length=200, help_text="The person or role who manages the risk.")
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    raised_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "status", "-raised_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="commissioning_risk_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        """5 × 5 matrix bands: 15 and over high, 8 to 12 medium, 6 and under low."""
        if self.score >= 15:
            return "High"
        if self.score >= 8:
            return "Medium"
        return "Low"


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title
