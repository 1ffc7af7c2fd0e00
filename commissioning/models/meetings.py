"""Contract management meetings, on the platform meetings mechanism: the contract is the body
that meets (the council's contract manager and the provider), its agenda takes the quarterly
returns and the open risks, and its actions go on the contract's action log."""

from django.db import models
from django.urls import reverse

from somerset_safety.meetings import models as meetings


class ContractSection(models.IntegerChoices):
    """The parts of a contract management agenda, in the order they are taken."""

    ACTIONS = 10, "Actions from the last meeting"
    PERFORMANCE = 20, "Performance: quarterly returns and KPIs"
    RISKS = 30, "Risks"
    ANY_OTHER_BUSINESS = 90, "Any other business"


def _ContractManager(path: str) -> meetings.OwnedByManager:
    """Only the rows that belong to contracts' meetings."""
    return meetings.OwnedByManager("commissioning", "contract", path)


class ContractMeeting(meetings.Meeting):
    """A contract management meeting with the provider."""

    objects = _ContractManager("body__owner_type")

    class Meta:
        proxy = True
        ordering = ["-date", "body_id"]

    def __str__(self) -> str:
        return f"{self.contract.reference} contract meeting, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_meeting", args=[self.pk])

    @property
    def contract(self):
        return self.body.owner

    @property
    def reference(self) -> str:
        return f"{self.contract.reference} {self.date:%Y-%m-%d}"


class ContractAttendance(meetings.Attendance):
    objects = _ContractManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["agency__name"]


class ContractAgendaItem(meetings.AgendaItem):
    """A quarterly return or an open risk on the agenda (its subject), or any other business."""

    objects = _ContractManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["section", "position", "id"]

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_meeting_item", args=[self.pk])

    def get_section_display(self) -> str:
        return ContractSection(self.section).label


class ContractAction(meetings.Action):
    """An action agreed at a contract meeting, for the provider or the council."""

    objects = _ContractManager("meeting__body__owner_type")

    class Meta:
        proxy = True
        ordering = ["due_date", "id"]

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_action", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.meeting.body.owner.reference} action {self.pk}"
