"""Disruption Panel meetings on the platform meetings mechanism and 4P tasking: the panel's agenda
rule, a group reviewed when its item is minuted, 4P actions with strand, tactic and the child check,
carry-forward keeping them, overdue as at a date, figures by agency, and who sees what."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from partnerships.disruption import selectors, services
from partnerships.disruption.permissions import panel_actions_visible_to
from partnerships.exceptions import DisruptionError
from partnerships.models import (
    DisruptionGrading,
    DisruptionOutcome,
    PanelAction,
    PanelAgendaItem,
    PanelSection,
    PlanAction,
    Tactic,
    ThreatBand,
)
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.exceptions import MeetingError
from tests.factories import UserFactory
from tests.partnerships import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(police):
    return UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")


@pytest.fixture
def other_member(council_team):
    return UserFactory(agency=council_team, roles=[Role.PANEL_MEMBER], full_name="Mo Member")


def make_group(member, police, *, name="Blue Line (synthetic)", referred_on=dt.date(2026, 1, 5), **overrides):
    """The shared factory's group, with no operation name, referred and led by `police`."""
    values = dict(operation_name="", referring_agency=police, lead_agency=police) | overrides
    return factories.make_group(member, name=name, referred_on=referred_on, **values)


def adopt(group, member, on=dt.date(2026, 1, 6), band="1", supplied_on=dt.date(2026, 1, 10)):
    services.group_move(actor=member, group=group, move="adopt", reason="Meets threshold", on=on)
    services.mapping_assessment_record(
        actor=member,
        group=group,
        band=ThreatBand.objects.get(code=band),
        supplied_by="ROCU",
        supplied_on=supplied_on,
        rationale="Supplied (synthetic)",
    )
    group.refresh_from_db()
    return group


def plan(group, member, police):
    return services.plan_save(
        actor=member, group=group, owning_agency=police, aim="Close the line (synthetic)"
    )


def open_meeting(member, day):
    meeting = services.panel_meeting_schedule(actor=member, date=day)
    services.panel_agenda_generate(actor=member, meeting=meeting)
    meetings.meeting_start(actor=member, meeting=meeting)
    return meeting


def item_for(meeting, group):
    return PanelAgendaItem.objects.get(meeting=meeting, subject_id=group.pk)


def task(member, item, agency, *, due=dt.date(2026, 3, 1), tactic="closure_order", **extra):
    values = dict(
        actor=member,
        item=item,
        strand="pursue",
        tactic=Tactic.objects.get(code=tactic),
        agency=agency,
        description="Apply for a closure order on the address",
        due_date=due,
    )
    values.update(extra)
    return services.plan_action_create(**values)


# --- The agenda ----------------------------------------------------------------------------------


def test_the_agenda_takes_reviews_then_referrals_then_overdue_actions(member, police, today_is):
    today_is(dt.date(2026, 2, 1))
    due = adopt(make_group(member, police, name="Due (synthetic)"), member)  # band 1: review 10 Feb
    later = adopt(make_group(member, police, name="Later (synthetic)"), member, band="3")  # 10 April
    new = make_group(member, police, name="New (synthetic)", referred_on=dt.date(2026, 1, 20))
    archived = make_group(member, police, name="Archived (synthetic)")
    services.group_move(
        actor=member, group=archived, move="archive", reason="Not an OCG", on=dt.date(2026, 1, 7)
    )
    # A 4P action on the band-3 group, due 20 February, tasked at a meeting on 2 February.
    plan(later, member, police)
    first = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 2, 2))
    meetings.agenda_add(actor=member, meeting=first, entries=[meetings.AgendaEntry(10, later)])
    meetings.meeting_start(actor=member, meeting=first)
    task(member, item_for(first, later), police, due=dt.date(2026, 2, 20))

    second = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 3, 2))
    services.panel_agenda_generate(actor=member, meeting=second)
    rows = list(
        PanelAgendaItem.objects.filter(meeting=second)
        .order_by("section", "position")
        .values_list("section", "subject_id")
    )
    assert rows == [
        (PanelSection.DUE_FOR_REVIEW, due.pk),
        (PanelSection.NEW_REFERRALS, new.pk),
        (PanelSection.OVERDUE_ACTIONS, later.pk),
    ]
    # Safe to run again: nothing is added twice.
    assert services.panel_agenda_generate(actor=member, meeting=second) == []
    assert PanelAgendaItem.objects.filter(meeting=second).count() == 3


def test_a_group_on_the_agenda_once_in_its_first_section(member, police, today_is):
    today_is(dt.date(2026, 3, 1))
    group = adopt(make_group(member, police), member)  # due for review 10 Feb
    plan(group, member, police)
    first = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 1, 20))
    meetings.agenda_add(actor=member, meeting=first, entries=[meetings.AgendaEntry(10, group)])
    meetings.meeting_start(actor=member, meeting=first)
    task(member, item_for(first, group), police, due=dt.date(2026, 2, 1))
    second = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 2, 20))
    services.panel_agenda_generate(actor=member, meeting=second)
    assert list(PanelAgendaItem.objects.filter(meeting=second).values_list("section", flat=True)) == [
        PanelSection.DUE_FOR_REVIEW
    ]


