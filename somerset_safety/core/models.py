from django.db import models


class UnqueuedTask(models.Model):
    """Work that could not be handed to the broker. Retried by a periodic job (S20)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.task_name} (queued {self.created_at:%Y-%m-%d %H:%M})"


class ReferenceSequence(models.Model):
    """The counter behind one kind of reference, per year for yearly kinds (year 0 otherwise).
    Locked while a record takes the next number (core.references.next_reference), so numbers
    are sequential with no duplicates, even under concurrent saves, and never reused."""

    kind = models.CharField(max_length=40)
    year = models.PositiveIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="reference_sequence_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year or ''}: {self.last_number}".replace("  ", " ")
