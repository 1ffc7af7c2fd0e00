"""Subject access requests: the search across every app finds the person only where the person
searching may see them, records found are reviewed and withheld with a reason, and the response
waits for every decision."""

import datetime as dt

import pytest
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.records import services
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import ItemDecision, Regime, SarItem
from tests.conftest import verified_client
from tests.duties.factories import make_notification as make_slavery_record
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory
from tests.reviews.factories import NotificationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 2, 10)
BORN = dt.date(1990, 4, 12)


@pytest.fixture(autouse=True)
def _today(today_is):
    return today_is(TODAY)


@pytest.fixture
def searcher(council_team):
    """An officer who is also the MARAC coordinator: sees DHR names, MARAC identities and modern
    slavery records."""
    return UserFactory(
        agency=council_team, roles=[Role.OFFICER, Role.MARAC_COORDINATOR], full_name="Sue Searcher"
    )


@pytest.fixture
def held(officer):
    """The same person in three apps, written three ways, and someone else in each."""
    dhr = NotificationFactory(victim_name="Zoë O'Brien")
    NotificationFactory(victim_name="Ann Other")
    person = PersonFactory(full_name="ZOE O’BRIEN", date_of_birth=BORN)
    ReferralFactory(victim=person, reference="MR-2027-000001")
    ReferralFactory(victim=PersonFactory(full_name="Ann Other", date_of_birth=BORN))
    slavery = make_slavery_record(officer, person_name="Zoe Obrien", date_of_birth=BORN)
    make_slavery_record(officer, person_name="Ann Other", date_of_birth=BORN)
    return {"dhr_notification": dhr, "marac_person": person, "slavery_record": slavery}


def _sar(actor, **extra):
    values = {"subject_name": "Zoe O'Brien", "date_of_birth": BORN, **extra}
    return services.sar_create(
        actor=actor, regime=Regime.UK_GDPR, received_on=dt.date(2027, 2, 1), handler=actor, **values
    )


def _found(sar) -> set[tuple[str, str]]:
    return set(sar.items.values_list("source", "object_id"))


def _expected(held, *keys) -> set[tuple[str, str]]:
    return {(key, str(held[key].pk)) for key in keys}


def test_the_search_finds_the_person_across_dhr_marac_and_modern_slavery(searcher, held):
    sar = _sar(searcher)
    search = services.sar_search(actor=searcher, sar=sar)
    assert _found(sar) == _expected(held, "dhr_notification", "marac_person", "slavery_record")
    assert (search.found, search.new) == (3, 3)
    assert search.not_searched == ["ocg_nominal", "ocg_exploited_person"]
    matched = dict(sar.items.values_list("source", "matched_on"))
    assert matched == {
        "dhr_notification": "name",  # a DHR records no date of birth
        "marac_person": "name and date of birth",
        "slavery_record": "name and date of birth",
    }
    # The request keeps references and fixed words only, never the names it found.
    marac = sar.items.get(source="marac_person")
    assert (marac.reference, marac.description) == (
        held["marac_person"].reference,
        "MARAC victim record (1 referral)",
    )


def test_an_officer_who_may_not_see_marac_identities_does_not_find_the_marac_person(officer, held):
    sar = _sar(officer)
    search = services.sar_search(actor=officer, sar=sar)
    assert _found(sar) == _expected(held, "dhr_notification", "slavery_record")
    assert "marac_person" in search.not_searched


def test_an_agency_representative_not_on_the_case_finds_nothing_in_marac(other_agency_rep, searcher, held):
    sar = _sar(searcher)
    search = services.sar_search(actor=other_agency_rep, sar=sar)
    assert search.sources == ["marac_person"]
    assert _found(sar) == set()


def test_a_records_manager_without_access_to_the_apps_searches_nothing(council_team, held):
    manager = UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER])
    sar = _sar(manager)
    search = services.sar_search(actor=manager, sar=sar)
    assert (search.sources, search.found) == ([], 0)


def test_a_reference_given_finds_a_record_under_another_name(searcher, held):
    sar = _sar(searcher, subject_name="Someone Else", date_of_birth=None, known_references="mr-2027-000001")
    services.sar_search(actor=searcher, sar=sar)
    assert _found(sar) == _expected(held, "marac_person")
    assert sar.items.get().matched_on == "a reference given"


