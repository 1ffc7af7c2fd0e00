"""Generated Executive report versions on the council's retention schedule
(somerset_safety.records). Destroying a version deletes its row, its figures snapshot and both
stored PDFs; the report and its other versions stay."""

from django.db.models.functions import TruncDate

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger


def register_records() -> None:
    from .models import ReportVersion, VersionStatus

    registry.register(
        registry.RecordType(
            key="report_version",
            label="Executive report version",
            model=ReportVersion,
            queryset=lambda: ReportVersion.objects.exclude(status=VersionStatus.QUEUED).select_related(
                "report"
            ),
            triggers={RetentionTrigger.CREATED: TruncDate("generated_at")},
            # A paper to the Executive records a council decision: 15 years.
            default=registry.Default(
                years=15, trigger=RetentionTrigger.CREATED, action=RetentionAction.REVIEW
            ),
            order=70,
        )
    )
