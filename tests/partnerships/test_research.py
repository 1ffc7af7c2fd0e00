"""The research stage: from the day the agenda is sent until MARAC_RESEARCH_DAYS_AFTER days after
the meeting, every invited agency sees the research list for the unrestricted cases on the agenda
(restricted cases only where the coordinator opened them to it), each view audited; afterwards
the need-to-know rule applies again. Agencies record a research return per case."""

import datetime as dt

import pytest

from partnerships import services
from partnerships.exceptions import MaracError
from partnerships.models import PersonRole, ResearchReturn
from partnerships.permissions import identity_visible, referrals_visible_to
from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditEvent

from .factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2024, 7, 10)  # a Wednesday; research closes 7 days later, on 17 July
SENT = dt.date(2024, 7, 3)


@pytest.fixture
def research(today_is, coordinator, area, police, housing):
    today_is(dt.date(2024, 7, 1))
    health = Agency.objects.get(code="HEALTH")
    open_case = ReferralFactory(
        area=area,
        referring_agency=health,
        referral_date=dt.date(2024, 6, 20),
        reference="OPEN1",
        victim=PersonFactory(full_name="Alex Example (synthetic)"),
        status="referred",
    )
    restricted = ReferralFactory(
        area=area,
        referring_agency=health,
        referral_date=dt.date(2024, 6, 21),
        reference="SHUT1",
        restricted=True,
        victim=PersonFactory(full_name="Sam Sample (synthetic)"),
        perpetrator=PersonFactory(role=PersonRole.PERPETRATOR, full_name="Pat Perp (synthetic)"),
        status="referred",
    )
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=MEETING_DAY, chair=None, agencies=[police, housing]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    return meeting, open_case, restricted


def _send(coordinator, meeting, today_is):
    today_is(SENT)
    services.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=SENT)


def test_before_the_agenda_is_sent_an_invited_agency_sees_no_identity(research, agency_rep, as_user):
    meeting, open_case, restricted = research
    assert identity_visible(agency_rep, open_case) is False
    assert restricted.pk not in referrals_visible_to(agency_rep).values_list("pk", flat=True)
    page = as_user(agency_rep).get(f"/partnerships/marac/meetings/{meeting.pk}/research/")
    body = page.content.decode()
    assert page.status_code == 200 and "opens when the MARAC coordinator sends the agenda" in body
    assert "Alex Example" not in body


def test_during_the_stage_every_invited_agency_researches_unrestricted_cases(
    research, coordinator, agency_rep, other_agency_rep, today_is, as_user
):
    meeting, open_case, restricted = research
    _send(coordinator, meeting, today_is)
    today_is(dt.date(2024, 7, 17))  # the last day: the meeting plus 7 days
    assert identity_visible(agency_rep, open_case) and identity_visible(other_agency_rep, open_case)
    assert identity_visible(agency_rep, restricted) is False
    body = as_user(agency_rep).get(f"/partnerships/marac/meetings/{meeting.pk}/research/").content.decode()
    assert "Alex Example (synthetic)" in body and "1 January 1990" in body
    assert "Sam Sample" not in body and "Pat Perp" not in body and "Restricted" in body
    viewed = AuditEvent.objects.filter(
        actor=agency_rep, action="view", object_type="partnerships.referral", object_id=str(open_case.pk)
    )
    assert [event.detail["research_list"] for event in viewed] == [meeting.pk]
    assert not AuditEvent.objects.filter(
        actor=agency_rep, action="view", object_type="partnerships.referral", object_id=str(restricted.pk)
    ).exists()


def test_restricted_case_opened_to_one_agency_only(
    research, coordinator, agency_rep, other_agency_rep, police, today_is, as_user
):
    meeting, _open_case, restricted = research
    _send(coordinator, meeting, today_is)
    services.research_access_set(actor=coordinator, meeting=meeting, referral=restricted, agencies=[police])
    assert identity_visible(agency_rep, restricted) is True
    assert identity_visible(other_agency_rep, restricted) is False
    assert restricted.pk not in referrals_visible_to(other_agency_rep).values_list("pk", flat=True)
    body = as_user(agency_rep).get(f"/partnerships/marac/meetings/{meeting.pk}/research/").content.decode()
    assert "Sam Sample (synthetic)" in body and "Pat Perp (synthetic)" in body
    with pytest.raises(MaracError, match="invited"):
        services.research_access_set(
            actor=coordinator,
            meeting=meeting,
            referral=restricted,
            agencies=[Agency.objects.get(code="HEALTH")],
        )


def test_after_the_stage_the_need_to_know_rule_returns(
    research, coordinator, agency_rep, police, today_is, as_user
):
    meeting, open_case, restricted = research
    _send(coordinator, meeting, today_is)
    services.research_access_set(actor=coordinator, meeting=meeting, referral=restricted, agencies=[police])
    today_is(dt.date(2024, 7, 18))
    assert identity_visible(agency_rep, open_case) is False
    assert identity_visible(agency_rep, restricted) is False
    visible = set(referrals_visible_to(agency_rep).values_list("pk", flat=True))
    assert open_case.pk in visible and restricted.pk not in visible
    body = as_user(agency_rep).get(f"/partnerships/marac/meetings/{meeting.pk}/research/").content.decode()
    assert "closed on 17 July 2024" in body and "Alex Example" not in body