def test_minutes_on_a_group_are_its_review(member, police, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    assert group.review_date == dt.date(2026, 2, 10)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    services.panel_item_record(actor=member, item=item_for(meeting, group), minutes="Reviewed (synthetic)")
    group.refresh_from_db()
    # Band 1 is reviewed monthly: a month on from the meeting.
    assert (group.last_reviewed_on, group.review_date) == (dt.date(2026, 2, 18), dt.date(2026, 3, 18))
    assert Deadline.objects.get(kind="disruption_group_review", subject_id=group.pk).due_date == dt.date(
        2026, 3, 18
    )


# --- 4P actions ----------------------------------------------------------------------------------


def test_a_4p_action_needs_the_plan_and_records_strand_and_tactic(member, police, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    item = item_for(meeting, group)
    with pytest.raises(DisruptionError, match="4P plan"):
        task(member, item, police)
    plan(group, member, police)
    with pytest.raises(DisruptionError, match="strand"):
        task(member, item, police, strand="persuade")
    with pytest.raises(MeetingError, match="on or after the date of the meeting"):
        task(member, item, police, due=dt.date(2026, 2, 1))
    action = task(member, item, police, owner=member)
    assert isinstance(action, PanelAction)
    detail = PlanAction.objects.get(action=action)
    assert (detail.strand, detail.tactic.code, detail.plan.group_id) == ("pursue", "closure_order", group.pk)
    deadline = Deadline.objects.get(kind="disruption_action", subject_id=action.pk)
    assert deadline.due_date == dt.date(2026, 3, 1) and group.name not in deadline.label


def test_a_tactic_affecting_a_child_needs_its_check_and_a_cawn_its_type(member, police, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    item = item_for(open_meeting(member, dt.date(2026, 2, 18)), group)
    with pytest.raises(DisruptionError, match="proportionality and trauma-informed"):
        task(member, item, police, strand="protect", affects_child=True)
    with pytest.raises(DisruptionError, match="under 16, or under 18 in care"):
        task(member, item, police, strand="protect", tactic="cawn", child_check="Proportionate (synthetic)")
    # A CAWN always affects a child: without the check it is refused even if not ticked.
    with pytest.raises(DisruptionError, match="proportionality"):
        task(member, item, police, strand="protect", tactic="cawn", cawn_type="under_16")
    action = task(
        member,
        item,
        police,
        strand="protect",
        tactic="cawn",
        cawn_type="under_16",
        child_check="Checked (synthetic)",
    )
    detail = PlanAction.objects.get(action=action)
    assert (detail.affects_child, detail.cawn_type, detail.child_check) == (
        True,
        "under_16",
        "Checked (synthetic)",
    )


def test_carrying_an_action_forward_keeps_its_strand_and_tactic(member, police, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    first = open_meeting(member, dt.date(2026, 2, 18))
    action = task(member, item_for(first, group), police, strand="prevent", tactic="youth_engagement")
    services.panel_meeting_schedule(actor=member, date=dt.date(2026, 3, 18))
    third = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 4, 15))
    # Carried past the next meeting (which would review it anyway) to the one after.
    carried = services.plan_action_carry_forward(
        actor=member, action=action, to_meeting=third, reason="agency_did_not_complete"
    )
    assert (carried.plan_detail.strand, carried.plan_detail.tactic.code) == ("prevent", "youth_engagement")
    assert PlanAction.objects.count() == 2


def test_overdue_as_at_a_date(member, police, today_is):
    """Due 1 March: not overdue on 1 March, overdue from 2 March; completed on 10 March, so
    overdue on 9 March and not on 10 March. A second, due 5 March, carried forward on 12 March
    to the meeting of 20 May, due that day: overdue on 11 March (the original), not on 13 March."""
    today_is(dt.date(2026, 2, 18))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    item = item_for(meeting, group)
    done = task(member, item, police, due=dt.date(2026, 3, 1))
    carried = task(member, item, police, due=dt.date(2026, 3, 5))
    services.panel_item_record(actor=member, item=item, minutes="Discussed (synthetic)")
    meetings.meeting_conclude(actor=member, meeting=meeting)
    services.panel_meeting_schedule(actor=member, date=dt.date(2026, 4, 15))  # reviews them
    later = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 5, 20))
    today_is(dt.date(2026, 3, 10))
    meetings.action_complete(
        actor=member, action=done, outcome="Order granted", completed_on=dt.date(2026, 3, 10)
    )
    today_is(dt.date(2026, 3, 12))
    copy = services.plan_action_carry_forward(
        actor=member,
        action=carried,
        to_meeting=later,
        reason="circumstances_changed",
        due_date=dt.date(2026, 5, 20),
    )
    actions = PanelAction.objects.all()

    def overdue_on(day):
        return set(selectors.overdue_as_at(actions, day).values_list("pk", flat=True))

    assert overdue_on(dt.date(2026, 3, 1)) == set()
    assert overdue_on(dt.date(2026, 3, 2)) == {done.pk}
    assert overdue_on(dt.date(2026, 3, 9)) == {done.pk, carried.pk}
    assert overdue_on(dt.date(2026, 3, 10)) == {carried.pk}
    assert overdue_on(dt.date(2026, 3, 11)) == {carried.pk}
    assert overdue_on(dt.date(2026, 3, 13)) == set()
    assert overdue_on(dt.date(2026, 5, 21)) == {copy.pk}


