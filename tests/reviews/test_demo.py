import pytest

from reviews.demo import load_demo
from reviews.models import Notification, Pause, Stage
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline

from ..factories import UserFactory


@pytest.mark.django_db
def test_demo_has_reviews_at_several_stages_one_overdue_one_paused_and_is_idempotent(officer):
    users = {
        "officer": officer,
        "chair": UserFactory(roles=[Role.REVIEW_CHAIR], agency=Agency.objects.get(code="CST")),
    }
    load_demo(users)
    load_demo(users)
    notifications = Notification.objects.all()
    assert notifications.count() == 5
    assert all(n.victim_name.endswith("(synthetic)") for n in notifications)
    stages = set(notifications.filter(review__isnull=False).values_list("review__stage", flat=True))
    assert {Stage.GATHERING, Stage.DRAFT, Stage.MONITORING} <= stages
    assert Pause.objects.filter(ended_on__isnull=True).count() == 1
    from somerset_safety.core.dates import today

    overdue = Deadline.objects.filter(kind="dhr_completion_due", status="open", due_date__lt=today())
    assert overdue.count() == 1
    # The references run in the order the deaths were notified: DHR-0001 is the earliest.
    by_reference = list(Notification.objects.order_by("number").values_list("notified_on", flat=True))
    assert by_reference == sorted(by_reference) and len(set(by_reference)) == 5
