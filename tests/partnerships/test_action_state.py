"""One status for every meeting action, read from its stored deadline (issue 10, issue 20 point 10):
MARAC, partnership board and Disruption Panel actions show Open, Due soon, Overdue, Deadline
waived, Completed or Met late as their deadline stands, on every page that shows them (agenda,
case or group, item, action lists, the action's page, the agenda PDF) and in every overdue filter
and count. Waiving the deadline (on its page) takes "Overdue" off them all; withdrawing the waiver
puts it back. Dates worked out by hand; MARAC, board and panel actions are due soon 7 days before
their due date (MARAC_DUE_SOON_DAYS), and due today is not overdue."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import services
from partnerships.boards import services as board_services
from partnerships.disruption import reporting as panel_reporting
from partnerships.disruption import selectors as panel_selectors
from partnerships.disruption import services as panel_services
from partnerships.disruption.permissions import panel_actions_visible_to
from partnerships.models import (
    Board,
    DisruptionOutcome,
    PanelAction,
    PanelAgendaItem,
    Tactic,
    ThreatBand,
)
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import DeadlineStatus
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from tests.factories import UserFactory
from tests.meetings.action_pages import (
    COMPLETED,
    DUE_SOON,
    MET_LATE,
    OPEN,
    OVERDUE,
    WAIVED,
    action_deadline,
    shows,
    unwaive,
    waive,
)
from tests.partnerships.factories import make_group

pytestmark = pytest.mark.django_db


def _pdf_html(monkeypatch) -> list[str]:
    """The HTML each PDF download renders (WeasyPrint left out)."""
    rendered: list[str] = []

    def fake(html: str) -> bytes:
        rendered.append(html)
        return b"%PDF-1.4 (synthetic)"

    monkeypatch.setattr("somerset_safety.pdf.render.render_pdf", fake)
    return rendered


# --- MARAC -----------------------------------------------------------------------------------


@pytest.fixture
def marac(coordinator, area, make_referral, police, housing):
    """A concluded meeting on 1 July 2024 with one case and a housing action due Monday 15 July;
    the next meeting, 1 August, has the case on its agenda (the action comes back to it)."""
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 7, 1), chair=None, agencies=[police, housing]
    )
    referral = make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    services.agenda_item_record(actor=coordinator, item=meeting.agenda_items.get(), minutes="Discussed")
    action = services.action_create(
        actor=coordinator,
        item=meeting.agenda_items.get(),
        agency=housing,
        description="Fit locks (synthetic)",
        due_date=dt.date(2024, 7, 15),
    )
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    following = services.meeting_create(
        actor=coordinator, area=area, date=dt.date(2024, 8, 1), chair=None, agencies=[police, housing]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=following)
    return following, referral, action


def _marac_pages(following, referral, action) -> list[str]:
    return [
        following.get_absolute_url(),  # the agenda: actions coming back to it
        reverse("partnerships:agenda_item", args=[following.agenda_items.get().pk]),  # the case at the table
        referral.get_absolute_url(),  # the case
        reverse("partnerships:action_list"),
        action.get_absolute_url(),
    ]


def _marac_overdue(client) -> tuple[bool, str]:
    listed = client.get(reverse("partnerships:action_list") + "?overdue=yes").content.decode()
    home = client.get(reverse("partnerships:marac_home")).content.decode()
    return "Fit locks (synthetic)" in listed, home


def test_a_marac_action_reads_its_deadline_everywhere(
    as_user, coordinator, marac, today_is, monkeypatch, other_agency_rep
):
    """Due Monday 15 July: Open on 7 July (8 days to go), Due soon from 8 July (7 days) to the
    day itself, Overdue from 16 July. Waived on 16 July: "Deadline waived" everywhere, off the
    overdue filter and the home page's count, though the date is as far past; the waiver
    withdrawn: Overdue again."""
    following, referral, action = marac
    pages = _marac_pages(following, referral, action)
    pdfs = _pdf_html(monkeypatch)
    pdf_url = reverse("partnerships:meeting_papers", args=[following.pk, "agenda"])
    in_pdf = "Housing services: Fit locks (synthetic) – "

    for day, tag, label in [
        (dt.date(2024, 7, 7), OPEN, "Open"),
        (dt.date(2024, 7, 8), DUE_SOON, "Due soon"),
        (dt.date(2024, 7, 15), DUE_SOON, "Due soon"),
        (dt.date(2024, 7, 16), OVERDUE, "Overdue"),
    ]:
        today_is(day)
        client = as_user(coordinator)
        shows(client, pages, tag)
        assert client.get(pdf_url).status_code == 200
        assert in_pdf + label in pdfs[-1], day
        listed, home = _marac_overdue(client)
        assert listed == (label == "Overdue"), day
        assert ('">1</p><p class="govuk-body">overdue action<' in home) == (label == "Overdue"), day

    # The deadline pages say the same: the housing representative's My deadlines.
    mine = as_user(other_agency_rep).get(reverse("deadlines:mine")).content.decode()
    assert "1 day overdue (due 15 July 2024)" in mine

    client = as_user(coordinator)
    waive(client, action)
    shows(client, pages, WAIVED)
    client.get(pdf_url)
    assert in_pdf + "Deadline waived" in pdfs[-1]
    listed, home = _marac_overdue(client)
    assert not listed and '">0</p><p class="govuk-body">overdue actions<' in home

    unwaive(client, action)
    shows(client, pages, OVERDUE)
    listed, _ = _marac_overdue(client)
    assert listed


@pytest.mark.parametrize(
    ("completed_on", "tag"),
    [(dt.date(2024, 7, 15), COMPLETED), (dt.date(2024, 7, 18), MET_LATE)],
)
def test_a_marac_action_completed_late_reads_met_late_and_on_time_completed(
    as_user, coordinator, marac, today_is, completed_on, tag
):
    """Due 15 July. Completed that day: Completed. Completed on 18 July, three days late: "Met
    late" (its deadline was met late), not Overdue — on the agenda, the case and its page."""
    following, referral, action = marac
    today_is(dt.date(2024, 7, 18))
    services.action_complete(
        actor=coordinator, action=action, outcome="Locks fitted", completed_on=completed_on
    )
    pages = [following.get_absolute_url(), referral.get_absolute_url(), action.get_absolute_url()]
    shows(as_user(coordinator), pages, tag)


