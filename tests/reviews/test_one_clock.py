"""Every page reads a DHR's clocks from the stored deadline rows through one function: the
review page, the tracker, My deadlines, the dashboard figures and the Executive paper's section
say the same thing, before and after a pause ends and a waiver is withdrawn."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reviews import services
from reviews.deadlines import KIND_AGENCY_REPORT, KIND_COMPLETION
from somerset_safety.accounts.models import Agency
from somerset_safety.deadlines.models import Deadline
from somerset_safety.deadlines.selectors import deadline_figures
from somerset_safety.deadlines.services import deadline_unwaive, deadline_waive

from .factories import advance_to, make_review, pdf

pytestmark = pytest.mark.django_db


def _pages(as_user, officer, agency_rep, other_agency_rep, notification) -> dict[str, str]:
    officer_client = as_user(officer)
    return {
        "review page": officer_client.get(notification.get_absolute_url()).content.decode(),
        "tracker": officer_client.get(reverse("reviews:tracker")).content.decode(),
        "my deadlines (officer)": officer_client.get(reverse("deadlines:mine")).content.decode(),
        "my deadlines (police)": as_user(agency_rep).get(reverse("deadlines:mine")).content.decode(),
        "my deadlines (housing)": as_user(other_agency_rep).get(reverse("deadlines:mine")).content.decode(),
    }


def _paper(as_of: date) -> str:
    return " ".join(
        render_to_string(
            "deadlines/report_section.html", {"data": deadline_figures(as_of), "number": 4, "suppress": False}
        ).split()
    )


def test_every_page_says_the_same_about_a_pause_a_late_report_and_a_waiver(
    as_user, officer, agency_rep, other_agency_rep
):
    # Decided 10 February 2026: completion due 10 August 2026. Today is 1 November 2026.
    review = advance_to(make_review(officer, case_officer=officer), "reports_requested", officer)
    notification = review.notification
    imr = review.report_requests.get()  # police, requested 12 February, due 26 March 2026
    services.report_request_receive(
        actor=officer, request=imr, received_on=date(2026, 4, 5), uploaded_file=pdf()
    )
    summary = services.report_request_create(
        actor=officer,
        review=review,
        agency=Agency.objects.get(code="HOUSING"),
        report_type="summary",
        requested_on=date(2026, 2, 12),
        due_on=date(2026, 3, 26),
    )
    summary_deadline = Deadline.objects.get(kind=KIND_AGENCY_REPORT, key=str(summary.pk))
    deadline_waive(actor=officer, deadline=summary_deadline, reason="Housing had no contact (synthetic).")
    pause = services.pause_start(
        actor=officer, review=review, reason="criminal_trial", started_on=date(2026, 7, 1)
    )

    pages = _pages(as_user, officer, agency_rep, other_agency_rep, notification)
    for name in ("review page", "tracker", "my deadlines (officer)"):
        assert "Paused since 1 July 2026" in pages[name], name
    for name in ("review page", "my deadlines (police)"):
        assert "Met 5 April 2026, 10 days late" in pages[name], name
    for name in ("review page", "my deadlines (housing)"):
        assert "Waived 1 November 2026" in pages[name], name
    totals = deadline_figures(date(2026, 11, 1))["totals"]
    # Decision met on 10 February (due 28 February); the IMR late; the summary waived; completion
    # paused. The decision in time also meets the s9 duty's first cycle (due 1 April 2027) on time.
    assert (totals["met_on_time"], totals["met_late"], totals["waived"], totals["paused"], totals["overdue"]) == (
        2, 1, 1, 1, 0
    )  # fmt: skip
    assert (
        "0 deadlines across the partnership were overdue, 0 due soon and 1 paused. Of those met, 2 were met "
        "on time and 1 late; 1 was waived" in _paper(date(2026, 11, 1))
    )

    # The pause ends on 10 September: 72 days (1 July to 10 September) move completion to 21 October.
    services.pause_end(actor=officer, pause=pause, ended_on=date(2026, 9, 10))
    deadline_unwaive(actor=officer, deadline=summary_deadline, reason="Housing found a record (synthetic).")
    assert Deadline.objects.get(kind=KIND_COMPLETION).due_date == date(2026, 10, 21)

    pages = _pages(as_user, officer, agency_rep, other_agency_rep, notification)
    for name in ("review page", "tracker", "my deadlines (officer)"):
        assert "11 days overdue (due 21 October 2026)" in pages[name], name
        assert "Paused since" not in pages[name], name
    for name in ("review page", "my deadlines (housing)"):
        assert "220 days overdue (due 26 March 2026)" in pages[name], name
        assert "Waived 1 November 2026" not in pages[name], name
    totals = deadline_figures(date(2026, 11, 1))["totals"]
    assert (totals["met_on_time"], totals["met_late"], totals["waived"], totals["paused"], totals["overdue"]) == (
        2, 1, 0, 0, 2
    )  # fmt: skip
    assert (
        "2 deadlines across the partnership were overdue, 0 due soon and 0 paused. Of those met, 2 were met "
        "on time and 1 late; 0 were waived" in _paper(date(2026, 11, 1))
    )