def test_figures_by_agency_against_hand_worked_counts(member, police, housing, today_is):
    """Police: two actions (one completed 10 March, one open due 1 April); housing: one action due
    1 March, carried forward on 12 March (counted once as tasked, open under its copy). Disruptions:
    police 3 arrests (Pursue) and one line closed (Pursue); housing one eviction (Protect).
    As at 20 March: police tasked 2, open 1, overdue 0, completed 1; housing tasked 1, open 1,
    overdue 0 (the copy is due 20 May)."""
    today_is(dt.date(2026, 2, 18))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    item = item_for(meeting, group)
    done = task(member, item, police, due=dt.date(2026, 3, 1))
    task(member, item, police, due=dt.date(2026, 4, 1))
    moved = task(member, item, housing, due=dt.date(2026, 3, 1), strand="protect", tactic="tenancy_action")
    services.panel_item_record(actor=member, item=item, minutes="Discussed (synthetic)")
    meetings.meeting_conclude(actor=member, meeting=meeting)
    services.panel_meeting_schedule(actor=member, date=dt.date(2026, 4, 15))  # reviews them
    later = services.panel_meeting_schedule(actor=member, date=dt.date(2026, 5, 20))
    today_is(dt.date(2026, 3, 12))
    meetings.action_complete(actor=member, action=done, outcome="Done", completed_on=dt.date(2026, 3, 10))
    services.plan_action_carry_forward(
        actor=member,
        action=moved,
        to_meeting=later,
        reason="circumstances_changed",
        due_date=dt.date(2026, 5, 20),
    )
    grading = DisruptionGrading.objects.get(code="major")
    for agency, kind, strand, number in (
        (police, "arrest", "pursue", 3),
        (police, "line_closed", "pursue", 1),
        (housing, "eviction", "protect", 1),
    ):
        services.outcome_record(
            actor=member,
            group=group,
            outcome_type=kind,
            strand=strand,
            occurred_on=dt.date(2026, 3, 11),
            agency=agency,
            grading=grading,
            number=number,
            value=None,
            line_type="",
            description="",
        )
    today_is(dt.date(2026, 3, 20))
    rows, totals = selectors.figures_by_agency(
        panel_actions_visible_to(member),
        DisruptionOutcome.objects.all(),
        as_of=dt.date(2026, 3, 20),
        since=dt.date(2026, 1, 1),
    )
    by_name = {row["agency"]: row for row in rows}
    assert by_name[police.name] == {
        "agency": police.name,
        "tasked": 2,
        "open": 1,
        "overdue": 0,
        "completed": 1,
        "strands": [4, 0, 0, 0],
        "disruptions": 4,
    }
    assert (
        by_name[housing.name]["tasked"],
        by_name[housing.name]["open"],
        by_name[housing.name]["overdue"],
    ) == (1, 1, 0)
    assert by_name[housing.name]["strands"] == [0, 0, 1, 0]
    # As at 5 March, before anything moved on: police 2 open, 1 overdue; housing 1 overdue.
    rows, totals = selectors.figures_by_agency(
        panel_actions_visible_to(member),
        DisruptionOutcome.objects.all(),
        as_of=dt.date(2026, 3, 5),
        since=dt.date(2026, 1, 1),
    )
    assert (totals["open"], totals["overdue"], totals["completed"], totals["disruptions"]) == (3, 2, 0, 0)


# --- Links ---------------------------------------------------------------------------------------


def test_links_to_groups_the_editor_cannot_see_are_kept(member, other_member, police):
    group = make_group(member, police)
    hidden = make_group(other_member, police, name="Hidden (synthetic)", restricted=True)
    seen = make_group(member, police, name="Seen (synthetic)")
    group.linked_groups.add(hidden)
    from partnerships.disruption.permissions import groups_visible_to

    visible = groups_visible_to(member).exclude(pk=group.pk)
    services.group_links_set(actor=member, group=group, linked=[seen], visible=visible)
    assert set(group.linked_groups.values_list("pk", flat=True)) == {hidden.pk, seen.pk}
    assert set(seen.linked_groups.values_list("pk", flat=True)) == {group.pk}  # both ways
    with pytest.raises(DisruptionError, match="itself"):
        services.group_links_set(actor=member, group=group, linked=[group], visible=groups_visible_to(member))
    with pytest.raises(DisruptionError, match="listed"):
        services.group_links_set(actor=member, group=group, linked=[hidden], visible=visible)


