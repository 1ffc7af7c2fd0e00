"""Point 4 of issue 14: the chair's appointment takes the date it was made, and the timeline
stays in date order."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.exceptions import ReviewError

from .factories import make_review

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_appointment_dated_when_it_was_made_sits_in_date_order(as_user, officer, review_chair):
    review = make_review(officer, decided_on=date(2026, 2, 10))  # today is 1 November 2026
    response = as_user(officer).post(
        reverse("reviews:team", args=[review.notification_id]),
        {"chair": review_chair.pk, "author": "", **_date("appointed_on", date(2026, 3, 2))},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.chair == review_chair and review.chair_appointed_on == date(2026, 3, 2)
    entries = list(review.notification.timeline.values_list("occurred_on", "summary"))
    assert (date(2026, 3, 2), "Independent chair and author recorded") in entries
    assert [day for day, _ in entries] == sorted(day for day, _ in entries)


def test_appointment_cannot_be_before_the_decision_or_in_the_future(officer, review_chair):
    review = make_review(officer, decided_on=date(2026, 2, 10))
    with pytest.raises(ReviewError, match="on or after the decision to hold a review \\(10 February 2026\\)"):
        services.review_set_team(
            actor=officer, review=review, chair=review_chair, author=None, appointed_on=date(2026, 2, 9)
        )
    with pytest.raises(ReviewError, match="must be today or in the past"):
        services.review_set_team(
            actor=officer, review=review, chair=review_chair, author=None, appointed_on=date(2026, 11, 2)
        )
    review.refresh_from_db()
    assert review.chair is None and review.chair_appointed_on is None


def test_changing_only_the_author_keeps_the_chairs_appointment_date(officer, review_chair):
    review = make_review(officer)
    services.review_set_team(
        actor=officer, review=review, chair=review_chair, author=None, appointed_on=date(2026, 3, 2)
    )
    services.review_set_team(
        actor=officer, review=review, chair=review_chair, author=officer, appointed_on=date(2026, 4, 1)
    )
    review.refresh_from_db()
    assert review.chair_appointed_on == date(2026, 3, 2) and review.author == officer
