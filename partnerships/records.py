"""The MARAC records on the council's retention schedule (somerset_safety.records)."""

from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest, TruncDate

from somerset_safety.records import registry
from somerset_safety.records.models import RetentionAction, RetentionTrigger


def register_records() -> None:
    from .models import Person

    as_victim = Max("referrals_as_victim__referral_date")
    as_perpetrator = Max("referrals_as_perpetrator__referral_date")
    registry.register(
        registry.RecordType(
            key="marac_person",
            label="MARAC referral and person",
            model=Person,
            triggers={
                RetentionTrigger.CREATED: TruncDate("created_at"),
                # Greatest of the two, either of which may be empty (SQLite's is empty if one is).
                RetentionTrigger.LAST_REFERRAL: Greatest(
                    Coalesce(as_victim, as_perpetrator), Coalesce(as_perpetrator, as_victim)
                ),
            },
            default=registry.Default(
                years=6, trigger=RetentionTrigger.LAST_REFERRAL, action=RetentionAction.ANONYMISE
            ),
            order=20,
        )
    )
