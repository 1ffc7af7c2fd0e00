"""The risk checklist records "not known" and "declined" as well as "yes": only yes counts in
the score, an item has one answer, and the gaps show on the referral and at the table."""

import datetime as dt

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import Referral

from .test_views import referral_post

pytestmark = pytest.mark.django_db


def test_not_known_and_declined_are_saved_and_do_not_score(as_user, coordinator, area):
    client = as_user(coordinator)
    response = client.post(
        reverse("partnerships:referral_create"),
        referral_post(
            area,
            dash_yes=[str(n) for n in range(1, 15)],  # items 1 to 14: the threshold
            dash_not_known=["15", "16"],
            dash_declined=["20"],
        ),
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.dash_score == 14
    assert referral.dash_answers["15"] == "not_known" and referral.dash_answers["16"] == "not_known"
    assert referral.dash_answers["20"] == "declined" and referral.dash_answers["1"] == "yes"
    assert len(referral.dash_answers) == 17  # 14 yes, 2 not known, 1 declined; the rest unanswered
    page = client.get(referral.get_absolute_url()).content.decode()
    assert (
        "Checklist items not known (2)" in page
        and "Checklist items the victim declined to answer (1)" in page
    )


def test_an_item_has_one_answer(as_user, coordinator, area):
    response = as_user(coordinator).post(
        reverse("partnerships:referral_create"),
        referral_post(area, dash_declined=["3"]),  # item 3 is also ticked yes by default
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Item 3 is ticked as yes and as declined: give each item one answer" in body
    assert Referral.objects.count() == 0


def test_the_service_keeps_only_known_answers(coordinator, area):
    from somerset_safety.accounts.models import Agency

    referral = services.referral_create(
        actor=coordinator,
        area=area,
        referral_date=dt.date(2024, 6, 1),
        incident_date=None,
        referring_agency=Agency.objects.get(code="POLICE"),
        victim_details={"full_name": "Ann Example (synthetic)", "date_of_birth": None, "address": ""},
        dash_answers={**{str(n): "yes" for n in range(1, 15)}, "15": "declined", "16": "maybe", "99": "yes"},
        professional_judgement=False,
        victim_sex="female",
        victim_age=None,
        victim_ethnicity="white_british",
        victim_disabled="no",
        victim_lgbt="no",
    )
    assert referral.dash_score == 14
    assert referral.dash_answers["15"] == "declined"
    assert "16" not in referral.dash_answers and "99" not in referral.dash_answers
