from .assessments import AssessmentKind, AssessmentOutcome, ImpactAssessment
from .register import (
    Duty,
    DutyStatus,
    EvidenceItem,
    Obligation,
    PreventArea,
)
from .slavery import (
    AgeGroup,
    Consent,
    Decision,
    ExploitationType,
    NotificationExploitation,
    NotificationStatus,
    Route,
    SlaveryNotification,
    SlaveryRestriction,
)

__all__ = [
    "AgeGroup",
    "AssessmentKind",
    "AssessmentOutcome",
    "Consent",
    "Decision",
    "Duty",
    "DutyStatus",
    "EvidenceItem",
    "ExploitationType",
    "ImpactAssessment",
    "NotificationExploitation",
    "NotificationStatus",
    "Obligation",
    "PreventArea",
    "Route",
    "SlaveryNotification",
    "SlaveryRestriction",
]
