"""Distribution: the agenda, research list and minutes as PDFs for those who may see the
meeting, never for an agency not invited; each download a logged disclosure. The case at the
table: the agenda item page shows what the meeting needs."""

import datetime as dt

import pytest

from partnerships import services
from partnerships.models import AgendaItem
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from tests.factories import UserFactory

from .factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2024, 7, 10)


@pytest.fixture
def held(today_is, coordinator, area, police):
    """A meeting with one case (police invited), agenda sent on 3 July."""
    today_is(dt.date(2024, 7, 1))
    referral = ReferralFactory(
        area=area,
        referring_agency=Agency.objects.get(code="HEALTH"),
        referral_date=dt.date(2024, 6, 20),
        reference="CASE1",
        victim=PersonFactory(full_name="Alex Example (synthetic)"),
        professional_judgement=True,
        professional_judgement_reasons="Stalking after separation (synthetic).",
        dash_answers={"1": "yes", "2": "no"},
        children_in_household=2,
        status="referred",
    )
    earlier = ReferralFactory(
        area=area,
        victim=referral.victim,
        referral_date=dt.date(2023, 1, 5),
        reference="OLD1",
        status="heard",
        heard_date=dt.date(2023, 1, 20),
    )
    meeting = services.meeting_create(
        actor=coordinator, area=area, date=MEETING_DAY, chair=None, agencies=[police]
    )
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    today_is(dt.date(2024, 7, 3))
    services.meeting_send_agenda(actor=coordinator, meeting=meeting, sent_on=dt.date(2024, 7, 3))
    return meeting, referral, earlier


def _pdf(client, meeting, papers):
    return client.get(f"/partnerships/marac/meetings/{meeting.pk}/papers/{papers}.pdf")


def test_agenda_and_research_pdfs_for_an_invited_agency_404_for_one_not_invited(
    held, agency_rep, other_agency_rep, as_user
):
    meeting, _referral, _earlier = held
    invited = as_user(agency_rep)
    for papers in ("agenda", "research"):
        response = _pdf(invited, meeting, papers)
        assert response.status_code == 200, papers
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert "OFFICIAL-SENSITIVE" in response["Content-Disposition"]
    assert _pdf(invited, meeting, "minutes").status_code == 404  # not yet held
    outsider = as_user(other_agency_rep)
    for papers in ("agenda", "research", "minutes"):
        assert _pdf(outsider, meeting, papers).status_code == 404
    disclosed = AuditEvent.objects.filter(actor=agency_rep, action="disclose", object_id=str(meeting.pk))
    assert sorted(event.detail["papers"] for event in disclosed) == ["agenda", "research"]


def test_minutes_pdf_once_approved_for_the_invited_agency(held, coordinator, agency_rep, today_is, as_user):
    meeting, referral, _earlier = held
    today_is(MEETING_DAY)
    services.meeting_start(actor=coordinator, meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting)
    services.agenda_item_record(actor=coordinator, item=item, minutes="Safety plan agreed (synthetic).")
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    client = as_user(agency_rep)
    assert _pdf(client, meeting, "minutes").status_code == 404  # concluded, not yet approved
    assert _pdf(as_user(coordinator), meeting, "minutes").status_code == 200
    services.meeting_approve_minutes(actor=coordinator, meeting=meeting, approved_on=MEETING_DAY)
    assert _pdf(client, meeting, "minutes").status_code == 200
    assert _pdf(client, meeting, "nonsense").status_code == 404


def test_the_case_at_the_table(held, coordinator, agency_rep, today_is, as_user):
    meeting, referral, earlier = held
    services.research_return_record(
        actor=agency_rep,
        meeting=meeting,
        referral=referral,
        information_held=True,
        summary="Two call-outs in May (synthetic).",
        risks="Access to a shotgun",
        researched_on=dt.date(2024, 7, 3),
    )
    today_is(MEETING_DAY)
    services.meeting_start(actor=coordinator, meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting)
    body = as_user(coordinator).get(f"/partnerships/marac/agenda-items/{item.pk}/").content.decode()
    for expected in (
        "Referral <a",
        "20 June 2024",
        "Stalking after separation (synthetic).",
        "Professional judgement",
        "Children in the household",
        "Two call-outs in May (synthetic).",
        "Access to a shotgun",
        "Previous MARAC history",
        "OLD1",
        "heard 20 January 2023",
        "Minutes for this case",
    ):
        assert expected in body, expected


def test_an_officer_reads_the_agenda_pdf_but_not_the_research_list(held, officer, as_user):
    meeting, _referral, _earlier = held
    client = as_user(officer)
    assert _pdf(client, meeting, "agenda").status_code == 200
    assert _pdf(client, meeting, "research").status_code == 404


def test_a_rep_of_an_agency_invited_later_gets_the_papers(held, coordinator, as_user):
    meeting, _referral, _earlier = held
    probation = Agency.objects.get(code="PROBATION")
    rep = UserFactory(agency=probation, roles=[Role.AGENCY_REP])
    assert _pdf(as_user(rep), meeting, "agenda").status_code == 404
    services.meeting_invite_agency(actor=coordinator, meeting=meeting, agency=probation)
    assert _pdf(as_user(rep), meeting, "agenda").status_code == 200
