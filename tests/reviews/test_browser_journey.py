"""An officer takes a notification from arrival to a closed review in the browser, with a
pause and a QA resubmission, and every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from reviews.models import Notification, Stage
from somerset_safety.accounts.roles import Role

from ..factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Walker:
    def __init__(self, page, check):
        self.page = page
        self.check = check

    def date(self, name: str, day: int, month: int, year: int = 2026):
        self.page.fill(f"input[name='{name}_0']", str(day))
        self.page.fill(f"input[name='{name}_1']", str(month))
        self.page.fill(f"input[name='{name}_2']", str(year))

    def submit(self, label: str):
        self.page.locator("main form").get_by_role("button", name=label).click()
        self.page.wait_for_load_state()

    def open(self, link_text: str):
        self.page.get_by_role("link", name=link_text, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check(self.page)

    def success(self):
        assert "There is a problem" not in self.page.content(), self.page.content()[:3000]
        self.check(self.page)

    def move(self, link_text: str, day: int, month: int):
        self.open(link_text)
        self.date("on", day, month)
        self.submit("Confirm")
        self.success()

    def upload(self, kind_label: str, filename: str):
        self.open("Upload a document")
        self.page.select_option("select[name=kind]", label=kind_label)
        self.page.set_input_files(
            "input[name=document]", files=[{"name": filename, "mimeType": "application/pdf", "buffer": PDF}]
        )
        self.submit("Upload document")
        self.success()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_runs_a_review_from_notification_to_closure(
    live_server, browser_page, sign_in, assert_accessible, officer, police
):
    UserFactory(roles=[Role.REVIEW_CHAIR], full_name="Chris Chair")
    page = browser_page
    w = Walker(page, assert_accessible)
    sign_in(page, live_server.url, officer)

    page.goto(f"{live_server.url}/reviews/")
    assert_accessible(page)
    w.open("Record a notification")
    w.date("notified_on", 31, 1)
    w.date("date_of_death", 20, 1)
    page.select_option("select[name=notifying_agency]", label=police.name)
    page.select_option("select[name=area]", label="Mendip")
    page.fill("input[name=victim_name]", "Browser Victim (synthetic)")
    page.check("input[name=relationship][value=intimate_partner]")
    page.check("input[name=death_type][value=homicide]")
    # A mistake first: nothing typed is lost.
    w.date("date_of_death", 5, 2)
    w.submit("Save notification")
    expect(page.locator("body")).to_contain_text("The date of death must be on or before the date notified")
    assert page.input_value("input[name=victim_name]") == "Browser Victim (synthetic)"
    assert_accessible(page)
    w.date("date_of_death", 20, 1)
    w.submit("Save notification")
    w.success()
    notification = Notification.objects.get()
    expect(page.locator("body")).to_contain_text(notification.reference)

    w.open("Record the decision")
    page.check("input[name=decision][value=review]")
    w.date("decision_date", 10, 2)
    page.fill("input[name=decision_maker]", "Chair of the Safer Somerset Partnership")
    page.fill("textarea[name=rationale]", "Criteria met (synthetic).")
    w.date("home_office_told_on", 11, 2)
    w.submit("Record decision")
    w.success()

    w.open("Change chair and author")
    page.select_option("select[name=chair]", label="Chris Chair")
    w.submit("Save chair and author")
    w.success()
    w.open("Add a panel member")
    page.select_option("select[name=agency]", label=police.name)
    page.fill("input[name=name]", "DI Panel (synthetic)")
    page.fill("input[name=role]", "Detective Inspector")
    w.submit("Add panel member")
    w.success()
    w.move("Record chair appointed and panel formed", 12, 2)

    w.open("Record terms of reference agreed")
    w.date("on", 13, 2)
    w.date("scope_start", 1, 1, 2024)
    w.date("scope_end", 1, 1, 2026)
    page.fill("textarea[name=key_lines_of_enquiry]", "Agency contact with the victim.")
    w.submit("Confirm")
    w.success()

    w.open("Request a report from an agency")
    page.select_option("select[name=agency]", label=police.name)
    page.check("input[name=report_type][value=imr]")
    w.date("requested_on", 14, 2)
    w.date("due_on", 28, 3)
    w.submit("Add request")
    w.success()
    w.move("Record agency reports requested", 14, 2)
    w.move("Start information gathering and panel meetings", 15, 2)

    # A pause for the criminal trial: moving on is refused until it ends.
    w.open("Pause the review")
    page.check("input[name=reason][value=criminal_trial]")
    w.date("started_on", 1, 3)
    w.submit("Pause the review")
    w.success()
    expect(page.locator("body")).to_contain_text("Paused: Criminal trial")
    w.open("End the pause")
    w.date("ended_on", 31, 3)
    w.submit("End the pause")
    w.success()

    w.upload("Overview report (draft)", "overview-v1.pdf")
    w.move("Record the draft overview report", 1, 4)
    w.move("Record that the family has seen the draft", 10, 4)
    w.move("Record partnership sign-off", 20, 4)
    w.move("Record submission to Home Office quality assurance", 1, 5)

    w.open("Record the quality assurance outcome")
    page.check("input[name=outcome][value=resubmit]")
    w.date("on", 1, 6)
    w.submit("Record outcome")
    w.success()
    # Resubmission loops back through a revised draft.
    w.upload("Overview report (draft)", "overview-v2.pdf")
    w.move("Record the draft overview report", 2, 6)
    w.move("Record that the family has seen the draft", 10, 6)
    w.move("Record partnership sign-off", 20, 6)
    w.move("Record submission to Home Office quality assurance", 1, 7)
    w.open("Record the quality assurance outcome")
    page.check("input[name=outcome][value=approved]")
    w.date("on", 1, 8)
    w.submit("Record outcome")
    w.success()

    w.open("Record contact with the family")
    w.date("contacted_on", 2, 8)
    page.fill("input[name=contact_relationship]", "Sister")
    page.fill("input[name=method]", "Meeting")
    page.check("input[name=consent][value=given]")
    page.fill("input[name=pseudonym_agreed]", "Jo")
    page.check("input[name=leaflet_given]")
    w.submit("Record contact")
    w.success()
    w.upload("Overview report (published)", "overview.pdf")
    w.open("Record the changes made after quality assurance")
    page.fill("input[name=qa_reference]", "QA/2026/042 (synthetic)")
    page.fill("textarea[name=changes_after_qa]", "Chronology corrected as the panel asked (synthetic).")
    w.submit("Save")
    w.success()
    expect(page.locator("main")).to_contain_text("Submitted 2 times (1 resubmission)")
    w.move("Record publication", 1, 9)
    w.move("Record the copy sent to the Domestic Abuse Commissioner", 2, 9)

    w.open("Add a recommendation")
    page.check("input[name=scope][value=local]")
    page.select_option("select[name=owning_agency]", label=police.name)
    page.fill("textarea[name=text]", "Train call handlers on coercive control.")
    w.submit("Add recommendation")
    w.success()
    w.open("Add an action to recommendation 1")
    page.fill("textarea[name=description]", "Deliver training to all call handlers.")
    page.fill("input[name=lead_officer]", "Inspector Lead (synthetic)")
    w.date("target_date", 1, 10)
    w.submit("Add action")
    w.success()
    w.move("Start action plan monitoring", 3, 9)

    # Closing is refused until the action is complete with evidence: the review page says why
    # instead of offering the move.
    expect(page.locator("body")).to_contain_text("Close the review: 1 action is not complete")
    assert page.get_by_role("link", name="Close the review", exact=True).count() == 0
    assert_accessible(page)
    w.open("Deliver training to all call handlers.")
    w.open("Mark the action complete and send the evidence")
    w.date("completed_on", 15, 10)
    page.fill(
        "textarea[name=evidence_of_outcome]", "Audit of 50 calls: 46 asked the coercive control questions."
    )
    w.submit("Mark complete and send the evidence")
    w.success()
    # The officer sent it for the agency, and accepts it: only then does it count.
    w.open("Accept the evidence")
    w.submit("Accept the evidence")
    w.success()
    page.goto(f"{live_server.url}{notification.get_absolute_url()}")
    w.move("Close the review", 20, 10)

    notification.review.refresh_from_db()
    assert notification.review.stage == Stage.CLOSED
    expect(page.locator("body")).to_contain_text("Closed")
    page.goto(f"{live_server.url}/reviews/recommendations/")
    expect(page.locator("body")).to_contain_text("100%")
    assert_accessible(page)
