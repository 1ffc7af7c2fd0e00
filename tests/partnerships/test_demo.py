import pytest

from partnerships.demo import load_demo
from partnerships.models import Action, MaracArea, Meeting, Referral

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_synthetic(coordinator, officer):
    users = {"coordinator": coordinator, "officer": officer}
    load_demo(users)
    counts = (
        MaracArea.objects.count(),
        Referral.objects.count(),
        Meeting.objects.count(),
        Action.objects.count(),
    )
    load_demo(users)
    assert counts == (
        MaracArea.objects.count(),
        Referral.objects.count(),
        Meeting.objects.count(),
        Action.objects.count(),
    )
    assert counts[1] == 5 and counts[2] == 2 and counts[3] == 3
    assert all("(synthetic)" in r.victim.full_name for r in Referral.objects.select_related("victim"))
    upcoming = Meeting.objects.order_by("-date").first()
    assert upcoming.agenda_items.count() == 5  # three with carried actions, two new cases
