"""An officer records a subject access request, searches for the person, withholds one record
(refused first without a reason, the choice kept), discloses the other and downloads the bundle,
in a real browser, with axe-core on every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.records.models import ItemDecision, SubjectAccessRequest
from tests.duties.factories import make_notification as make_slavery_record
from tests.factories import UserFactory
from tests.reviews.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_produces_a_subject_access_bundle(
    browser_page, live_server, sign_in, assert_accessible, council_team
):
    page = browser_page
    officer = UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Olive Officer")
    dhr = NotificationFactory(victim_name="Robin Requester")
    slavery = make_slavery_record(officer, person_name="Robin Requester", date_of_birth=dt.date(1988, 5, 6))
    sign_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/records/requests/")
    expect(page.locator("h1")).to_have_text("Subject access requests")
    assert_accessible(page)
    page.get_by_role("link", name="Record a request").click()
    assert_accessible(page)
    page.get_by_label("UK GDPR (Article 15)").check()
    today = dt.date.today()
    received = page.get_by_role("group", name="Date received")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Name of the person the request is about").fill("Robin Requester")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("6")
    born.get_by_label("Month").fill("5")
    born.get_by_label("Year").fill("1988")
    page.get_by_role("button", name="Record the request").click()
    sar = SubjectAccessRequest.objects.get()
    expect(page.locator("h1")).to_have_text(sar.reference)
    assert_accessible(page)

    page.get_by_role("link", name="Search for the person").click()
    expect(page.locator("h1")).to_have_text("Search for the person")
    assert_accessible(page)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-table").first).to_contain_text(dhr.reference)
    expect(page.locator(".govuk-table").first).to_contain_text(slavery.reference)
    assert_accessible(page)

    page.get_by_role("link", name=dhr.reference).click()
    expect(page.locator("dl")).to_contain_text("Robin Requester")
    assert_accessible(page)
    page.get_by_label("Withhold it").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the record is withheld")
    expect(page.get_by_label("Withhold it")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Why it is withheld (if withheld)").fill("About another person with the same name")
    page.get_by_role("button", name="Save the decision").click()

    page.get_by_role("link", name=slavery.reference).click()
    page.get_by_label("Disclose it").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("h1")).to_have_text(sar.reference)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bundle (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSE, object_id=str(sar.pk))
    assert event.detail["disclosed"] == [f"slavery_record:{slavery.pk}"]
    assert event.detail["withheld"] == [f"dhr_notification:{dhr.pk}"]
    assert dict(sar.items.values_list("source", "decision")) == {
        "dhr_notification": ItemDecision.WITHHOLD,
        "slavery_record": ItemDecision.DISCLOSE,
    }
