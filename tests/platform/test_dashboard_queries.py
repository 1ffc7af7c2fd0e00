"""The partnership dashboard's queries with every app's synthetic demo data (issues 12 and 13:
at most 15 at national scale): those every signed-in page makes, then each panel's own, a fixed
number whatever the volume of records."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from somerset_safety.accounts.management.commands.load_demo_data import Command as DemoCommand
from somerset_safety.core import demo
from tests.conftest import verified_client

# Every signed-in page: the session; the user with their agency and roles; their second factor.
# (Activity is written to the session at most once a minute: not within these requests.)
PER_REQUEST = 3
# Each panel's queries with the demo data, on a day that does not end a month.
PANELS = {
    "DHR: the notifications with both clocks' states; the recommendations": 2,
    "MARAC: the areas with their whole months; the days of the month not yet whole": 2,
    "MARAC representation: the attendance at meetings": 1,
    "Disruption Panel: the groups as they stood; the band names with the overdue actions; the disruptions": 3,
    "Partnership performance: the frameworks; their public values; the indicators; the priorities": 4,
    "Commissioning: the budget and grants; the contracts; their extension options; the KPI results": 4,
    "Duties: the obligations and their evidence": 1,
    "Deadlines: every deadline by kind and state": 1,
}


@pytest.fixture
def demo_world(db):
    users = DemoCommand()._personas()
    for _name, loader in demo.loaders():
        loader(users)
    return users


@pytest.mark.parametrize("persona", ["officer", "lead"])
def test_the_dashboard_reads_a_fixed_number_of_queries(
    demo_world, persona, django_assert_max_num_queries, settings
):
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 60  # as in production
    # 3 + 2 + 2 + 1 + 3 + 4 + 4 + 1 + 1 = 21 (at the end of a month MARAC's days need none: 20).
    # The benchmark's national build holds MARAC alone, as at a month's end: 3 + 2 + 1 + 1 + 3 +
    # 1 (no frameworks) + 2 (no contracts) + 1 + 1 = 15.
    limit = PER_REQUEST + sum(PANELS.values())
    assert limit == 21
    with time_machine.travel(timezone.now(), tick=False):
        client = verified_client(demo_world[persona])
        with django_assert_max_num_queries(limit):
            response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Domestic Homicide Reviews", "Disruption Panel", "Commissioned services"):
        assert title in page
