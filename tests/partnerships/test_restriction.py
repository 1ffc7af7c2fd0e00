"""Issue 18 point 6: a person's record can be restricted (kept but not processed) with a reason, by
a records manager or the coordinator of an area they were referred in. Their referrals leave the
lists, agendas and matching of everyone but those coordinators and records managers; lifting,
with a reason, brings them back. Both are audited."""

import datetime as dt

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.exceptions import MaracError
from partnerships.forms import ReferralForm
from partnerships.models import AgendaSection, Referral
from partnerships.permissions import may_restrict, referrals_visible_to, visible_referrals_count
from partnerships.selectors import possible_matches
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.records import services as records
from somerset_safety.records.models import Regime
from tests.factories import UserFactory

from .factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MaracAreaFactory,
    MeetingFactory,
    PersonFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 2)
REASON = "Contests the accuracy of the record; being checked (synthetic)."


@pytest.fixture
def other_coordinator(council_team):
    """The MARAC coordinator of another area only."""
    user = UserFactory(agency=council_team, roles=[Role.MARAC_COORDINATOR], full_name="Owen Other")
    MaracAreaFactory(code="ELSEWHERE").coordinators.add(user)
    return user


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


@pytest.fixture
def world(area, coordinator, other_coordinator):
    """Two police referrals in the coordinator's area: Rhea's (HIDE1) and someone else's (SHOW1)."""
    area.coordinators.add(coordinator)
    rhea = PersonFactory(full_name="Rhea Restricted (synthetic)", date_of_birth=BORN)
    hidden = ReferralFactory(area=area, victim=rhea, reference="HIDE1", status="listed")
    shown = ReferralFactory(area=area, reference="SHOW1", status="listed")
    return {"rhea": rhea, "hidden": hidden, "shown": shown}


def _references(user) -> set[str]:
    return set(referrals_visible_to(user).values_list("reference", flat=True))


def test_a_restricted_persons_referrals_are_hidden_but_from_their_areas_coordinator(
    world, coordinator, other_coordinator, officer, agency_rep
):
    both = {"HIDE1", "SHOW1"}
    for user in (coordinator, other_coordinator, officer, agency_rep):
        assert _references(user) == both
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    assert _references(coordinator) == both
    for user in (other_coordinator, officer, agency_rep):
        assert _references(user) == {"SHOW1"}
    # The agency's list count takes its own path: it leaves the restricted person out too.
    assert visible_referrals_count(agency_rep, Referral.objects.all(), cap=10) == 1
    assert visible_referrals_count(officer, Referral.objects.all(), cap=10) == 1


def test_lifting_the_restriction_restores_the_referrals(world, coordinator, officer, agency_rep):
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    services.person_lift_restriction(actor=coordinator, person=world["rhea"], reason="Checked (synthetic).")
    assert _references(officer) == {"HIDE1", "SHOW1"}
    assert visible_referrals_count(agency_rep, Referral.objects.all(), cap=10) == 2
    world["rhea"].refresh_from_db()
    assert world["rhea"].processing_restricted_at is None


def test_a_restricted_perpetrator_hides_the_referral_too(world, coordinator, officer):
    perpetrator = PersonFactory(role="perpetrator", full_name="Percy Perp (synthetic)")
    Referral.objects.filter(pk=world["shown"].pk).update(perpetrator=perpetrator)
    services.person_restrict_processing(actor=coordinator, person=perpetrator, reason=REASON)
    assert _references(officer) == {"HIDE1"}


def test_with_no_coordinator_named_for_the_area_every_coordinator_is_its_coordinator(
    world, area, coordinator, other_coordinator
):
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    area.coordinators.clear()
    assert _references(other_coordinator) == {"HIDE1", "SHOW1"}


def test_matching_leaves_the_restricted_person_out_but_for_their_areas_coordinator(
    world, coordinator, other_coordinator
):
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    typed = {"role": "victim", "full_name": "rhea restricted (synthetic)", "date_of_birth": BORN}
    assert list(possible_matches(**typed, user=other_coordinator)) == []
    assert list(possible_matches(**typed, user=coordinator)) == [world["rhea"]]
    assert list(possible_matches(**typed)) == [world["rhea"]]  # no user: subject access searches
    data = {"victim_name": "Rhea Restricted (synthetic)", "victim_dob_0": "2", "victim_dob_1": "3"}
    data["victim_dob_2"] = "1985"
    assert ReferralForm(data, user=other_coordinator).victim_matches == []
    assert ReferralForm(data, user=coordinator).victim_matches == [world["rhea"]]