def test_the_marac_action_list_reads_every_state_in_one_query_whatever_its_length(
    as_user, coordinator, marac, today_is, housing
):
    """The list's queries do not grow with its rows: 2 actions and 7 actions cost the same. The
    next meeting (1 August) agrees actions due 2 August onwards; on 16 August all are overdue."""
    following, _, _ = marac
    today_is(dt.date(2024, 8, 1))
    services.meeting_start(actor=coordinator, meeting=following)
    item = following.agenda_items.get()
    url = reverse("partnerships:action_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(n, first):
        for i in range(n):
            services.action_create(
                actor=coordinator,
                item=item,
                agency=housing,
                description=f"Check {first + i} (synthetic)",
                due_date=dt.date(2024, 8, 2 + first + i),
            )

    add(1, 0)
    today_is(dt.date(2024, 8, 16))
    client = as_user(coordinator)
    client.get(url)  # caches warmed
    two = queries()
    add(5, 1)
    assert queries() == two
    page = client.get(url).content.decode()
    assert page.count(OVERDUE) == 7


def test_one_status_for_an_action_needs_the_deadline_read_with_the_list(marac):
    """A page that forgets to read the deadlines with its actions fails loudly, rather than
    showing a status worked out from the date."""
    _, _, action = marac
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="with_state"):
        meeting_selectors.action_state(action)


# --- Partnership boards ---------------------------------------------------------------------


