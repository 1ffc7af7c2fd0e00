"""The statutory duties' records on the council's retention schedule (somerset_safety.records)."""

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger


def register_records() -> None:
    from .models import ImpactAssessment, SlaveryNotification

    registry.register(
        registry.RecordType(
            key="modern_slavery",
            label="Modern slavery record",
            model=SlaveryNotification,
            triggers={
                RetentionTrigger.CREATED: "submitted_on",
            },
            default=registry.Default(
                years=6, trigger=RetentionTrigger.CREATED, action=RetentionAction.REVIEW
            ),
            order=40,
        )
    )
    registry.register(
        registry.RecordType(
            key="s17_assessment",
            label="Section 17 and equality assessment",
            model=ImpactAssessment,
            triggers={
                RetentionTrigger.CREATED: "assessed_on",
                RetentionTrigger.CLOSED: "decision_date",
            },
            default=registry.Default(
                years=15, trigger=RetentionTrigger.CREATED, action=RetentionAction.REVIEW
            ),
            order=50,
        )
    )