def test_the_agenda_shows_the_restricted_persons_item_as_restricted(
    world, area, coordinator, agency_rep, as_user
):
    meeting = MeetingFactory(area=area, date=dt.date(2024, 7, 1))
    AttendanceFactory(meeting=meeting, agency=Agency.objects.get(code="POLICE"))
    AgendaItemFactory(meeting=meeting, referral=world["hidden"], section=AgendaSection.NEW_WITHOUT_CHILDREN)
    url = reverse("partnerships:meeting_detail", args=[meeting.pk])
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    page = as_user(agency_rep).get(url).content.decode()
    assert "HIDE1" not in page
    assert "Restricted: shown only to the agencies on this case." in page
    assert "HIDE1" in as_user(coordinator).get(url).content.decode()


def test_restricting_and_lifting_need_a_reason_and_are_audited(world, coordinator):
    rhea = world["rhea"]
    with pytest.raises(MaracError, match="Enter the reason for restricting processing."):
        services.person_restrict_processing(actor=coordinator, person=rhea, reason="  ")
    with pytest.raises(MaracError, match="not restricted"):
        services.person_lift_restriction(actor=coordinator, person=rhea, reason="Checked")
    restriction = services.person_restrict_processing(actor=coordinator, person=rhea, reason=REASON)
    with pytest.raises(MaracError, match="already restricted"):
        services.person_restrict_processing(actor=coordinator, person=rhea, reason=REASON)
    with pytest.raises(MaracError, match="Enter the reason for lifting the restriction."):
        services.person_lift_restriction(actor=coordinator, person=rhea, reason="")
    services.person_lift_restriction(actor=coordinator, person=rhea, reason="Checked (synthetic).")
    events = AuditEvent.objects.filter(
        object_type="partnerships.processingrestriction", object_id=str(restriction.pk)
    ).order_by("pk")
    assert [(e.action, e.actor, e.detail) for e in events] == [
        ("create", coordinator, {"person": rhea.pk}),
        ("change", coordinator, {"person": rhea.pk}),
    ]
    restriction.refresh_from_db()
    assert (restriction.reason, restriction.lift_reason, restriction.lifted_by) == (
        REASON,
        "Checked (synthetic).",
        coordinator,
    )


def test_who_may_restrict(world, coordinator, other_coordinator, records_manager, officer, agency_rep):
    rhea = world["rhea"]
    assert [may_restrict(u, rhea) for u in (coordinator, records_manager)] == [True, True]
    assert [may_restrict(u, rhea) for u in (other_coordinator, officer, agency_rep)] == [False] * 3


def test_the_page_restricts_and_lifts_and_the_case_page_shows_it(
    world, coordinator, other_coordinator, officer, records_manager, as_user
):
    rhea = world["rhea"]
    url = reverse("partnerships:person_restriction", args=[rhea.pk])
    for user in (other_coordinator, officer):
        assert as_user(user).get(url).status_code == 404
    assert as_user(records_manager).get(url).status_code == 200
    client = as_user(coordinator)
    case_page = reverse("partnerships:referral_detail", args=[world["hidden"].pk])
    assert f"Restrict the processing of {rhea.reference}" in client.get(case_page).content.decode()
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Enter the reason for restricting processing" in page
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    since = dt.date.today().strftime("%-d %B %Y")
    shown = client.get(case_page).content.decode()
    assert f"Processing restricted since {since} — {REASON}" in shown
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Enter the reason for lifting the restriction" in page  # still restricted: nothing lost
    client.post(url, {"reason": "Checked (synthetic)."})
    page = client.get(url).content.decode()
    assert "Earlier restrictions" in page and "Checked (synthetic)." in page
    assert "Processing restricted since" not in client.get(case_page).content.decode()


def test_a_subject_access_search_still_finds_the_person_for_a_records_manager(
    world, coordinator, council_team, today_is
):
    """Searchers who may otherwise see MARAC identities (a coordinator, but of another area): the
    one who is also a records manager finds the restricted person, the other does not."""
    today_is(dt.date(2027, 2, 10))
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    found = {}
    for name, roles in (
        ("manager", [Role.RECORDS_MANAGER, Role.MARAC_COORDINATOR]),
        ("coordinator", [Role.OFFICER, Role.MARAC_COORDINATOR]),
    ):
        searcher = UserFactory(agency=council_team, roles=roles)
        MaracAreaFactory(code="ELSEWHERE").coordinators.add(searcher)
        sar = records.sar_create(
            actor=searcher,
            regime=Regime.UK_GDPR,
            received_on=dt.date(2027, 2, 1),
            handler=searcher,
            subject_name="Rhea Restricted",
            date_of_birth=BORN,
        )
        records.sar_search(actor=searcher, sar=sar)
        found[name] = set(sar.items.filter(source="marac_person").values_list("object_id", flat=True))
    assert found == {"manager": {str(world["rhea"].pk)}, "coordinator": set()}