@pytest.fixture
def board_action(officer, agency_rep, other_agency_rep, housing, today_is):
    """A board meeting on 20 January 2026 (still open) agreed a housing action due Monday 2 March;
    the next meeting, 21 April, reviews it."""
    today_is(dt.date(2026, 1, 20))
    ssp = Board.objects.get(code="ssp")
    for user, role in ((agency_rep, "chair"), (other_agency_rep, "member")):
        board_services.board_member_add(
            actor=officer, board=ssp, user=user, role=role, joined_on=dt.date(2025, 4, 1)
        )
    meeting = board_services.board_meeting_schedule(actor=officer, board=ssp, date=dt.date(2026, 1, 20))
    item = meetings.agenda_add_other_business(
        actor=officer, meeting=meeting, title="Serious violence (synthetic)"
    )
    meetings.meeting_start(actor=officer, meeting=meeting)
    action = meetings.action_create(
        actor=officer,
        item=item,
        agency=housing,
        description="Map housing data (synthetic)",
        due_date=dt.date(2026, 3, 2),
    )
    following = board_services.board_meeting_schedule(actor=officer, board=ssp, date=dt.date(2026, 4, 21))
    return following, item, action


def test_a_board_action_reads_its_deadline_everywhere(as_user, officer, board_action, today_is):
    """Due Monday 2 March: Open on 22 February, Due soon on 23 February and on 2 March, Overdue
    on 3 March (on the log's overdue view too). Waived: "Deadline waived" and off the overdue
    view; the waiver withdrawn: Overdue again."""
    following, item, action = board_action
    log = reverse("partnerships:board_actions", args=["ssp"])
    pages = [
        following.get_absolute_url(),
        reverse("partnerships:board_item", args=[item.pk]),
        log + "?show=all",
        action.get_absolute_url(),
    ]
    for day, tag in [
        (dt.date(2026, 2, 22), OPEN),
        (dt.date(2026, 2, 23), DUE_SOON),
        (dt.date(2026, 3, 2), DUE_SOON),
        (dt.date(2026, 3, 3), OVERDUE),
    ]:
        today_is(day)
        client = as_user(officer)
        shows(client, pages, tag)
        overdue_view = client.get(log + "?show=overdue").content.decode()
        assert ("Map housing data (synthetic)" in overdue_view) == (tag == OVERDUE), day

    waive(client, action)
    shows(client, pages, WAIVED)
    assert "Map housing data (synthetic)" not in client.get(log + "?show=overdue").content.decode()
    unwaive(client, action)
    shows(client, pages, OVERDUE)
    assert "Map housing data (synthetic)" in client.get(log + "?show=overdue").content.decode()


# --- The Disruption Panel -------------------------------------------------------------------


@pytest.fixture
def member(police):
    return UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Pat Panel")


@pytest.fixture
def panel_action(member, police, today_is):
    """An adopted group on the agenda of the panel's meeting of 18 February 2026 (still open),
    which tasked police with a 4P action due Monday 2 March; the next meeting, 15 April, reviews it."""
    today_is(dt.date(2026, 2, 18))
    group = make_group(member, operation_name="", referring_agency=police, lead_agency=police)
    panel_services.group_move(
        actor=member, group=group, move="adopt", reason="Meets threshold", on=dt.date(2026, 1, 6)
    )
    panel_services.mapping_assessment_record(
        actor=member,
        group=group,
        band=ThreatBand.objects.get(code="1"),
        supplied_by="ROCU",
        supplied_on=dt.date(2026, 1, 10),
        rationale="Supplied (synthetic)",
    )
    panel_services.plan_save(
        actor=member, group=group, owning_agency=police, aim="Close the line (synthetic)"
    )
    meeting = panel_services.panel_meeting_schedule(actor=member, date=dt.date(2026, 2, 18))
    panel_services.panel_agenda_generate(actor=member, meeting=meeting)
    meetings.meeting_start(actor=member, meeting=meeting)
    item = PanelAgendaItem.objects.get(meeting=meeting, subject_id=group.pk)
    action = panel_services.plan_action_create(
        actor=member,
        item=item,
        strand="pursue",
        tactic=Tactic.objects.get(code="closure_order"),
        agency=police,
        description="Apply for a closure order on the address",
        due_date=dt.date(2026, 3, 2),
    )
    following = panel_services.panel_meeting_schedule(actor=member, date=dt.date(2026, 4, 15))
    return group, following, item, PanelAction.objects.get(pk=action.pk)