def test_links_saved_over_a_colleagues_newer_links_are_refused(as_user, member, other_member, police):
    """Mo links Seen to the group from Seen's end while Pat has the group's links open: Pat's
    save, which did not know of that link, would drop it; it is refused and nothing is saved."""
    from partnerships.disruption.permissions import groups_visible_to
    from tests.platform.test_stale_edits import _form_on

    group = make_group(member, police)
    seen = make_group(member, police, name="Seen (synthetic)")
    other = make_group(member, police, name="Other (synthetic)")
    url = reverse("partnerships:ocg_links", args=[group.pk])
    client = as_user(member)
    form = _form_on(client.get(url))
    assert form["expected_version"][0]
    services.group_links_set(
        actor=other_member,
        group=seen,
        linked=[group],
        visible=groups_visible_to(other_member).exclude(pk=seen.pk),
    )

    form["linked"] = [str(other.pk)]
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record at" in page and "They changed: Linked groups" in page
    assert set(group.linked_groups.values_list("pk", flat=True)) == {seen.pk}
    # Both ends of the new link were audited against their own group.
    assert AuditEvent.objects.filter(
        object_type="partnerships.organisedcrimegroup",
        object_id=str(group.pk),
        changed_fields=["linked_groups"],
    ).exists()

    again = _form_on(refused)
    assert again["linked"] == [str(other.pk)], "what Pat chose is still in the form"
    assert client.post(url, again).status_code == 302
    assert set(group.linked_groups.values_list("pk", flat=True)) == {other.pk}
    assert set(seen.linked_groups.values_list("pk", flat=True)) == set()


def test_a_plan_saved_over_a_colleagues_newer_one_is_refused(as_user, member, other_member, police, housing):
    from tests.platform.test_stale_edits import _form_on

    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    url = reverse("partnerships:ocg_plan", args=[group.pk])
    client = as_user(member)
    form = _form_on(client.get(url))
    assert form["expected_version"][0]
    services.plan_save(
        actor=other_member, group=group, owning_agency=police, aim="Close the line and safeguard (synthetic)"
    )

    form["owning_agency"] = [str(housing.pk)]
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record at" in page and "They changed: Aim" in page
    group.plan.refresh_from_db()
    assert (group.plan.owning_agency, group.plan.aim) == (police, "Close the line and safeguard (synthetic)")

    again = _form_on(refused)
    assert again["owning_agency"] == [str(housing.pk)]
    assert client.post(url, again).status_code == 302
    group.plan.refresh_from_db()
    assert group.plan.owning_agency == housing


def test_a_plan_recorded_while_another_was_being_written_is_not_replaced_unseen(
    as_user, member, other_member, police, housing
):
    from partnerships.models import DisruptionPlan
    from tests.platform.test_stale_edits import _form_on

    group = adopt(make_group(member, police), member)
    url = reverse("partnerships:ocg_plan", args=[group.pk])
    client = as_user(member)
    form = _form_on(client.get(url))
    assert "expected_version" not in form  # a new plan: nobody else can have changed it yet
    plan(group, other_member, police)  # Mo records the plan meanwhile

    form.update({"owning_agency": [str(housing.pk)], "aim": ["Disrupt the supply (synthetic)"]})
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "4P plan while you were writing yours" in refused.content.decode()
    saved = DisruptionPlan.objects.get(group=group)
    assert (saved.owning_agency, saved.aim) == (police, "Close the line (synthetic)")
    # Posting again is now a change of Mo's plan, made knowingly.
    assert client.post(url, _form_on(refused)).status_code == 302
    saved.refresh_from_db()
    assert (saved.owning_agency, saved.aim) == (housing, "Disrupt the supply (synthetic)")


# --- Pages and access ----------------------------------------------------------------------------


