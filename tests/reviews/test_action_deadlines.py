"""A DHR recommendation action's target date is a registered deadline of the owning agency: on
time, met late, open again when the evidence is returned or the action reopened, moved with the
target date, seen in My deadlines by the agency that owns it (and no other), waived only by an
officer. Tests run on 1 November 2026 (tests/reviews/conftest.py)."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.deadlines import KIND_ACTION
from somerset_safety.deadlines.exceptions import DeadlineError
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.deadlines.services import deadline_waive
from somerset_safety.deadlines.state import clock_state

from .factories import make_review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)


def _action(officer, agency, *, target: date):
    review = make_review(officer)
    rec = services.recommendation_add(
        actor=officer, review=review, scope="local", owning_agency=agency, text="Ask about abuse."
    )
    return services.action_add(
        actor=officer,
        recommendation=rec,
        description="Brief every housing officer",
        lead_officer="Head of Housing (synthetic)",
        target_date=target,
    )


def _deadline(action) -> Deadline:
    return Deadline.objects.get(kind=KIND_ACTION, subject_id=action.pk)


def test_the_target_date_is_the_owning_agencys_deadline(officer, housing):
    action = _action(officer, housing, target=date(2026, 12, 1))
    deadline = _deadline(action)
    assert deadline.subject_type == "reviews.action"
    assert deadline.due_date == date(2026, 12, 1)
    assert deadline.responsible_agency == housing
    assert list(deadline.responsible_users.all()) == []
    assert (
        deadline.label
        == f"{action.recommendation.review.reference} recommendation 1: action for {housing.name}"
    )
    assert deadline.subject_reference == f"{action.recommendation.review.reference} recommendation 1"
    # 1 December is 30 days after 1 November: more than the 14 days of "due soon".
    assert clock_state(deadline, TODAY).detail == "Due 1 December 2026"


def test_completed_after_the_target_is_met_late_and_stays_so_when_accepted(officer, housing):
    action = _action(officer, housing, target=date(2026, 10, 15))
    assert clock_state(_deadline(action), TODAY).detail == "17 days overdue (due 15 October 2026)"
    services.action_submit(
        actor=officer,
        action=action,
        completed_on=date(2026, 10, 20),
        evidence_of_outcome="Audit of 50 files.",
    )
    deadline = _deadline(action)
    assert (deadline.status, deadline.met_on) == (DeadlineStatus.MET, date(2026, 10, 20))
    # 20 October is 5 days after 15 October.
    assert clock_state(deadline, TODAY).detail == "Met 20 October 2026, 5 days late"
    services.action_accept(actor=officer, action=action)
    assert clock_state(_deadline(action), TODAY).key == "met_late"


def test_completed_on_the_target_is_met_on_time(officer, housing):
    action = _action(officer, housing, target=date(2026, 10, 15))
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 15), evidence_of_outcome="Audit."
    )
    assert clock_state(_deadline(action), TODAY).detail == "Met 15 October 2026"


def test_returned_evidence_and_a_reopened_action_open_the_clock_again(officer, housing):
    action = _action(officer, housing, target=date(2026, 10, 25))
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 20), evidence_of_outcome="Audit."
    )
    services.action_return(actor=officer, action=action, reason="Attach the audit.")
    deadline = _deadline(action)
    assert (deadline.status, deadline.met_on) == (DeadlineStatus.OPEN, None)
    assert clock_state(deadline, TODAY).detail == "7 days overdue (due 25 October 2026)"
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 24), evidence_of_outcome="Audit attached."
    )
    services.action_accept(actor=officer, action=action)
    assert clock_state(_deadline(action), TODAY).detail == "Met 24 October 2026"
    services.action_reopen(actor=officer, action=action, reason="The audit was of another team.")
    assert clock_state(_deadline(action), TODAY).detail == "7 days overdue (due 25 October 2026)"


def test_a_changed_target_date_moves_the_deadline(officer, housing):
    action = _action(officer, housing, target=date(2026, 10, 15))
    services.action_change(
        actor=officer,
        action=action,
        description=action.description,
        lead_officer=action.lead_officer,
        target_date=date(2026, 11, 10),
    )
    # 10 November is 9 days away: due soon.
    assert clock_state(_deadline(action), TODAY).detail == "Due in 9 days (10 November 2026)"


def test_my_deadlines_shows_it_to_the_owning_agency_only(
    as_user, officer, agency_rep, other_agency_rep, housing
):
    action = _action(officer, housing, target=date(2026, 12, 1))
    reference = f"{action.recommendation.review.reference} recommendation 1"
    housing_page = as_user(other_agency_rep).get(reverse("deadlines:mine")).content.decode()
    assert reference in housing_page
    assert action.get_absolute_url() in housing_page
    assert reference not in as_user(agency_rep).get(reverse("deadlines:mine")).content.decode()


def test_the_action_page_shows_its_clock(as_user, officer, other_agency_rep, housing):
    action = _action(officer, housing, target=date(2026, 10, 15))
    services.action_submit(
        actor=officer, action=action, completed_on=date(2026, 10, 20), evidence_of_outcome="Audit."
    )
    page = as_user(other_agency_rep).get(action.get_absolute_url()).content.decode()
    assert "Met late" in page
    assert "Met 20 October 2026, 5 days late" in page


def test_only_an_officer_may_waive_it(officer, other_agency_rep, housing):
    deadline = _deadline(_action(officer, housing, target=date(2026, 12, 1)))
    with pytest.raises(DeadlineError):
        deadline_waive(actor=other_agency_rep, deadline=deadline, reason="Not ours.")
    waived = deadline_waive(actor=officer, deadline=deadline, reason="Superseded by a national action.")
    assert waived.status == DeadlineStatus.WAIVED


def _overdue_tags(page: str) -> int:
    """The "Overdue" tag beside an action's status (not the clocks' own tags)."""
    return page.count('>Not started</strong> <strong class="govuk-tag govuk-tag--red">Overdue</strong>')


def test_the_overdue_tag_is_read_from_the_deadline_on_every_page(as_user, officer, other_agency_rep, housing):
    """Past its target (15 October, today 1 November) and not done: the action's deadline is
    overdue, and so is its tag on the action, recommendation and review pages, the agency's home
    page and the register. Waived, the deadline is no longer overdue and neither is any tag, though
    the target date is as far past as before: the tag reads the deadline, not the date."""
    action = _action(officer, housing, target=date(2026, 10, 15))
    rec = action.recommendation
    notification = rec.review.notification
    pages = {
        "action": (other_agency_rep, action.get_absolute_url()),
        "recommendation": (officer, reverse("reviews:recommendation", args=[rec.pk])),
        "review": (officer, reverse("reviews:detail", args=[notification.pk])),
        "agency home": (other_agency_rep, "/"),
    }
    for name, (user, url) in pages.items():
        assert _overdue_tags(as_user(user).get(url).content.decode()) == 1, name
    register = as_user(officer).get(reverse("reviews:register") + "?overdue=yes")
    assert register.context["page"].paginator.count == 1
    assert "1 overdue" in register.content.decode()

    deadline_waive(actor=officer, deadline=_deadline(action), reason="Superseded by a national action.")
    for name, (user, url) in pages.items():
        assert _overdue_tags(as_user(user).get(url).content.decode()) == 0, name
    register = as_user(officer).get(reverse("reviews:register") + "?overdue=yes")
    assert register.context["page"].paginator.count == 0
    assert "1 overdue" not in as_user(officer).get(reverse("reviews:register")).content.decode()


def test_an_action_due_later_or_done_late_is_not_tagged_overdue(as_user, officer, other_agency_rep, housing):
    later = _action(officer, housing, target=date(2026, 11, 2))
    page = as_user(other_agency_rep).get(later.get_absolute_url()).content.decode()
    assert ">Not started</strong>" in page and _overdue_tags(page) == 0
    late = _action(officer, housing, target=date(2026, 10, 15))
    services.action_submit(
        actor=officer, action=late, completed_on=date(2026, 10, 20), evidence_of_outcome="Audit."
    )
    # Met late: a state of its own, not overdue.
    page = as_user(other_agency_rep).get(late.get_absolute_url()).content.decode()
    assert _overdue_tags(page) == 0 and "Met late" in page