def _panel_overdue(member, day) -> tuple[set, int, int]:
    """The actions overdue on `day`: the overdue view's rows, the figures page's count and the
    dashboard's and Executive paper's count."""
    visible = panel_actions_visible_to(member)
    rows = set(panel_selectors.overdue_as_at(visible, day).values_list("pk", flat=True))
    _, totals = panel_selectors.figures_by_agency(
        visible, DisruptionOutcome.objects.none(), as_of=day, since=dt.date(2025, 4, 1)
    )
    return rows, totals["overdue"], panel_reporting.disruption_figures(day)["actions_overdue"]


def test_a_panel_action_reads_its_deadline_everywhere(as_user, member, panel_action, today_is):
    """Due Monday 2 March: Open on 22 February, Due soon on 23 February and on 2 March, Overdue
    on 3 March — on the group, the meeting reviewing it, the item, the 4P actions and the
    action's page, and in the overdue view, the figures by agency and the dashboard's count.
    Waived: none of them counts it, and the next agenda no longer takes the group for an overdue
    action; the waiver withdrawn: overdue again."""
    group, following, item, action = panel_action
    pages = [
        reverse("partnerships:ocg_detail", args=[group.pk]),
        following.get_absolute_url(),
        reverse("partnerships:panel_item", args=[item.pk]),
        reverse("partnerships:panel_actions"),
        action.get_absolute_url(),
    ]
    for day, tag in [
        (dt.date(2026, 2, 22), OPEN),
        (dt.date(2026, 2, 23), DUE_SOON),
        (dt.date(2026, 3, 2), DUE_SOON),
        (dt.date(2026, 3, 3), OVERDUE),
    ]:
        today_is(day)
        shows(as_user(member), pages, tag)
        expected = ({action.pk}, 1, 1) if tag == OVERDUE else (set(), 0, 0)
        assert _panel_overdue(member, day) == expected, day

    client = as_user(member)
    waive(client, action)
    shows(client, pages, WAIVED)
    assert _panel_overdue(member, dt.date(2026, 3, 3)) == (set(), 0, 0)
    # As the records stood on 2 March, before the waiver of 3 March, it was not overdue either
    # (due that day); on 3 March it was waived.
    assert _panel_overdue(member, dt.date(2026, 3, 2)) == (set(), 0, 0)
    unwaive(client, action)
    shows(client, pages, OVERDUE)
    assert _panel_overdue(member, dt.date(2026, 3, 3)) == ({action.pk}, 1, 1)


def test_the_overdue_rule_on_a_later_meeting_day_reads_the_deadline(member, panel_action, today_is):
    """The panel's agenda takes the groups with a 4P action overdue on the meeting's date (the
    platform's `overdue` filter): the action due 2 March is overdue on 15 April, and not once its
    deadline is waived, though it stays open."""
    _, following, _, action = panel_action
    from somerset_safety.deadlines.services import deadline_waive

    today_is(dt.date(2026, 3, 3))
    on_the_day = meeting_selectors.overdue(PanelAction.objects.all(), following.date)
    assert list(on_the_day.values_list("pk", flat=True)) == [action.pk]
    deadline_waive(
        actor=member, deadline=action_deadline(action), reason="Line closed by another force (synthetic)."
    )
    action.refresh_from_db()
    assert action.status == "open"
    assert not meeting_selectors.overdue(PanelAction.objects.all(), following.date).exists()


def test_only_the_coordinator_may_waive_a_marac_actions_deadline(
    as_user, coordinator, officer, other_agency_rep, marac, today_is
):
    """The housing representative owns the action and sees its deadline on My deadlines, and a
    community safety officer may see MARAC's deadlines, but waiving needs MARAC's manage
    permission (the coordinator's): both are refused, the deadline stays open and the action
    overdue everywhere; the coordinator may."""
    following, referral, action = marac
    today_is(dt.date(2024, 7, 16))
    url = reverse("deadlines:waive", args=[action_deadline(action).pk])
    for user in (other_agency_rep, officer):
        client = as_user(user)
        assert client.get(url).status_code in (403, 404), user
        assert client.post(url, {"reason": "Not needed (synthetic)."}).status_code in (403, 404), user
    assert action_deadline(action).status == DeadlineStatus.OPEN
    shows(as_user(coordinator), _marac_pages(following, referral, action), OVERDUE)
    waive(as_user(coordinator), action)
