from django.db import models


class PartnershipBody(models.Model):
    """The Community Safety Partnership and the boards and panels that work under it."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    member_agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="bodies")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partnership bodies"

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    """A joint partnership priority for a period; plans are refreshed, so priorities are data."""

    body = models.ForeignKey(PartnershipBody, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        ordering = ["body", "-period_start", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["body", "period_start", "number"], name="priority_unique_number"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="priority_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title} ({self.period_start:%Y}–{self.period_end:%Y})"