def test_each_source_searched_is_audited_with_the_ids_it_found(searcher, held):
    sar = _sar(searcher)
    services.sar_search(actor=searcher, sar=sar)
    events = AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=searcher)
    by_type = {e.object_type: e.detail for e in events}
    assert by_type["partnerships.person"]["ids"] == [str(held["marac_person"].pk)]
    assert by_type["duties.slaverynotification"]["ids"] == [str(held["slavery_record"].pk)]
    assert by_type["records.subjectaccessrequest"]["found"] == 3


def test_searching_again_keeps_the_decisions_and_adds_nothing_twice(searcher, held):
    sar = _sar(searcher)
    services.sar_search(actor=searcher, sar=sar)
    item = sar.items.get(source="dhr_notification")
    services.sar_item_decide(actor=searcher, item=item, decision=ItemDecision.DISCLOSE)
    again = services.sar_search(actor=searcher, sar=sar)
    assert (again.found, again.new, sar.items.count()) == (3, 0, 3)
    assert sar.items.get(pk=item.pk).decision == ItemDecision.DISCLOSE


def test_withholding_needs_a_reason_and_the_response_waits_for_every_decision(searcher, held):
    sar = _sar(searcher)
    with pytest.raises(RecordsError, match="Search for the person first"):
        services.sar_complete(actor=searcher, sar=sar, completed_on=TODAY)
    services.sar_search(actor=searcher, sar=sar)
    items = {item.source: item for item in sar.items.all()}
    with pytest.raises(RecordsError, match="Enter why the record is withheld"):
        services.sar_item_decide(
            actor=searcher, item=items["dhr_notification"], decision=ItemDecision.WITHHOLD
        )
    services.sar_item_decide(
        actor=searcher,
        item=items["dhr_notification"],
        decision=ItemDecision.WITHHOLD,
        withhold_reason="About a person who died; third-party information",
    )
    services.sar_item_decide(actor=searcher, item=items["marac_person"], decision=ItemDecision.DISCLOSE)
    with pytest.raises(RecordsError, match="Decide on every record found first: 1 still to review."):
        services.sar_complete(actor=searcher, sar=sar, completed_on=TODAY)
    services.sar_item_decide(actor=searcher, item=items["slavery_record"], decision=ItemDecision.DISCLOSE)
    services.sar_complete(actor=searcher, sar=sar, completed_on=TODAY)
    with pytest.raises(RecordsError, match="This request is completed, so it cannot be searched again."):
        services.sar_search(actor=searcher, sar=sar)
    with pytest.raises(RecordsError, match="its decisions can no longer be changed"):
        services.sar_item_decide(
            actor=searcher, item=items["marac_person"], decision=ItemDecision.WITHHOLD, withhold_reason="x"
        )


def test_the_item_page_shows_the_data_held_to_someone_who_may_see_it_and_audits_the_view(
    searcher, officer, held
):
    sar = _sar(searcher)
    services.sar_search(actor=searcher, sar=sar)
    item = sar.items.get(source="marac_person")
    url = reverse("records:sar_item", args=[sar.pk, item.pk])
    body = verified_client(searcher).get(url).content.decode()
    assert "ZOE O’BRIEN" in body and "MR-2027-000001" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        actor=searcher,
        object_type="partnerships.person",
        object_id=str(held["marac_person"].pk),
    ).exists()
    body = verified_client(officer).get(url).content.decode()
    assert "ZOE O’BRIEN" not in body
    assert "You may not see this record's details" in body


def test_the_officer_reviews_and_withholds_on_the_pages(searcher, held):
    sar = _sar(searcher)
    client = verified_client(searcher)
    page = client.get(reverse("records:sar_search", args=[sar.pk])).content.decode()
    assert "MARAC victims and perpetrators" in page and "Where you cannot search" in page
    response = client.post(reverse("records:sar_search", args=[sar.pk]))
    assert response.status_code == 302
    item = sar.items.get(source="slavery_record")
    url = reverse("records:sar_item", args=[sar.pk, item.pk])
    response = client.post(url, {"decision": ItemDecision.WITHHOLD, "withhold_reason": ""})
    assert "Enter why the record is withheld" in response.content.decode()
    response = client.post(
        url, {"decision": ItemDecision.WITHHOLD, "withhold_reason": "Names the first responder's staff"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.withhold_reason, item.decided_by) == (
        ItemDecision.WITHHOLD,
        "Names the first responder's staff",
        searcher,
    )
    detail = client.get(sar.get_absolute_url()).content.decode()
    assert "3 records found" in detail and "Withheld" in detail
    assert SarItem.objects.filter(request=sar, decision=ItemDecision.PENDING).count() == 2
