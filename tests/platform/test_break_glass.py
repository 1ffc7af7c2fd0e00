"""Emergency ("break-glass") access to a restricted record (S9, issue 19.11): asked for with a
typed reason, lasting BREAK_GLASS_MINUTES, every page read during it audited with it, the
record's owners and the auditors told at once without personal data, each use reviewed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent, BreakGlassAccess

from ..factories import UserFactory
from ..partnerships.factories import MaracAreaFactory, ReferralFactory, make_group

pytestmark = pytest.mark.django_db

REASON = "Police called to the address tonight; need to know if the victim is known to MARAC."


@pytest.fixture
def restricted_case(coordinator):
    area = MaracAreaFactory()
    area.coordinators.set([coordinator])
    return ReferralFactory(area=area, restricted=True, reference="MARAC-2026-0042")


def _ask(client, reference="MARAC-2026-0042", reason=REASON, kind="marac_case"):
    return client.post(
        reverse("audit:break_glass_new"), {"kind": kind, "reference": reference, "reason": reason}
    )


def test_an_officer_opens_a_restricted_case_in_an_emergency_and_is_audited(
    as_user, officer, coordinator, auditor, restricted_case, django_capture_on_commit_callbacks, settings
):
    settings.BREAK_GLASS_MINUTES = 60
    client = as_user(officer)
    case_url = reverse("partnerships:referral_detail", args=[restricted_case.pk])
    assert client.get(case_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client)
    assert response.status_code == 302 and response["Location"] == case_url
    access = BreakGlassAccess.objects.get()
    assert (access.user, access.record_id, access.reason) == (officer, restricted_case.pk, REASON)
    assert timedelta(minutes=59) < access.expires_at - timezone.now() <= timedelta(minutes=60)
    opened = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert (opened.object_type, opened.object_id) == ("partnerships.referral", str(restricted_case.pk))
    assert opened.detail == {"break_glass": access.pk, "minutes": 60}

    # The coordinator of the case's area and the auditor are told at once; a link, no details.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([coordinator.email, auditor.email])
    body = message.subject + message.body
    assert "MARAC-2026-0042" not in body and "Police called" not in body
    assert restricted_case.victim.full_name not in body
    assert reverse("audit:break_glass_detail", args=[access.pk]) in message.body

    page = client.get(case_url)
    assert page.status_code == 200
    assert restricted_case.victim.full_name in page.content.decode()
    view = AuditEvent.objects.get(action=AuditAction.VIEW, request_id=page["X-Request-ID"])
    assert view.detail["break_glass"] == access.pk and view.detail["restricted_fields"] is True


def test_access_ends_after_the_set_time(as_user, officer, restricted_case, settings):
    settings.BREAK_GLASS_MINUTES = 60
    start = timezone.now()
    case_url = reverse("partnerships:referral_detail", args=[restricted_case.pk])
    with time_machine.travel(start, tick=False):
        client = as_user(officer)
        assert _ask(client).status_code == 302
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        client = as_user(officer)
        assert client.get(case_url).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        client = as_user(officer)
        assert client.get(case_url).status_code == 404


@pytest.mark.parametrize(
    ("reference", "reason", "message"),
    [
        ("MARAC-2026-0042", "urgent", "Enter why you need this record now, in a sentence or more."),
        ("MARAC-2026-9999", REASON, "There is no restricted MARAC case with the reference MARAC-2026-9999."),
    ],
)
def test_refusals_keep_what_was_typed(as_user, officer, restricted_case, reference, reason, message):
    response = _ask(as_user(officer), reference=reference, reason=reason)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and reference in page
    assert not BreakGlassAccess.objects.exists()


def test_a_case_you_can_already_see_needs_no_emergency_access(as_user, officer):
    ReferralFactory(reference="MARAC-2026-0007", restricted=False)
    response = _ask(as_user(officer), reference="MARAC-2026-0007")
    assert "You can already see this record" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_only_roles_that_could_see_the_kind_may_ask(as_user, coordinator, partnership_lead):
    # The coordinator sees every case already; a partnership lead sees no case at all.
    assert as_user(coordinator).get(reverse("audit:break_glass_new")).status_code == 403
    assert as_user(partnership_lead).get(reverse("audit:break_glass_new")).status_code == 403


def test_the_auditor_reviews_each_use_on_its_own_page(as_user, officer, auditor, restricted_case):
    client = as_user(officer)
    _ask(client)
    client.get(reverse("partnerships:referral_detail", args=[restricted_case.pk]))
    access = BreakGlassAccess.objects.get()
    detail_url = reverse("audit:break_glass_detail", args=[access.pk])
    # The person who used it does not read or review their own use.
    assert client.get(detail_url).status_code == 404

    auditing = as_user(auditor)
    listing = auditing.get(reverse("audit:break_glass_list")).content.decode()
    assert "MARAC-2026-0042" in listing and "Open now" in listing
    page = auditing.get(detail_url).content.decode()
    assert REASON in page and "partnerships:referral_detail" in page

    refused = auditing.post(detail_url, {"outcome": "not_justified", "note": ""})
    assert "Say what follow-up is needed." in refused.content.decode()
    assert auditing.post(detail_url, {"outcome": "justified", "note": ""}).status_code == 302
    access.refresh_from_db()
    assert (access.outcome, access.reviewed_by) == ("justified", auditor)
    assert "Every use has been reviewed." in auditing.get(reverse("audit:break_glass_list")).content.decode()
    assert auditing.post(detail_url, {"outcome": "not_justified", "note": "x"}).status_code == 403


def test_a_panel_member_opens_a_restricted_group_in_an_emergency(as_user, police, council_team):
    named = UserFactory(agency=police, roles=[Role.PANEL_MEMBER], full_name="Nia Named")
    other = UserFactory(agency=council_team, roles=[Role.PANEL_MEMBER], full_name="Oli Other")
    group = make_group(
        named,
        name="Red Line (synthetic)",
        line_names="RED 07700 900001",
        restricted=True,
        named_people=[named],
    )
    url = reverse("partnerships:ocg_detail", args=[group.pk])
    client = as_user(other)
    assert client.get(url).status_code == 404
    assert _ask(client, reference=group.reference, kind="organised_crime_group").status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    view = AuditEvent.objects.get(action=AuditAction.VIEW, request_id=page["X-Request-ID"])
    assert view.detail["break_glass"] == BreakGlassAccess.objects.get().pk


ASK_LINK = (
    '<a class="govuk-link" href="/audit/emergency-access/new/?kind=marac_case">request emergency access</a>'
)


def test_a_restricted_case_not_found_offers_emergency_access_to_those_who_may_ask(
    as_user, officer, partnership_lead, restricted_case
):
    case_url = reverse("partnerships:referral_detail", args=[restricted_case.pk])
    refused = as_user(officer).get(case_url)
    assert refused.status_code == 404
    assert ASK_LINK in refused.content.decode()
    # The same words for a case that does not exist: the page says nothing about which is which.
    missing = as_user(officer).get(reverse("partnerships:referral_detail", args=[restricted_case.pk + 1000]))
    assert missing.status_code == 404 and ASK_LINK in missing.content.decode()
    # Not where the page is not a MARAC case, nor for a role that could never see one.
    elsewhere = as_user(officer).get(reverse("reviews:detail", args=[999999]))
    assert elsewhere.status_code == 404 and "request emergency access" not in elsewhere.content.decode()
    lead = as_user(partnership_lead).get(case_url)
    assert lead.status_code in (403, 404) and "request emergency access" not in lead.content.decode()


def test_the_case_list_offers_emergency_access_and_the_form_starts_on_that_kind(
    as_user, officer, coordinator
):
    client = as_user(officer)
    listing = client.get(reverse("partnerships:referral_list")).content.decode()
    assert ASK_LINK in listing
    form = client.get(reverse("audit:break_glass_new") + "?kind=marac_case").content.decode()
    assert re.search(r'<input[^>]*value="marac_case"[^>]*checked', form)
    # A coordinator sees every case of their areas already: no offer.
    assert (
        "request emergency access"
        not in as_user(coordinator).get(reverse("partnerships:referral_list")).content.decode()
    )
