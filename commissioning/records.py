"""Contracts on the council's retention schedule (somerset_safety.records)."""

from django.db.models.functions import Coalesce

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger


def register_records() -> None:
    from .models import Contract, ContractStatus

    registry.register(
        registry.RecordType(
            key="contract",
            label="Contract",
            model=Contract,
            # Only an ended contract has its end in the past for certain.
            queryset=lambda: Contract.objects.filter(status=ContractStatus.ENDED),
            triggers={
                RetentionTrigger.CONTRACT_END: Coalesce("final_end_date", "current_end_date"),
            },
            default=registry.Default(
                years=6, trigger=RetentionTrigger.CONTRACT_END, action=RetentionAction.REVIEW
            ),
            order=60,
        )
    )
