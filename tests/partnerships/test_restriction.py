"""Issue 18 point 6: a person's record can be restricted (kept but not processed) with a reason, by
a records manager or the coordinator of an area they were referred in. Their referrals leave the
lists, agendas and matching of everyone but those coordinators and records managers; lifting,
with a reason, brings them back. Both are audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.exceptions import MaracError
from partnerships.forms import ReferralForm
from partnerships.models import AgendaSection, Referral
from partnerships.permissions import may_restrict, referrals_visible_to, visible_referrals_count
from partnerships.selectors import possible_matches
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus, ReminderSend
from somerset_safety.deadlines.reminders import log_due_reminders
from somerset_safety.deadlines.services import deadlines_sync
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


# --- While restricted the case is not processed: its clocks and the figures of research ---------


def test_the_12_month_review_is_paused_while_restricted_and_restarts_when_lifted(
    world, area, coordinator, today_is
):
    """Heard 10 June 2024, to come back after 12 months: due 10 June 2025. Restricted on
    1 May 2025, the clock is paused from that day and sends no reminder when 10 June passes;
    lifted on 1 July 2025, it is open again with its due date as it was, so already overdue."""
    today_is(dt.date(2025, 5, 1))
    referral = ReferralFactory(
        area=area,
        victim=world["rhea"],
        status="heard",
        heard_date=dt.date(2024, 6, 10),
        review_at_12_months=True,
    )
    deadlines_sync(subject=referral)
    clock = Deadline.objects.get(subject_type="partnerships.referral", subject_id=referral.pk)
    assert (clock.status, clock.due_date) == (DeadlineStatus.OPEN, dt.date(2025, 6, 10))

    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    clock.refresh_from_db()
    assert (clock.status, clock.paused_since, clock.due_date) == (
        DeadlineStatus.PAUSED,
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 10),
    )
    for day in (dt.date(2025, 6, 3), dt.date(2025, 6, 10), dt.date(2025, 6, 25)):
        log_due_reminders(day)
    assert not ReminderSend.objects.filter(deadline=clock).exists()

    today_is(dt.date(2025, 7, 1))
    services.person_lift_restriction(actor=coordinator, person=world["rhea"], reason="Checked (synthetic).")
    clock.refresh_from_db()
    assert (clock.status, clock.paused_since, clock.due_date) == (
        DeadlineStatus.OPEN,
        None,
        dt.date(2025, 6, 10),
    )
    # The other case's clock (a perpetrator restricted is the same rule) was never touched.
    assert not Deadline.objects.filter(
        subject_type="partnerships.referral", subject_id=world["shown"].pk
    ).exists()


def test_a_restricted_perpetrator_pauses_the_case_clock_too(area, coordinator, today_is):
    today_is(dt.date(2025, 5, 1))
    perpetrator = PersonFactory(role="perpetrator", full_name="Percy Perp (synthetic)")
    referral = ReferralFactory(
        area=area,
        perpetrator=perpetrator,
        status="heard",
        heard_date=dt.date(2024, 6, 10),
        review_at_12_months=True,
    )
    deadlines_sync(subject=referral)
    services.person_restrict_processing(actor=coordinator, person=perpetrator, reason=REASON)
    clock = Deadline.objects.get(subject_type="partnerships.referral", subject_id=referral.pk)
    assert (clock.status, clock.paused_since) == (DeadlineStatus.PAUSED, dt.date(2025, 5, 1))


def _concluded_meeting(area, day, *referrals):
    meeting = MeetingFactory(area=area, date=day, status="concluded", started_at=timezone.now())
    AttendanceFactory(meeting=meeting, agency=Agency.objects.get(code="POLICE"))
    for referral in referrals:
        AgendaItemFactory(meeting=meeting, referral=referral)
    return meeting


def test_representation_counts_a_restricted_case_only_at_meetings_before_the_restriction(
    world, area, coordinator, today_is
):
    """The police were invited to two concluded meetings, each listing Rhea's case (HIDE1) and
    another (SHOW1): 10 May 2024 (April to June) and 5 August 2024 (July to September). Rhea's
    record was restricted on 20 July and lifted on 20 August 2024. At the May meeting both cases
    could be researched, so 2 returns were due, before, during and after the restriction: the
    figures of a quarter gone by do not change. At the August meeting her case was off the
    police's research list, so 1 was due (SHOW1, still missing), and lifting does not change that."""
    from partnerships.selectors import last_quarters, representation_by_agency, research_returns_by_agency

    police = Agency.objects.get(code="POLICE").name
    may = _concluded_meeting(area, dt.date(2024, 5, 10), world["hidden"], world["shown"])
    quarters = last_quarters(dt.date(2024, 9, 30))[-2:]  # April–June, July–September 2024

    def due() -> list[int]:
        rows = {row["agency"]: row["quarters"] for row in representation_by_agency(quarters)}
        return [cell["due"] for cell in rows[police]]

    assert due() == [2, 0]
    today_is(dt.date(2024, 7, 20))
    services.person_restrict_processing(actor=coordinator, person=world["rhea"], reason=REASON)
    assert due() == [2, 0]
    today_is(dt.date(2024, 8, 5))
    august = _concluded_meeting(area, dt.date(2024, 8, 5), world["hidden"], world["shown"])
    assert due() == [2, 1]
    assert [(r["due"], r["missing"]) for r in research_returns_by_agency(august)] == [(1, ["SHOW1"])]
    assert [(r["due"], r["missing"]) for r in research_returns_by_agency(may)] == [(2, ["HIDE1", "SHOW1"])]
    today_is(dt.date(2024, 8, 20))
    services.person_lift_restriction(actor=coordinator, person=world["rhea"], reason="Checked (synthetic).")
    assert due() == [2, 1]
