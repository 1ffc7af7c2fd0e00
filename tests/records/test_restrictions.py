"""The records management pages' way to restrictions of processing (issue 18 point 6): the list of
the records restricted now (references, never names or reasons), the way for a records manager
to a person's restriction page by system reference, and the link from a record a subject access
request found."""

import datetime as dt

import pytest
from django.urls import reverse

from partnerships import services as marac
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.records import services
from somerset_safety.records.models import Regime
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

URL = reverse("records:restrictions")
REASON = "Contests the accuracy of the record (synthetic)."


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


@pytest.fixture
def rhea(db):
    person = PersonFactory(full_name="Rhea Restricted (synthetic)", date_of_birth=dt.date(1985, 3, 2))
    ReferralFactory(victim=person)
    return person


def test_the_list_shows_references_only_and_the_auditor_reads_it(rhea, records_manager, auditor, as_user):
    page = as_user(records_manager).get(URL).content.decode()
    assert "No record's processing is restricted." in page
    marac.person_restrict_processing(actor=records_manager, person=rhea, reason=REASON)
    restriction_page = reverse("partnerships:person_restriction", args=[rhea.pk])
    page = as_user(records_manager).get(URL).content.decode()
    assert "1 record restricted now" in page and rhea.reference in page and "MARAC victim" in page
    assert f'href="{restriction_page}"' in page
    assert "Rhea" not in page and REASON not in page
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="partnerships.person").last()
    assert listed.detail == {"ids": [str(rhea.pk)], "purpose": "restriction"}
    # The auditor reads the list, with no way to restrict or lift.
    page = as_user(auditor).get(URL).content.decode()
    assert rhea.reference in page and restriction_page not in page and "Find the record" not in page
    assert as_user(auditor).post(URL, {"reference": rhea.reference}).status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MARAC_COORDINATOR, Role.AGENCY_REP])
def test_other_roles_may_not_open_it(role, council_team, as_user):
    assert as_user(UserFactory(agency=council_team, roles=[role])).get(URL).status_code == 403


def test_a_reference_leads_a_records_manager_to_the_restriction_page(rhea, records_manager, as_user):
    client = as_user(records_manager)
    response = client.post(URL, {"reference": f" {rhea.reference.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:person_restriction", args=[rhea.pk])
    # Not a person's reference, a perpetrator's number given as a victim's, and nothing at all.
    perpetrator_number = f"P{rhea.pk:07d}"
    for typed, error in (
        ("MR-2024-000001", "No person with the reference MR-2024-000001 is held"),
        (perpetrator_number, f"No person with the reference {perpetrator_number} is held"),
        ("", "Enter the person&#x27;s system reference, for example V0000012"),
    ):
        response = client.post(URL, {"reference": typed})
        assert response.status_code == 200
        assert error in response.content.decode()


def test_a_record_found_for_a_subject_access_request_links_to_its_restriction(
    rhea, council_team, as_user, today_is
):
    """A records manager who is also a MARAC coordinator (so searches MARAC) finds Rhea and is led
    to her restriction; a coordinator of other areas answering the request sees her record, with
    no link, as they may not restrict it."""
    today_is(dt.date(2027, 2, 10))
    searcher = UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER, Role.MARAC_COORDINATOR])
    other = UserFactory(agency=council_team, roles=[Role.OFFICER, Role.MARAC_COORDINATOR])
    rhea.referrals_as_victim.get().area.coordinators.add(searcher)
    sar = services.sar_create(
        actor=searcher,
        regime=Regime.UK_GDPR,
        received_on=dt.date(2027, 2, 1),
        handler=searcher,
        subject_name="Rhea Restricted",
        date_of_birth=dt.date(1985, 3, 2),
    )
    services.sar_search(actor=searcher, sar=sar)
    item = sar.items.get(source="marac_person")
    url = reverse("records:sar_item", args=[sar.pk, item.pk])
    link = reverse("partnerships:person_restriction", args=[rhea.pk])
    assert f'href="{link}"' in as_user(searcher).get(url).content.decode()
    page = as_user(other).get(url).content.decode()
    assert rhea.full_name in page and link not in page
