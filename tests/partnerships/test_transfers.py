"""A case moving to another MARAC area keeps its history; the receiving coordinators are told once."""

import datetime as dt

import pytest
from django.core import mail

from partnerships import services
from partnerships.exceptions import MaracError
from partnerships.models import AgendaCase, ReferralTransfer
from partnerships.notices import transfer_notice_send
from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory

from .factories import MaracAreaFactory, MeetingFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving(area, coordinator, council_team):
    other = MaracAreaFactory(code="OTHER", name="Other MARAC (synthetic)")
    receiving = UserFactory(agency=council_team, roles=[Role.MARAC_COORDINATOR], email="recv@example.invalid")
    other.coordinators.add(receiving)
    heard = ReferralFactory(
        area=area,
        referral_date=dt.date(2024, 1, 5),
        status="heard",
        heard_date=dt.date(2024, 1, 20),
        reference="H1",
    )
    listed = ReferralFactory(
        area=area, victim=heard.victim, referral_date=dt.date(2024, 6, 1), reference="L1"
    )
    meeting = MeetingFactory(area=area, date=dt.date(2024, 7, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    return other, heard, listed, meeting


def test_transfer_keeps_history_leaves_the_old_agenda_and_tells_the_new_coordinators_once(
    coordinator, moving, django_capture_on_commit_callbacks
):
    other, heard, listed, meeting = moving
    listed.refresh_from_db()
    assert listed.status == "listed"
    with django_capture_on_commit_callbacks(execute=True):
        transfer = services.referral_transfer(
            actor=coordinator, referral=listed, to_area=other, reason="The victim moved (synthetic)."
        )
    listed.refresh_from_db()
    assert (listed.area_id, listed.status, listed.reference) == (other.pk, "referred", "L1")
    assert not AgendaCase.objects.filter(referral=listed, item__meeting=meeting).exists()
    assert [m.to for m in mail.outbox] == [["recv@example.invalid"]]
    assert "L1" not in mail.outbox[0].body and f"/marac/referrals/{listed.pk}/" in mail.outbox[0].body
    assert transfer_notice_send(transfer_id=transfer.pk) == 0  # sent once
    assert len(mail.outbox) == 1
    next_meeting = MeetingFactory(area=other, date=dt.date(2024, 8, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=next_meeting)
    assert AgendaCase.objects.filter(referral=listed, item__meeting=next_meeting).exists()
    services.referral_transfer(actor=coordinator, referral=heard, to_area=other, reason="Moved too")
    heard.refresh_from_db()
    assert (heard.status, heard.heard_date) == ("heard", dt.date(2024, 1, 20))
    assert ReferralTransfer.objects.filter(referral=heard).get().from_area.code == "TESTAREA"


def test_transfer_refusals(coordinator, moving, area):
    other, heard, _listed, _meeting = moving
    with pytest.raises(MaracError, match="already in"):
        services.referral_transfer(actor=coordinator, referral=heard, to_area=area, reason="x")
    with pytest.raises(MaracError, match="reason"):
        services.referral_transfer(actor=coordinator, referral=heard, to_area=other, reason="  ")


def test_transfer_page_for_the_coordinator_only(as_user, coordinator, agency_rep, moving):
    other, heard, _listed, _meeting = moving
    url = f"/partnerships/marac/referrals/{heard.pk}/transfer/"
    assert as_user(agency_rep).get(url).status_code in (403, 404)
    client = as_user(coordinator)
    refused = client.post(url, {"to_area": str(other.pk), "reason": ""})
    assert "Enter the reason for the transfer" in refused.content.decode()
    assert client.post(url, {"to_area": str(other.pk), "reason": "Moved (synthetic)"}).status_code == 302
