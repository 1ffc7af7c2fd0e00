"""Partnership boards: members, meetings on the platform mechanism, papers (public and exempt),
minutes, decisions numbered per board and year, the action log carried forward, the forward plan,
and who may see what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.boards import services
from partnerships.exceptions import BoardError
from partnerships.models import Board, BoardAction, BoardMeeting, Decision, ForwardPlanStatus, PartnershipBody
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.core.exceptions import DomainError
from somerset_safety.deadlines.models import Deadline
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.exceptions import MeetingError
from somerset_safety.meetings.models import ActionStatus, CarryReason
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="paper.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def ssp(db):
    return Board.objects.get(code="ssp")


@pytest.fixture
def members(officer, ssp, agency_rep, other_agency_rep):
    """Ann (police) and Otto (housing) sit on the partnership board."""
    ann = services.board_member_add(
        actor=officer, board=ssp, user=agency_rep, role="chair", joined_on=dt.date(2025, 4, 1)
    )
    otto = services.board_member_add(
        actor=officer, board=ssp, user=other_agency_rep, role="member", joined_on=dt.date(2025, 4, 1)
    )
    return ann, otto


@pytest.fixture
def meeting(officer, ssp, members):
    return services.board_meeting_schedule(actor=officer, board=ssp, date=dt.date(2026, 1, 20))


def add_paper(officer, meeting, **overrides):
    values = dict(
        actor=officer,
        meeting=meeting,
        title="Serious Violence Duty strategy (synthetic)",
        author="Olive Officer, community safety officer",
        author_agency=officer.agency,
        purpose="decision",
        document=pdf(),
    )
    values.update(overrides)
    return services.board_paper_add(**values)


def open_meeting(officer, meeting):
    meetings.meeting_send_papers(actor=officer, meeting=meeting, sent_on=dt.date(2026, 1, 13))
    return meetings.meeting_start(actor=officer, meeting=meeting)


def test_the_reference_boards_are_there():
    codes = set(Board.objects.values_list("code", flat=True))
    assert {"ssp", "prevent", "hinkley", "one-team"} <= codes
    assert Board.objects.get(code="ssp").body.name == "Safer Somerset Partnership"


def test_a_meeting_invites_the_agencies_of_current_members(meeting, police, housing):
    assert set(meeting.attendances.values_list("agency_id", flat=True)) == {police.pk, housing.pk}
    assert isinstance(meeting, BoardMeeting)


def test_a_member_is_added_once_and_leaves_with_a_date(officer, ssp, members, agency_rep):
    ann, _ = members
    with pytest.raises(BoardError, match="already a member"):
        services.board_member_add(
            actor=officer, board=ssp, user=agency_rep, role="member", joined_on=dt.date(2025, 5, 1)
        )
    with pytest.raises(BoardError, match="between the date they joined and today"):
        services.board_member_leave(actor=officer, member=ann, left_on=dt.date(2025, 3, 1))
    services.board_member_leave(actor=officer, member=ann, left_on=dt.date(2025, 6, 1))
    ann.refresh_from_db()
    assert ann.left_on == dt.date(2025, 6, 1)
    # Having left, she can join again.
    services.board_member_add(
        actor=officer, board=ssp, user=agency_rep, role="member", joined_on=dt.date(2025, 7, 1)
    )


def test_a_paper_goes_on_the_agenda_under_its_purpose(officer, meeting):
    decision_paper = add_paper(officer, meeting)
    info = add_paper(officer, meeting, title="Quarterly performance (synthetic)", purpose="information")
    items = {item.subject_id: item.section for item in meeting.agenda_items.all()}
    assert items == {decision_paper.pk: 20, info.pk: 40}
    meeting.refresh_from_db()
    assert meeting.agenda_generated_at is not None


def test_an_exempt_paper_needs_a_reason_and_readers_only_when_exempt(officer, meeting, members):
    ann, _ = members
    with pytest.raises(BoardError, match="why the paper is exempt"):
        add_paper(officer, meeting, exempt=True)
    with pytest.raises(BoardError, match="Readers are named only for an exempt paper"):
        add_paper(officer, meeting, readers=[ann])
    assert meeting.board_papers.count() == 0


def test_papers_cannot_be_added_once_the_meeting_has_started(officer, meeting):
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    with pytest.raises(BoardError, match="before the meeting starts"):
        add_paper(officer, meeting, title="Late paper")


def test_decisions_are_numbered_per_board_and_year(officer, meeting, members, ssp):
    ann, otto = members
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    item = meeting.agenda_items.get()
    first = services.decision_record(
        actor=officer, item=item, wording="Approve the strategy.", proposed_by=ann
    )
    second = services.decision_record(
        actor=officer, item=item, wording="Publish it.", proposed_by=otto, seconded_by=ann
    )
    assert (first.reference, second.reference) == ("SSP/2026/001", "SSP/2026/002")
    assert first.paper is not None and first.decided_on == dt.date(2026, 1, 20)

    # Another board counts from 1; so does the same board in another year.
    prevent = Board.objects.get(code="prevent")
    prevent_member = services.board_member_add(
        actor=officer, board=prevent, user=officer, role="officer", joined_on=dt.date(2025, 1, 1)
    )
    prevent_meeting = services.board_meeting_schedule(actor=officer, board=prevent, date=dt.date(2026, 2, 3))
    meetings.agenda_add_other_business(actor=officer, meeting=prevent_meeting, title="Channel panel update")
    meetings.meeting_start(actor=officer, meeting=prevent_meeting)
    prevent_decision = services.decision_record(
        actor=officer,
        item=prevent_meeting.agenda_items.get(),
        wording="Note the update.",
        proposed_by=prevent_member,
    )
    assert prevent_decision.reference == "PREVENT/2026/001"

    later = services.board_meeting_schedule(actor=officer, board=ssp, date=dt.date(2027, 1, 19))
    meetings.agenda_add_other_business(actor=officer, meeting=later, title="Annual report")
    meetings.meeting_start(actor=officer, meeting=later)
    next_year = services.decision_record(
        actor=officer, item=later.agenda_items.get(), wording="Agree it.", proposed_by=ann
    )
    assert next_year.reference == "SSP/2027/001"


def test_a_decision_is_refused_unless_the_meeting_is_open_and_the_proposer_a_member(
    officer, meeting, members, partnership_lead, ssp
):
    ann, _ = members
    add_paper(officer, meeting)
    item = meeting.agenda_items.get()
    with pytest.raises(BoardError, match="only while the meeting is in progress"):
        services.decision_record(actor=officer, item=item, wording="Too soon.", proposed_by=ann)
    open_meeting(officer, meeting)
    outsider = services.board_member_add(
        actor=officer,
        board=Board.objects.get(code="hinkley"),
        user=partnership_lead,
        role="member",
        joined_on=dt.date(2025, 1, 1),
    )
    with pytest.raises(BoardError, match="current members of the board"):
        services.decision_record(actor=officer, item=item, wording="Not theirs.", proposed_by=outsider)
    with pytest.raises(BoardError, match="other than the proposer"):
        services.decision_record(actor=officer, item=item, wording="Twice.", proposed_by=ann, seconded_by=ann)
    with pytest.raises(BoardError, match="wording"):
        services.decision_record(actor=officer, item=item, wording="  ", proposed_by=ann)
    assert Decision.objects.count() == 0


def test_the_action_log_is_carried_forward_to_the_next_meeting(officer, meeting, members, ssp, housing):
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    item = meeting.agenda_items.get()
    meetings.agenda_item_record(
        actor=officer, item=item, minutes="The board discussed the strategy (synthetic)."
    )
    action = meetings.action_create(
        actor=officer,
        item=item,
        agency=housing,
        description="Map housing data (synthetic)",
        due_date=dt.date(2026, 3, 1),
    )
    assert isinstance(action, BoardAction)
    deadline = Deadline.objects.get(kind="board_action")
    assert deadline.due_date == dt.date(2026, 3, 1)
    meetings.meeting_conclude(actor=officer, meeting=meeting)

    second = services.board_meeting_schedule(actor=officer, board=ssp, date=dt.date(2026, 4, 21))
    meetings.agenda_add_other_business(actor=officer, meeting=second, title="Any other business")
    meetings.meeting_start(actor=officer, meeting=second)
    meetings.agenda_item_record(actor=officer, item=second.agenda_items.get(), minutes="None (synthetic).")
    with pytest.raises(MeetingError, match="1 action from the last meeting"):
        meetings.meeting_conclude(actor=officer, meeting=second)
    carried = meetings.action_carry_forward(
        actor=officer, action=action, to_meeting=second, reason=CarryReason.AGENCY_DID_NOT_COMPLETE
    )
    meetings.meeting_conclude(actor=officer, meeting=second)
    action.refresh_from_db()
    assert action.status == ActionStatus.CARRIED_FORWARD
    assert carried.status == ActionStatus.OPEN and carried.meeting_id == second.pk
    assert (
        Deadline.objects.get(subject_id=str(action.pk)).closed_reason == "Carried forward to a later meeting"
    )


def test_a_forward_plan_item_is_tabled_by_its_paper(officer, ssp, meeting, council_team):
    plan = services.forward_plan_add(
        actor=officer,
        board=ssp,
        title="Strategic assessment",
        purpose="decision",
        planned_for=dt.date(2026, 1, 1),
        lead_agency=council_team,
    )
    services.forward_plan_move(actor=officer, item=plan, move="defer")
    paper = add_paper(officer, meeting, plan_item=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.paper_id) == (ForwardPlanStatus.TABLED, paper.pk)
    with pytest.raises(BoardError):
        services.forward_plan_move(actor=officer, item=plan, move="withdraw")


# --- Pages and access ------------------------------------------------------------------------------


def test_the_board_list_shows_only_the_boards_a_member_sits_on(as_user, officer, members, partnership_lead):
    member_page = as_user(members[0].user).get(reverse("partnerships:board_list")).content.decode()
    assert "Safer Somerset Partnership" in member_page and "Somerset Prevent Board" not in member_page
    lead_page = as_user(partnership_lead).get(reverse("partnerships:board_list")).content.decode()
    assert "You are not a member of any board" in lead_page
    officer_page = as_user(officer).get(reverse("partnerships:board_list")).content.decode()
    assert "Somerset Prevent Board" in officer_page


@pytest.mark.parametrize(
    ("persona", "board_page", "schedule_page"),
    [("officer", 200, 200), ("member", 200, 403), ("partnership_lead", 404, 404), ("coordinator", 404, 404)],
)
def test_who_may_see_and_run_a_board(request, as_user, members, persona, board_page, schedule_page):
    user = members[0].user if persona == "member" else request.getfixturevalue(persona)
    client = as_user(user)
    assert client.get(reverse("partnerships:board_detail", args=["ssp"])).status_code == board_page
    assert client.get(reverse("partnerships:board_meeting_create", args=["ssp"])).status_code == schedule_page


def test_anonymous_and_role_less_users_get_nothing(client, as_user, no_role_user, meeting):
    response = client.get(reverse("partnerships:board_meeting", args=[meeting.pk]))
    assert response.status_code == 302
    assert as_user(no_role_user).get(reverse("partnerships:board_list")).status_code == 403


def test_an_exempt_paper_is_read_only_by_the_members_named_on_it(as_user, officer, meeting, members):
    ann, otto = members
    exempt = add_paper(
        officer,
        meeting,
        title="Police problem profile (synthetic)",
        exempt=True,
        exempt_reason="Police information not approved for release",
        readers=[ann],
    )
    public = add_paper(officer, meeting, title="Public strategy paper (synthetic)", purpose="discussion")
    download = reverse("partnerships:board_paper", args=[exempt.pk])

    assert as_user(ann.user).get(download).status_code == 200
    assert as_user(officer).get(download).status_code == 200
    assert as_user(otto.user).get(download).status_code == 404
    assert as_user(otto.user).get(reverse("partnerships:board_paper", args=[public.pk])).status_code == 200

    page = as_user(otto.user).get(reverse("partnerships:board_meeting", args=[meeting.pk])).content.decode()
    assert "Public strategy paper" in page
    assert (
        "Police problem profile" not in page
        and "An exempt paper: shown only to the members named on it." in page
    )
    named = as_user(ann.user).get(reverse("partnerships:board_meeting", args=[meeting.pk])).content.decode()
    assert "Police problem profile" in named
    assert AuditEvent.objects.filter(action="disclose", object_id=str(exempt.pk)).count() == 2


def test_decisions_on_an_exempt_paper_stay_with_its_readers(as_user, officer, meeting, members):
    ann, otto = members
    add_paper(officer, meeting, exempt=True, exempt_reason="Restricted police data", readers=[ann])
    open_meeting(officer, meeting)
    services.decision_record(
        actor=officer,
        item=meeting.agenda_items.get(),
        wording="Commission a targeted operation.",
        proposed_by=ann,
    )
    url = reverse("partnerships:board_decisions", args=["ssp"])
    assert "targeted operation" in as_user(ann.user).get(url).content.decode()
    assert "targeted operation" not in as_user(otto.user).get(url).content.decode()


def test_the_decisions_log_searches_words_and_year(
    as_user, officer, meeting, members, django_assert_max_num_queries
):
    ann, _ = members
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    item = meeting.agenda_items.get()
    for wording in ("Approve the knife crime plan.", "Note the Prevent return.", "Approve the budget."):
        services.decision_record(actor=officer, item=item, wording=wording, proposed_by=ann)
    client = as_user(officer)
    url = reverse("partnerships:board_decisions", args=["ssp"])
    # 20 for the page, and 2 for the view event its fetch path writes (audit.reads).
    with django_assert_max_num_queries(22):
        page = client.get(url, {"q": "approve"}).content.decode()
    assert "knife crime plan" in page and "budget" in page and "Prevent return" not in page
    assert "No decisions match" in client.get(url, {"q": "housing", "year": 2026}).content.decode()
    assert "SSP/2026/002" in client.get(url, {"q": "SSP/2026/002"}).content.decode()


def test_the_meeting_page_query_count_does_not_grow_with_papers(
    as_user, officer, meeting, django_assert_max_num_queries
):
    for n in range(6):
        add_paper(officer, meeting, title=f"Paper {n} (synthetic)")
    client = as_user(officer)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("partnerships:board_meeting", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('(synthetic)<span class="govuk-visually-hidden"> (download)') == 6


def test_the_full_meeting_journey_through_the_pages(as_user, officer, ssp, members, housing):
    client = as_user(officer)
    response = client.post(
        reverse("partnerships:board_meeting_create", args=["ssp"]),
        {"date_0": "20", "date_1": "1", "date_2": "2026", "venue": "County Hall"},
    )
    meeting = BoardMeeting.objects.get(body__owner_id=ssp.pk)
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    response = client.post(
        reverse("partnerships:board_paper_add", args=[meeting.pk]),
        {
            "title": "Community safety strategy (synthetic)",
            "author": "Olive Officer",
            "author_agency": officer.agency_id,
            "purpose": "decision",
            "document": pdf(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    for step in ("send_papers", "start"):
        assert (
            client.post(reverse("partnerships:board_meeting_step", args=[meeting.pk, step])).status_code
            == 302
        )
    item = meeting.agenda_items.get()
    client.post(reverse("partnerships:board_item", args=[item.pk]), {"minutes": "Discussed (synthetic)."})
    response = client.post(
        reverse("partnerships:board_decision_add", args=[item.pk]),
        {"wording": "The board approves the strategy.", "proposed_by": members[0].pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("partnerships:board_action_add", args=[item.pk]),
        {
            "agency": housing.pk,
            "description": "Share the housing data",
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2026",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("partnerships:board_meeting_step", args=[meeting.pk, "conclude"])).status_code
        == 302
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "SSP/2026/001" in page and "The board approves the strategy." in page
    log = client.get(reverse("partnerships:board_actions", args=["ssp"])).content.decode()
    assert "Share the housing data" in log


def test_a_refused_step_says_why_and_changes_nothing(as_user, officer, meeting):
    response = as_user(officer).post(
        reverse("partnerships:board_meeting_step", args=[meeting.pk, "conclude"])
    )
    assert response.status_code == 200
    assert "Only a meeting in progress can be concluded." in response.content.decode()


def test_the_named_owner_may_complete_an_action_and_others_may_not(
    as_user, officer, meeting, members, housing
):
    ann, otto = members
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    action = meetings.action_create(
        actor=officer,
        item=meeting.agenda_items.get(),
        agency=housing,
        owner=otto.user,
        description="Share data (synthetic)",
        due_date=dt.date(2026, 3, 1),
    )
    url = reverse("partnerships:board_action_complete", args=[action.pk])
    assert as_user(ann.user).get(url).status_code == 403
    assert as_user(otto.user).get(url).status_code == 200


def test_an_administrator_adds_a_board_in_the_admin(admin_user):
    body = PartnershipBody.objects.create(name="Serious Violence Duty partnership (synthetic)")
    board = Board.objects.create(body=body, code="svd")
    officer = UserFactory(roles=[Role.OFFICER])
    member = services.board_member_add(
        actor=officer, board=board, user=officer, role="chair", joined_on=dt.date(2025, 1, 1)
    )
    meeting = services.board_meeting_schedule(actor=officer, board=board, date=dt.date(2026, 5, 5))
    meetings.agenda_add_other_business(actor=officer, meeting=meeting, title="Terms of reference")
    meetings.meeting_start(actor=officer, meeting=meeting)
    decision = services.decision_record(
        actor=officer, item=meeting.agenda_items.get(), wording="Adopt them.", proposed_by=member
    )
    assert decision.reference == "SVD/2026/001"


def test_every_board_page_renders_for_an_officer(
    as_user, officer, meeting, members, housing, council_team, ssp
):
    add_paper(officer, meeting)
    plan = services.forward_plan_add(
        actor=officer,
        board=ssp,
        title="Annual strategic assessment",
        purpose="discussion",
        planned_for=dt.date(2026, 6, 1),
        lead_agency=council_team,
    )
    open_meeting(officer, meeting)
    item = meeting.agenda_items.get()
    action = meetings.action_create(
        actor=officer,
        item=item,
        agency=housing,
        description="Share data (synthetic)",
        due_date=dt.date(2026, 3, 1),
    )
    client = as_user(officer)
    urls = [
        reverse("partnerships:board_detail", args=["ssp"]),
        reverse("partnerships:board_member_add", args=["ssp"]),
        reverse("partnerships:board_member_leave", args=[members[0].pk]),
        reverse("partnerships:forward_plan_add", args=["ssp"]),
        reverse("partnerships:forward_plan_move", args=[plan.pk, "defer"]),
        reverse("partnerships:board_actions", args=["ssp"]) + "?show=all",
        reverse("partnerships:board_meeting_attendance", args=[meeting.pk]),
        reverse("partnerships:board_meeting_edit", args=[meeting.pk]),
        reverse("partnerships:board_meeting_other_business", args=[meeting.pk]),
        reverse("partnerships:board_item", args=[item.pk]),
        reverse("partnerships:board_decision_add", args=[item.pk]),
        reverse("partnerships:board_action_add", args=[item.pk]),
        reverse("partnerships:board_action", args=[action.pk]),
        reverse("partnerships:board_action_complete", args=[action.pk]),
        reverse("partnerships:board_action_progress", args=[action.pk]),
        reverse("partnerships:board_action_carry", args=[action.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "Annual strategic assessment" in client.get(urls[0]).content.decode()
    assert client.get(reverse("partnerships:forward_plan_move", args=[plan.pk, "table"])).status_code == 404


def test_the_annual_public_meeting_is_recorded_in_the_duties_register(as_user, officer, meeting, members):
    from duties.models import EvidenceItem, Obligation

    url = reverse("partnerships:board_meeting_public", args=[meeting.pk])
    client = as_user(officer)
    refused = client.post(url)
    assert "once it has concluded" in refused.content.decode() and EvidenceItem.objects.count() == 0
    meetings.agenda_add_other_business(actor=officer, meeting=meeting, title="Questions from the public")
    meetings.meeting_start(actor=officer, meeting=meeting)
    meetings.agenda_item_record(actor=officer, item=meeting.agenda_items.get(), minutes="Questions answered.")
    meetings.meeting_conclude(actor=officer, meeting=meeting)
    assert as_user(members[0].user).post(url).status_code == 403
    assert client.post(url).status_code == 302
    evidence = EvidenceItem.objects.get()
    assert evidence.obligation == Obligation.objects.get(code="pja-public-meeting")
    assert evidence.met_on == dt.date(2026, 1, 20) and evidence.link.endswith(meeting.get_absolute_url())
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Recorded in the duties register" in page
    with pytest.raises(DomainError, match="already recorded"):
        services.public_meeting_record(actor=officer, meeting=meeting)
    # Only the partnership's own board holds the public meeting.
    prevent = services.board_meeting_schedule(
        actor=officer, board=Board.objects.get(code="prevent"), date=dt.date(2026, 2, 2)
    )
    with pytest.raises(BoardError, match="Only a meeting of the partnership itself"):
        services.public_meeting_record(actor=officer, meeting=prevent)


def test_list_pages_keep_their_query_count_as_rows_grow(
    as_user, officer, meeting, members, housing, django_assert_max_num_queries
):
    ann, _ = members
    add_paper(officer, meeting)
    open_meeting(officer, meeting)
    item = meeting.agenda_items.get()
    for n in range(8):
        meetings.action_create(
            actor=officer,
            item=item,
            agency=housing,
            description=f"Action {n} (synthetic)",
            due_date=dt.date(2026, 3, 1),
        )
        services.decision_record(actor=officer, item=item, wording=f"Decision {n}.", proposed_by=ann)
    client = as_user(officer)
    for url, limit in [
        (reverse("partnerships:board_list"), 15),
        # Each board page: 20, and 2 for the view event of the board its fetch path writes.
        (reverse("partnerships:board_detail", args=["ssp"]), 22),
        (reverse("partnerships:board_actions", args=["ssp"]) + "?show=all", 22),
        (reverse("partnerships:board_decisions", args=["ssp"]), 22),
        (reverse("partnerships:board_meeting", args=[meeting.pk]), 30),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    # A member of the board reads the same pages; a lead who is not a member gets "not found".
    assert as_user(ann.user).get(reverse("partnerships:board_actions", args=["ssp"])).status_code == 200


@pytest.mark.parametrize("name", ["board_actions", "board_decisions"])
def test_logs_are_not_found_for_someone_off_the_board(as_user, partnership_lead, name):
    assert as_user(partnership_lead).get(reverse(f"partnerships:{name}", args=["ssp"])).status_code == 404


def test_a_commissioning_officer_on_a_board_reaches_it_from_the_list(as_user, officer, ssp):
    commissioner = UserFactory(roles=[Role.COMMISSIONING_OFFICER])
    services.board_member_add(
        actor=officer, board=ssp, user=commissioner, role="member", joined_on=dt.date(2025, 1, 1)
    )
    page = as_user(commissioner).get(reverse("partnerships:board_list")).content.decode()
    assert "Safer Somerset Partnership" in page


# --- The quorum ---------------------------------------------------------------------------------


def _quorum_of(board):
    from partnerships.boards.selectors import meetings_body

    body = meetings_body(board)
    return body.quorum if body else None


def test_the_quorum_is_at_most_the_agencies_of_the_current_members(officer, ssp, members):
    # Ann sits for the police and Otto for housing: two agencies can be present.
    with pytest.raises(BoardError, match="come from 2 agencies, so the quorum cannot be more than 2"):
        services.board_quorum_set(actor=officer, board=ssp, quorum=3)
    with pytest.raises(BoardError, match="at least 1 agency"):
        services.board_quorum_set(actor=officer, board=ssp, quorum=0)
    assert _quorum_of(ssp) is None
    services.board_quorum_set(actor=officer, board=ssp, quorum=2)
    assert _quorum_of(ssp) == 2
    event = AuditEvent.objects.filter(object_type="meetings.body", action="change").latest("id")
    assert event.changed_fields == ["quorum"]
    services.board_quorum_set(actor=officer, board=ssp, quorum=None)
    assert _quorum_of(ssp) is None


def test_the_board_page_warns_when_a_member_leaving_puts_the_quorum_out_of_reach(
    as_user, officer, ssp, members
):
    ann, otto = members
    services.board_quorum_set(actor=officer, board=ssp, quorum=2)
    page = as_user(officer).get(reverse("partnerships:board_detail", args=["ssp"])).content.decode()
    assert "no meeting can be quorate" not in page
    # Otto, the only member for housing, leaves: the members now come from the police alone.
    services.board_member_leave(actor=officer, member=otto, left_on=dt.date(2025, 9, 1))
    page = as_user(officer).get(reverse("partnerships:board_detail", args=["ssp"])).content.decode()
    assert (
        "The quorum is 2 agencies, but the board&#x27;s current members come from 1 agency, so no meeting "
        "can be quorate. Change the quorum or add members." in page
    )
    services.board_quorum_set(actor=officer, board=ssp, quorum=1)
    page = as_user(officer).get(reverse("partnerships:board_detail", args=["ssp"])).content.decode()
    assert "no meeting can be quorate" not in page


def test_a_board_without_members_cannot_have_a_quorum(officer):
    prevent = Board.objects.get(code="prevent")
    with pytest.raises(BoardError, match="no members yet"):
        services.board_quorum_set(actor=officer, board=prevent, quorum=1)
    services.board_quorum_set(actor=officer, board=prevent, quorum=None)
    assert _quorum_of(prevent) is None


def test_an_officer_sets_the_quorum_from_the_board_page(as_user, officer, ssp, members, meeting):
    client = as_user(officer)
    board_page = client.get(reverse("partnerships:board_detail", args=["ssp"])).content.decode()
    url = reverse("partnerships:board_quorum", args=["ssp"])
    assert f'href="{url}"' in board_page and "The board has no quorum set" in board_page
    form_page = client.get(url).content.decode()
    assert 'name="expected_version"' in form_page and "come from 2 agencies" in form_page
    version = form_page.split('name="expected_version" value="')[1].split('"')[0]

    response = client.post(url, {"quorum": "2", "expected_version": version})
    assert response.status_code == 302 and response.url == ssp.get_absolute_url()
    assert _quorum_of(ssp) == 2
    assert "2 agencies present" in client.get(ssp.get_absolute_url()).content.decode()
    # Nobody has been marked present yet: the meeting is not quorate.
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Not quorate" in meeting_page and "2 needed" in meeting_page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("three", "Enter the quorum as a whole number, for example 3"),
        ("0", "The quorum must be at least 1 agency, or leave it blank"),
        ("3", "so the quorum cannot be more than 2"),
    ],
)
def test_a_bad_quorum_is_refused_and_changes_nothing(as_user, officer, ssp, members, typed, message):
    services.board_quorum_set(actor=officer, board=ssp, quorum=1)
    client = as_user(officer)
    url = reverse("partnerships:board_quorum", args=["ssp"])
    version = client.get(url).content.decode().split('name="expected_version" value="')[1].split('"')[0]
    response = client.post(url, {"quorum": typed, "expected_version": version})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _quorum_of(ssp) == 1


def test_a_quorum_saved_over_a_colleagues_newer_one_is_refused(as_user, officer, ssp, members, council_team):
    colleague = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Colleague (synthetic)")
    client = as_user(officer)
    url = reverse("partnerships:board_quorum", args=["ssp"])
    services.board_quorum_set(actor=officer, board=ssp, quorum=1)
    version = client.get(url).content.decode().split('name="expected_version" value="')[1].split('"')[0]
    services.board_quorum_set(actor=colleague, board=ssp, quorum=2)  # while the officer's page is open

    refused = client.post(url, {"quorum": "1", "expected_version": version})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record at" in page and "They changed: Quorum" in page
    assert _quorum_of(ssp) == 2
    # The form is now based on the record as it stands: saving again is a deliberate choice.
    again = page.split('name="expected_version" value="')[1].split('"')[0]
    assert client.post(url, {"quorum": "1", "expected_version": again}).status_code == 302
    assert _quorum_of(ssp) == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("partnership_lead", 404), ("coordinator", 404)]
)
def test_only_officers_and_the_chair_set_the_quorum(request, as_user, officer, ssp, members, persona, status):
    """Otto is a member of the board, not its chair: he sees the board but may not set its quorum."""
    services.board_quorum_set(actor=officer, board=ssp, quorum=1)
    user = members[1].user if persona == "member" else request.getfixturevalue(persona)
    client = as_user(user)
    url = reverse("partnerships:board_quorum", args=["ssp"])
    assert client.get(url).status_code == status
    assert client.post(url, {"quorum": "2"}).status_code == status
    assert _quorum_of(ssp) == 1
    if persona == "member":
        assert url not in client.get(ssp.get_absolute_url()).content.decode()


def test_the_boards_chair_sets_its_quorum_with_the_same_rules_and_audit(as_user, ssp, members, meeting):
    """Ann chairs the partnership board and runs its meetings, so she sets its quorum: a quorum of
    3 is refused as an officer's would be (the members come from 2 agencies), 2 is saved and
    audited as hers."""
    ann, _ = members
    client = as_user(ann.user)
    url = reverse("partnerships:board_quorum", args=["ssp"])
    assert f'href="{url}"' in client.get(ssp.get_absolute_url()).content.decode()
    version = client.get(url).content.decode().split('name="expected_version" value="')[1].split('"')[0]
    refused = client.post(url, {"quorum": "3", "expected_version": version})
    assert refused.status_code == 200 and "so the quorum cannot be more than 2" in refused.content.decode()
    assert _quorum_of(ssp) is None
    response = client.post(url, {"quorum": "2", "expected_version": version})
    assert response.status_code == 302 and response.url == ssp.get_absolute_url()
    assert _quorum_of(ssp) == 2
    event = AuditEvent.objects.filter(object_type="meetings.body", action="change").latest("id")
    assert (event.actor_id, event.changed_fields) == (ann.user_id, ["quorum"])


def test_a_chair_sets_only_their_own_boards_quorum_and_only_while_chair(as_user, officer, ssp, members):
    ann, otto = members
    hinkley = Board.objects.get(code="hinkley")
    services.board_member_add(
        actor=officer, board=hinkley, user=otto.user, role="chair", joined_on=dt.date(2025, 4, 1)
    )
    client = as_user(otto.user)  # chairs the Hinkley group, is a member of the partnership board
    assert client.get(reverse("partnerships:board_quorum", args=["hinkley"])).status_code == 200
    assert client.post(reverse("partnerships:board_quorum", args=["ssp"]), {"quorum": "1"}).status_code == 403
    assert _quorum_of(ssp) is None
    services.board_member_leave(actor=officer, member=ann, left_on=dt.date(2025, 9, 1))
    # Ann has left the board: she no longer sees it, let alone its quorum.
    assert (
        as_user(ann.user)
        .post(reverse("partnerships:board_quorum", args=["ssp"]), {"quorum": "1"})
        .status_code
        == 404
    )
    assert _quorum_of(ssp) is None


def test_the_admin_shows_the_quorum_but_does_not_change_it(as_user, admin_user, officer, ssp, members):
    services.board_quorum_set(actor=officer, board=ssp, quorum=2)
    url = reverse("admin:partnerships_board_change", args=[ssp.pk])
    client = as_user(admin_user)
    page = client.get(url).content.decode()
    import re

    assert "Quorum" in page and 'name="meetings-body-owner_type-owner_id-0-venue"' in page
    assert not re.search(r'name="[^"]*-quorum"', page)
