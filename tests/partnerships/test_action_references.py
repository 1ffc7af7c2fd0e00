"""Issue 14 point 15: deadline lists and reminders name an action as people do — the case's
reference and the action's number among the case's actions — never by a database id."""

import datetime as dt

import pytest

from somerset_safety.deadlines.models import Deadline
from somerset_safety.deadlines.services import deadlines_sync

from .factories import ActionFactory, MeetingFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_a_marac_actions_deadline_carries_its_reference_not_its_id():
    meeting = MeetingFactory(date=dt.date(2024, 7, 1))
    case = ReferralFactory()
    ActionFactory(meeting=meeting, referral=case)
    ActionFactory(meeting=meeting)  # another case's
    second = ActionFactory(meeting=MeetingFactory(date=dt.date(2024, 8, 5)), referral=case)
    assert second.reference == f"{case.reference} action 2"
    deadlines_sync(subject=second)
    references = set(
        Deadline.objects.filter(subject_id=second.pk).values_list("subject_reference", flat=True)
    )
    assert references == {f"{case.reference} action 2"}