def test_the_meeting_journey_through_the_pages(as_user, member, police, today_is):
    today_is(dt.date(2026, 2, 18))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    client = as_user(member)
    response = client.post(
        reverse("partnerships:panel_meeting_create"),
        {"date_0": "18", "date_1": "2", "date_2": "2026", "start_time": "10:00"},
    )
    assert response.status_code == 302
    meeting = services.PanelMeeting.objects.get()
    assert (
        client.post(reverse("partnerships:panel_meeting_step", args=[meeting.pk, "agenda"])).status_code
        == 302
    )
    assert (
        client.post(reverse("partnerships:panel_meeting_step", args=[meeting.pk, "start"])).status_code == 302
    )
    item = item_for(meeting, group)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Groups due for review" in page and group.reference in page
    response = client.post(
        reverse("partnerships:panel_action_add", args=[item.pk]),
        {
            "strand": "protect",
            "tactic": Tactic.objects.get(code="cawn").pk,
            "agency": police.pk,
            "description": "Serve a CAWN (synthetic)",
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2026",
        },
    )
    # Refused in the service's words, with what was typed kept.
    body = response.content.decode()
    assert response.status_code == 200 and "Child Abduction Warning Notice this is" in body
    assert "Serve a CAWN (synthetic)" in body
    response = client.post(
        reverse("partnerships:panel_action_add", args=[item.pk]),
        {
            "strand": "protect",
            "tactic": Tactic.objects.get(code="cawn").pk,
            "agency": police.pk,
            "description": "Serve a CAWN (synthetic)",
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2026",
            "cawn_type": "under_16",
            "child_check": "Proportionate; the child is supported by the youth service (synthetic)",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("partnerships:panel_item", args=[item.pk]), {"minutes": "Reviewed"}).status_code
        == 302
    )
    assert (
        client.post(reverse("partnerships:panel_meeting_step", args=[meeting.pk, "conclude"])).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert meeting.status == "concluded"


def test_access_to_meetings_and_actions(
    as_user, member, other_member, police, agency_rep, other_agency_rep, officer, partnership_lead, today_is
):
    today_is(dt.date(2026, 2, 18))
    group = adopt(make_group(member, police), member)
    hidden = adopt(make_group(other_member, police, name="Hidden (synthetic)", restricted=True), other_member)
    plan(group, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    action = task(member, item_for(meeting, group), police)
    hidden_item = item_for(meeting, hidden)
    # A panel member sees the meeting, with the restricted group they are not named on hidden.
    page = as_user(member).get(meeting.get_absolute_url()).content.decode()
    assert "Restricted group" in page and "Hidden (synthetic)" not in page
    assert as_user(member).get(reverse("partnerships:panel_item", args=[hidden_item.pk])).status_code == 404
    assert "Hidden (synthetic)" in as_user(other_member).get(meeting.get_absolute_url()).content.decode()
    # Nobody else sees a meeting or its items.
    for user in (agency_rep, other_agency_rep, officer, partnership_lead):
        assert as_user(user).get(meeting.get_absolute_url()).status_code == 404
    for user in (agency_rep, officer, partnership_lead):
        assert as_user(user).get(reverse("partnerships:panel_meetings")).status_code == 403
    # The tasked agency sees its action and records progress; completing it is the panel's.
    rep = as_user(agency_rep)
    assert rep.get(action.get_absolute_url()).status_code == 200
    response = rep.post(reverse("partnerships:panel_action_progress", args=[action.pk]), {"text": "Visited"})
    assert response.status_code == 302 and action.updates.get().text == "Visited"
    assert rep.get(reverse("partnerships:panel_action_complete", args=[action.pk])).status_code == 403
    assert rep.get(reverse("partnerships:panel_action_carry", args=[action.pk])).status_code == 403
    listed = rep.get(reverse("partnerships:panel_actions")).content.decode()
    assert "Apply for a closure order" in listed
    for user in (other_agency_rep, officer):
        assert as_user(user).get(action.get_absolute_url()).status_code == 404
    assert (
        "Apply for a closure order"
        not in as_user(other_agency_rep).get(reverse("partnerships:panel_actions")).content.decode()
    )
    assert as_user(partnership_lead).get(reverse("partnerships:panel_actions")).status_code == 403
    assert as_user(agency_rep).get(reverse("partnerships:panel_figures")).status_code == 403


def test_meeting_views_are_audited(as_user, member, police, today_is):
    today_is(dt.date(2026, 2, 18))
    group = adopt(make_group(member, police), member)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    as_user(member).get(meeting.get_absolute_url())
    assert AuditEvent.objects.filter(action="view", object_id=str(meeting.pk)).exists()
    listed = AuditEvent.objects.get(action="list", detail__meeting=meeting.pk)
    assert listed.detail["ids"] == [str(group.pk)]


def test_meeting_page_and_action_list_query_counts_are_fixed(
    as_user, member, police, housing, today_is, django_assert_max_num_queries
):
    today_is(dt.date(2026, 2, 18))
    groups = [adopt(make_group(member, police, name=f"Group {i} (synthetic)"), member) for i in range(6)]
    for group in groups:
        plan(group, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    for group in groups:
        task(member, item_for(meeting, group), police)
        task(member, item_for(meeting, group), housing, strand="protect", tactic="tenancy_action")
    client = as_user(member)
    with django_assert_max_num_queries(40):
        assert client.get(meeting.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("partnerships:panel_actions")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("partnerships:panel_figures")).status_code == 200


def test_morile_and_profile_pages(as_user, member, police, today_is):
    from partnerships.models import MorileAssessment, ProblemProfile

    today_is(dt.date(2026, 2, 18))
    group = make_group(member, police)
    client = as_user(member)
    scale = services.AssessmentScale.objects.get(kind="morile")
    data = {
        "scale": scale.pk,
        "harm": "5",
        "likelihood": "4",
        "organisational_position": "9",
        "confidence": "3",
        "assessed_on_0": "10",
        "assessed_on_1": "2",
        "assessed_on_2": "2026",
        "assessed_by": "Analyst (synthetic)",
        "rationale": "Scored at tasking (synthetic)",
    }
    response = client.post(reverse("partnerships:ocg_morile", args=[group.pk]), data)
    assert response.status_code == 200 and "between 1 and 5" in response.content.decode()
    data["organisational_position"] = "2"
    assert client.post(reverse("partnerships:ocg_morile", args=[group.pk]), data).status_code == 302
    assessment = MorileAssessment.objects.get()
    assert (
        assessment.harm,
        assessment.likelihood,
        assessment.organisational_position,
        assessment.confidence,
    ) == (5, 4, 2, 3)
    assert "Line chart of the four MoRiLE" not in client.get(group.get_absolute_url()).content.decode()
    data.update({"assessed_on_0": "17", "harm": "3"})
    assert client.post(reverse("partnerships:ocg_morile", args=[group.pk]), data).status_code == 302
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Line chart of the four MoRiLE scores of OCG-2026-0001 at each of its 2 assessments" in page
    profile = ProblemProfile.objects.create(kind="county_lines", title="County Lines profile (synthetic)")
    response = client.post(
        reverse("partnerships:profile_publish", args=[profile.pk]),
        {
            "published_on_0": "1",
            "published_on_1": "2",
            "published_on_2": "2026",
            "next_refresh_due_0": "1",
            "next_refresh_due_1": "2",
            "next_refresh_due_2": "2027",
            "summary": "Three lines into Taunton (synthetic)",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("partnerships:profile_list")).content.decode()
    assert "Current version 1" in page and "1 February 2027" in page
    assert Deadline.objects.get(kind="disruption_profile_refresh").due_date == dt.date(2027, 2, 1)


def test_a_disruption_is_recorded_against_the_action_it_came_from(as_user, member, police, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    other = adopt(make_group(member, police, name="Other (synthetic)"), member)
    plan(group, member, police)
    plan(other, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    action = task(member, item_for(meeting, group), police, strand="protect", tactic="tenancy_action")
    elsewhere = task(member, item_for(meeting, other), police)
    client = as_user(member)
    url = reverse("partnerships:ocg_outcome", args=[group.pk])
    form = client.get(f"{url}?action={action.pk}").context["form"]
    assert (form.initial["action"], form.initial["strand"]) == (action.pk, "protect")
    assert list(form.fields["action"].queryset) == [action]  # only this group's actions
    data = {
        "outcome_type": "eviction",
        "strand": "protect",
        "occurred_on_0": "19",
        "occurred_on_1": "2",
        "occurred_on_2": "2026",
        "agency": police.pk,
        "grading": DisruptionGrading.objects.get(code="moderate").pk,
        "number": "1",
        "action": elsewhere.pk,
    }
    assert client.post(url, data).status_code == 200  # another group's action: refused
    data["action"] = action.pk
    assert client.post(url, data).status_code == 302
    assert DisruptionOutcome.objects.get().action_id == action.pk


def test_tasking_by_agency_an_invited_agency_and_an_owner_named_by_the_agency(
    as_user, member, police, housing, agency_rep, today_is
):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    meeting = open_meeting(member, dt.date(2026, 2, 18))
    client = as_user(member)
    response = client.post(
        reverse("partnerships:panel_meeting_invite", args=[meeting.pk]), {"agency": housing.pk}
    )
    assert response.status_code == 302
    assert meeting.attendances.filter(agency=housing).exists()
    item = item_for(meeting, group)
    action = task(member, item, police)
    task(member, item, police, strand="prevent", tactic="youth_engagement")
    task(member, item, housing, strand="protect", tactic="tenancy_action")
    page = client.get(meeting.get_absolute_url())
    # Police: one Pursue, one Prevent; housing: one Protect (strands in 4P order).
    expected = [
        {"agency": police.name, "strands": [1, 1, 0, 0], "total": 2},
        {"agency": housing.name, "strands": [0, 0, 1, 0], "total": 1},
    ]
    assert page.context["agenda"].tasking == sorted(expected, key=lambda row: row["agency"])  # by name
    # The tasked agency names the owner, someone in its own agency.
    colleague = UserFactory(agency=police, roles=[Role.AGENCY_REP], full_name="Col League")
    rep = as_user(agency_rep)
    url = reverse("partnerships:panel_action_assign", args=[action.pk])
    assert rep.post(url, {"owner": colleague.pk}).status_code == 302
    action.refresh_from_db()
    assert action.owner == colleague
    assert (
        Deadline.objects.get(kind="disruption_action", subject_id=action.pk).responsible_users.get()
        == colleague
    )


def test_the_report_section_counts_disruptions_by_agency_and_hides_small_ones(
    member, police, housing, today_is
):
    """Police: six Pursue disruptions and one Protect; housing: five Protect (records, as the
    quarters count them). A lead sees the police's single Protect hidden."""
    from partnerships.disruption.reporting import disruption_declaration, disruption_figures
    from somerset_safety.reports.disclosure import is_withheld, shown

    today_is(dt.date(2026, 3, 20))
    group = make_group(member, police)
    grading = DisruptionGrading.objects.get(code="minor")
    for agency, strand, times in ((police, "pursue", 6), (police, "protect", 1), (housing, "protect", 5)):
        for _ in range(times):
            services.outcome_record(
                actor=member,
                group=group,
                outcome_type="other",
                strand=strand,
                occurred_on=dt.date(2026, 3, 1),
                agency=agency,
                grading=grading,
                number=1,
                value=None,
                line_type="",
                description="",
            )
    data = disruption_figures(dt.date(2026, 3, 20))
    expected = [
        {"agency": police.name, "counts": [6, 0, 1, 0], "total": 7},
        {"agency": housing.name, "counts": [0, 0, 5, 0], "total": 5},
    ]
    assert data["by_agency"] == sorted(expected, key=lambda row: row["agency"])
    protected = shown(data, disruption_declaration, suppress=True)
    police_row = next(row for row in protected["by_agency"] if row["agency"] == police.name)
    assert is_withheld(police_row["counts"][2])


def test_the_years_panel_meetings_from_its_pattern(as_user, member, police, agency_rep, today_is):
    from somerset_safety.meetings.models import Body

    today_is(dt.date(2026, 3, 1))
    client = as_user(member)
    url = reverse("partnerships:panel_schedule")
    assert as_user(agency_rep).get(url).status_code == 403
    page = client.get(url).content.decode()
    assert "Set how the panel usually meets" in page
    assert not Body.objects.exists()  # looking makes nothing
    response = client.post(
        url + "?year=2026",
        {
            "form": "pattern",
            "frequency": "monthly",
            "weekday": "2",
            "week_of_month": "3",
            "item_minutes": "20",
        },
    )
    assert response.status_code == 302
    page = client.get(url + "?year=2026").content.decode()
    # The third Wednesday of each month from March: 18 March, 15 April … 16 December.
    assert (
        "Wednesday 18 March 2026" in page and "Wednesday 16 December 2026" in page and "February" not in page
    )
    response = client.post(url + "?year=2026", {"form": "dates", "dates": ["2026-03-18", "2026-04-15"]})
    assert response.status_code == 302
    made = list(services.PanelMeeting.objects.order_by("date"))
    assert [m.date for m in made] == [dt.date(2026, 3, 18), dt.date(2026, 4, 15)]
    assert made[0].attendances.filter(agency=police).exists()  # the panel member's agency
    assert "already scheduled" in client.get(url + "?year=2026").content.decode()
    assert "Tick at least one date" in client.post(url + "?year=2026", {"form": "dates"}).content.decode()


def test_the_4p_action_list_sorts_by_due_date_or_agency(as_user, member, police, housing, today_is):
    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    item = item_for(open_meeting(member, dt.date(2026, 2, 18)), group)
    first_due = task(
        member, item, housing, due=dt.date(2026, 3, 1), strand="protect", tactic="tenancy_action"
    )
    later_due = task(member, item, police, due=dt.date(2026, 4, 1))
    url = reverse("partnerships:panel_actions")
    assert list(as_user(member).get(url).context["page"]) == [first_due, later_due]
    by_agency = list(as_user(member).get(url + "?sort=agency").context["page"])
    names = sorted([(housing.name, first_due), (police.name, later_due)], key=lambda pair: pair[0])
    assert by_agency == [action for _, action in names]


# --- The tactics library -------------------------------------------------------------------------


def _tactic_post(**overrides):
    from partnerships.models import TacticTarget

    data = {
        "name": "Financial investigation (synthetic)",
        "target": str(TacticTarget.objects.get(code="finance").pk),
        "legal_basis": "Proceeds of Crime Act 2002",
        "used_by": "Police",
    }
    data.update(overrides)
    return data


def test_a_panel_member_adds_a_tactic_and_it_is_offered_at_once(as_user, member):
    client = as_user(member)
    listing = client.get(reverse("partnerships:tactic_list")).content.decode()
    assert "Closure order" in listing and "The supply itself" in listing
    assert (
        reverse("partnerships:tactic_list") in client.get(reverse("partnerships:ocg_list")).content.decode()
    )

    response = client.post(
        reverse("partnerships:tactic_add"), _tactic_post(name="  Financial   investigation ")
    )
    assert response.status_code == 302 and response.url == reverse("partnerships:tactic_list")
    tactic = Tactic.objects.get(name="Financial investigation")
    assert (tactic.code, tactic.target.code, tactic.active) == ("financial-investigation", "finance", True)
    event = AuditEvent.objects.filter(object_type="partnerships.tactic", object_id=str(tactic.pk)).get()
    assert (event.action, event.actor_id) == ("create", member.pk)
    from partnerships.disruption.forms import PlanActionForm

    assert tactic in PlanActionForm().fields["tactic"].queryset


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the name of the power or tactic"),
        ({"name": "closure ORDER"}, "“closure ORDER” is already in the tactics library"),
        ({"target": ""}, "Choose the part of a group&#x27;s activity it targets"),
        ({"used_by": "  "}, "Enter which agency or agencies can use it"),
    ],
)
def test_a_bad_tactic_is_refused_and_nothing_is_added(as_user, member, overrides, message):
    before = Tactic.objects.count()
    response = as_user(member).post(reverse("partnerships:tactic_add"), _tactic_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Tactic.objects.count() == before


def test_a_tactic_named_on_actions_keeps_its_name_and_target_and_is_retired_not_deleted(
    as_user, member, police, today_is
):
    from tests.platform.test_stale_edits import _form_on

    today_is(dt.date(2026, 2, 20))
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    task(member, item_for(open_meeting(member, dt.date(2026, 2, 18)), group), police)
    closure = Tactic.objects.get(code="closure_order")
    url = reverse("partnerships:tactic_edit", args=[closure.pk])
    client = as_user(member)
    form = _form_on(client.get(url))
    assert form["expected_version"][0]

    form["name"] = ["Premises closure order"]
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert (
        "4P actions name this tactic, so its name and what it targets stay as they were agreed"
        in refused.content.decode()
    )
    closure.refresh_from_db()
    assert closure.name == "Closure order"

    form["name"] = ["Closure order"]
    form["legal_basis"] = ["Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 3"]
    assert client.post(url, form).status_code == 302
    closure.refresh_from_db()
    assert closure.legal_basis == "Anti-social Behaviour, Crime and Policing Act 2014, Part 4 Chapter 3"

    retire = reverse("partnerships:tactic_move", args=[closure.pk, "retire"])
    assert "The actions that name it keep it" in client.get(retire).content.decode()
    assert client.post(retire).status_code == 302
    closure.refresh_from_db()
    assert closure.active is False and PlanAction.objects.filter(tactic=closure).count() == 1
    listing = client.get(reverse("partnerships:tactic_list")).content.decode()
    assert (
        "Retired" in listing
        and reverse("partnerships:tactic_move", args=[closure.pk, "reinstate"]) in listing
    )
    with pytest.raises(DisruptionError, match="from the library"):
        task(member, PanelAgendaItem.objects.get(subject_id=group.pk), police)
    # Retiring twice is refused and changes nothing; reinstating offers it again.
    assert "already retired" in client.post(retire).content.decode()
    assert client.post(reverse("partnerships:tactic_move", args=[closure.pk, "reinstate"])).status_code == 302
    closure.refresh_from_db()
    assert closure.active is True
    assert client.get(reverse("partnerships:tactic_move", args=[closure.pk, "delete"])).status_code == 404


def test_a_tactic_saved_over_a_colleagues_newer_change_is_refused(as_user, member, other_member):
    from tests.platform.test_stale_edits import _form_on

    tactic = Tactic.objects.get(code="closure_order")
    url = reverse("partnerships:tactic_edit", args=[tactic.pk])
    client = as_user(member)
    form = _form_on(client.get(url))
    services.tactic_update(
        actor=other_member,
        tactic=tactic,
        name=tactic.name,
        target=tactic.target,
        legal_basis=tactic.legal_basis,
        used_by="Police, council, housing providers",
    )
    form["legal_basis"] = ["Anti-social Behaviour, Crime and Policing Act 2014"]
    refused = client.post(url, form)
    page = refused.content.decode()
    assert "Someone else changed this record at" in page and "They changed: Used by" in page
    tactic.refresh_from_db()
    assert (tactic.legal_basis, tactic.used_by) == (
        "Anti-social Behaviour, Crime and Policing Act 2014 Part 4",
        "Police, council, housing providers",
    )


@pytest.mark.parametrize("persona", ["agency_rep", "officer", "partnership_lead"])
def test_only_panel_members_see_and_change_the_tactics_library(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    tactic = Tactic.objects.get(code="closure_order")
    before = Tactic.objects.count()
    for url in (
        reverse("partnerships:tactic_list"),
        reverse("partnerships:tactic_add"),
        reverse("partnerships:tactic_edit", args=[tactic.pk]),
        reverse("partnerships:tactic_move", args=[tactic.pk, "retire"]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _tactic_post()).status_code == 403, url
    tactic.refresh_from_db()
    assert (tactic.active, tactic.name, Tactic.objects.count()) == (True, "Closure order", before)


def test_the_admin_keeps_a_named_tactics_name_and_target_too(rf, admin_user, member, police, today_is):
    from django.contrib import admin

    today_is(dt.date(2026, 2, 20))
    request = rf.get("/admin/")
    request.user = admin_user
    tactic_admin = admin.site._registry[Tactic]
    closure = Tactic.objects.get(code="closure_order")
    assert set(tactic_admin.get_readonly_fields(request, closure)) == {"code"}
    group = adopt(make_group(member, police), member)
    plan(group, member, police)
    task(member, item_for(open_meeting(member, dt.date(2026, 2, 18)), group), police)
    assert set(tactic_admin.get_readonly_fields(request, closure)) == {"code", "name", "target"}
    assert "name" in tactic_admin.get_form(request, None).base_fields  # a new tactic is named here


def test_the_library_counts_only_the_actions_on_groups_the_member_may_see(
    as_user, member, other_member, police, today_is
):
    """A restricted group's 4P actions are not counted for a member not named on it, so the count
    gives nothing away about it; the rule that keeps a used tactic's name still applies."""
    today_is(dt.date(2026, 2, 20))
    hidden = adopt(make_group(other_member, police, name="Hidden (synthetic)", restricted=True), other_member)
    plan(hidden, other_member, police)
    task(other_member, item_for(open_meeting(other_member, dt.date(2026, 2, 18)), hidden), police)
    closure = Tactic.objects.get(code="closure_order")

    def count_shown(user) -> str:
        page = as_user(user).get(reverse("partnerships:tactic_list")).content.decode()
        row = re.search(r"Closure order</td>(.*?)</tr>", page, re.DOTALL).group(1)
        return re.findall(r'govuk-table__cell--numeric">(\d+)<', row)[0]

    assert count_shown(other_member) == "1"
    assert count_shown(member) == "0"
    page = as_user(member).get(reverse("partnerships:tactic_edit", args=[closure.pk])).content.decode()
    assert "4P actions name it, so its name and what it targets stay as they were agreed" in page
    assert "named on 1" not in page
