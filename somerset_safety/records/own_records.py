"""Records management's own records on the council's retention schedule: subject access
requests (with what was found, disclosed and withheld, their pauses and searches), kept 3 years
after the request was closed (the response sent, or withdrawn) for a complaint to the ICO or a
claim, then destroyed after a review. Registered in RecordsConfig.ready(), as every app does."""

from django.db import models
from django.db.models import Case, F, When

from . import registry
from .models import RetentionAction, RetentionTrigger, SarStatus, SubjectAccessRequest


def register_records() -> None:
    registry.register(
        registry.RecordType(
            key="subject_access_request",
            label="Subject access request",
            model=SubjectAccessRequest,
            triggers={
                RetentionTrigger.CREATED: "received_on",
                # Closed: the day the response was sent, or the day it was withdrawn.
                RetentionTrigger.CLOSED: Case(
                    When(status=SarStatus.COMPLETED, then=F("completed_on")),
                    When(status=SarStatus.WITHDRAWN, then=F("withdrawn_on")),
                    default=None,
                    output_field=models.DateField(),
                ),
            },
            default=registry.Default(years=3, trigger=RetentionTrigger.CLOSED, action=RetentionAction.REVIEW),
            order=80,
        )
    )
