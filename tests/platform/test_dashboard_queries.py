"""The partnership dashboard's queries with every app's synthetic demo data (issues 12 and 13:
at most 15 at national scale): those every signed-in page makes, then each panel's own, a fixed
number whatever the volume of records."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnerships import summary
from somerset_safety.accounts.management.commands.load_demo_data import Command as DemoCommand
from somerset_safety.core import demo
from tests.conftest import verified_client

# Every signed-in page: the session; the user with their agency and roles; their second factor.
# (Activity is written to the session at most once a minute: not within these requests.)
PER_REQUEST = 3
# Each panel's queries with the demo data, on any day (one that ends a month or not).
PANELS = {
    "DHR: the notifications with both clocks' states; the recommendations": 2,
    "MARAC: the areas with their whole months and the days of a month not yet whole": 1,
    "MARAC representation: the attendance at meetings": 1,
    "Disruption Panel: the groups as they stood; the band names with the overdue actions; the disruptions": 3,
    "Partnership performance: the frameworks with their public values, indicators and priorities": 1,
    "Commissioning: the budget and grants; the contracts with their extension options and KPI results": 2,
    "Duties: the obligations and their evidence": 1,
    "Deadlines: every deadline by kind and state": 1,
}


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def demo_world(db):
    users = DemoCommand()._personas()
    for _name, loader in demo.loaders():
        loader(users)
    return users


@pytest.mark.parametrize("persona", ["officer", "lead"])
@pytest.mark.parametrize("day", ["ends a month", "does not end a month"])
def test_the_dashboard_reads_a_fixed_number_of_queries(
    demo_world, persona, day, django_assert_max_num_queries, settings
):
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 60  # as in production
    # 3 + 2 + 1 + 1 + 3 + 1 + 2 + 1 + 1 = 15, the goal (issues 12 and 13), whether or not the day
    # ends a month. The benchmark's national build (MARAC alone) makes the same 15.
    limit = PER_REQUEST + sum(PANELS.values())
    assert limit == 15
    # The demo data is dated from today: the last day of this month, or the first of the next.
    month_end = summary.month_end(timezone.localdate())
    when = month_end if day == "ends a month" else month_end + dt.timedelta(days=1)
    with time_machine.travel(_noon(when), tick=False):
        client = verified_client(demo_world[persona])
        with django_assert_max_num_queries(limit):
            response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Domestic Homicide Reviews", "Disruption Panel", "Commissioned services"):
        assert title in page
