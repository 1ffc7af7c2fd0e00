"""Issue 14 point 16: the reference agencies reflect Somerset today. Somerset Council has been
the unitary authority since April 2023; the four district councils stay for old records only."""

import pytest

from reviews.forms import NotificationForm
from somerset_safety.accounts.models import Agency

pytestmark = pytest.mark.django_db


def test_somerset_council_is_the_responsible_local_authority_and_the_districts_are_historic():
    council = Agency.objects.get(code="SOMERSET")
    assert (council.name, council.active, council.responsible_authority) == ("Somerset Council", True, True)
    districts = Agency.objects.filter(code__in=["MENDIP", "SEDGEMOOR", "SWT", "SSDC"]).order_by("code")
    assert [(a.name, a.active, a.responsible_authority) for a in districts] == [
        ("Mendip District Council (until March 2023)", False, False),
        ("Sedgemoor District Council (until March 2023)", False, False),
        ("South Somerset District Council (until March 2023)", False, False),
        ("Somerset West and Taunton Council (until March 2023)", False, False),
    ]
    offered = {label for _value, label in NotificationForm().fields["notifying_agency"].choices}
    assert "Somerset Council" in offered
    assert not any("District Council" in label or "West and Taunton" in label for label in offered)