def test_an_agency_not_invited_never_researches(research, coordinator, today_is, as_user, council_team):
    from somerset_safety.accounts.roles import Role
    from tests.factories import UserFactory

    meeting, open_case, _restricted = research
    _send(coordinator, meeting, today_is)
    outsider = UserFactory(agency=Agency.objects.get(code="PROBATION"), roles=[Role.AGENCY_REP])
    assert identity_visible(outsider, open_case) is False
    assert as_user(outsider).get(f"/partnerships/marac/meetings/{meeting.pk}/research/").status_code == 404


def test_research_returns_and_who_has_not_returned(
    research, coordinator, agency_rep, other_agency_rep, today_is, as_user
):
    meeting, open_case, restricted = research
    with pytest.raises(MaracError, match="not researching"):
        services.research_return_record(
            actor=agency_rep, meeting=meeting, referral=open_case, information_held=False, researched_on=SENT
        )
    _send(coordinator, meeting, today_is)
    with pytest.raises(MaracError, match="Summarise"):
        services.research_return_record(
            actor=agency_rep, meeting=meeting, referral=open_case, information_held=True, researched_on=SENT
        )
    with pytest.raises(MaracError, match="not researching"):
        services.research_return_record(
            actor=agency_rep, meeting=meeting, referral=restricted, information_held=False, researched_on=SENT
        )
    client = as_user(agency_rep)
    url = f"/partnerships/marac/meetings/{meeting.pk}/research/{open_case.pk}/"
    refused = client.post(
        url,
        {
            "information_held": "yes",
            "summary": "",
            "researched_on_0": "3",
            "researched_on_1": "7",
            "researched_on_2": "2024",
        },
    )
    assert "Summarise the information your agency holds" in refused.content.decode()
    saved = client.post(
        url,
        {
            "information_held": "yes",
            "summary": "Two call-outs in May (synthetic).",
            "risks": "Weapons",
            "researched_on_0": "3",
            "researched_on_1": "7",
            "researched_on_2": "2024",
        },
    )
    assert saved.status_code == 302
    found = ResearchReturn.objects.get()
    assert (found.agency_id, found.information_held, found.researched_on) == (
        agency_rep.agency_id,
        True,
        SENT,
    )
    body = as_user(coordinator).get(f"/partnerships/marac/meetings/{meeting.pk}/research/").content.decode()
    # Police: 1 unrestricted case to research, returned. Housing: 1 to research, OPEN1 missing.
    assert "Research returns by agency" in body and "OPEN1" in body
    from partnerships.selectors import research_returns_by_agency

    rows = {
        row["agency"].code: (row["due"], row["returned"], row["missing"])
        for row in research_returns_by_agency(meeting)
    }
    assert rows == {"POLICE": (1, 1, []), "HOUSING": (1, 0, ["OPEN1"])}


def test_representation_by_agency_per_quarter(
    research, coordinator, agency_rep, police, housing, today_is, django_assert_num_queries
):
    from partnerships.models import AgendaItem
    from partnerships.selectors import last_quarters, representation_by_agency

    meeting, open_case, _restricted = research
    _send(coordinator, meeting, today_is)
    services.research_return_record(
        actor=agency_rep, meeting=meeting, referral=open_case, information_held=False, researched_on=SENT
    )
    today_is(MEETING_DAY)
    services.meeting_record_attendance(
        actor=coordinator,
        meeting=meeting,
        entries={police.pk: ("present", "PC (synthetic)"), housing.pk: ("apologies", "")},
    )
    services.meeting_start(actor=coordinator, meeting=meeting)
    for item in AgendaItem.objects.filter(meeting=meeting):
        services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed (synthetic).")
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    quarters = last_quarters(dt.date(2024, 7, 20))
    assert [label for label, _, _ in quarters] == [
        "Oct–Dec 2023",
        "Jan–Mar 2024",
        "Apr–Jun 2024",
        "Jul–Sep 2024",
    ]
    with django_assert_num_queries(1):  # one aggregate, whatever the number of meetings
        rows = {row["agency"]: row["quarters"][-1] for row in representation_by_agency(quarters)}
    # Police: present at 1 of 1; 1 unrestricted case to research, returned. Housing: apologies;
    # the same case not returned. The restricted case was opened to no one, so nobody owed it.
    assert {
        name: (c["present"], c["invited"], c["attendance_rate"], c["returned"], c["due"], c["return_rate"])
        for name, c in rows.items()
    } == {
        police.name: (1, 1, 100, 1, 1, 100),
        housing.name: (0, 1, 0, 0, 1, 0),
    }
    from partnerships.reporting import representation_declaration
    from partnerships.selectors import representation_figures
    from somerset_safety.reports.disclosure import shown

    figures = representation_figures(dt.date(2024, 7, 20))
    # Counts of meetings and returns are records: a partnership lead sees the 1s and 0s as they are.
    protected = shown(figures, representation_declaration, suppress=True)
    police_row = next(row for row in protected["agencies"] if row["agency"] == police.name)
    assert (police_row["quarters"][-1]["present"], police_row["quarters"][-1]["return_rate"]) == (1, 100)
    # Before the meeting concluded nothing is counted.
    assert representation_figures(dt.date(2024, 7, 9))["agencies"] == []


def test_the_dashboard_shows_representation_to_a_partnership_lead(as_user, partnership_lead):
    body = as_user(partnership_lead).get("/dashboard/").content.decode()
    assert (
        "MARAC: representation by agency" in body and "No MARAC meetings concluded in these quarters." in body
    )
