"""The referral's details beyond the checklist, and the IDVA's work with the victim."""

import datetime as dt

import pytest

from partnerships import services
from partnerships.exceptions import MaracError

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "dash_completed_on": dt.date(2024, 5, 30),
    "dash_completed_by": "PC Example, response officer (synthetic)",
    "referrer_name": "Robin Referrer (synthetic)",
    "referrer_contact": "01234 000000",
    "children_ages": "7; 2",
    "perpetrator_sex": "male",
    "interpreter_language": "Polish",
    "idva": None,
    "idva_name": "Ida Advocate (synthetic)",
    "idva_contact_on": dt.date(2024, 6, 3),
    "victim_consent": "given",
    "victim_views": "Wants to stay in the home with the children (synthetic).",
    "idva_engagement": "engaged",
}


@pytest.fixture
def referral(area):
    return ReferralFactory(area=area, referral_date=dt.date(2024, 6, 1), children_in_household=2)


def test_details_are_saved_audited_and_an_idva_named_is_allocated(coordinator, referral):
    changed = services.referral_update_details(actor=coordinator, referral=referral, **VALUES)
    referral.refresh_from_db()
    assert referral.children_ages == "7, 2"
    assert referral.idva_allocated is True and referral.idva_display == "Ida Advocate (synthetic)"
    assert set(changed) == set(VALUES) - {"idva"} | {"idva_allocated"}
    assert services.referral_update_details(actor=coordinator, referral=referral, **VALUES) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"children_ages": "7"}, "You gave 1 age, but the referral records 2 children in the household."),
        ({"children_ages": "7, 19"}, "from 0 to 17"),
        ({"children_ages": "seven, 2"}, "from 0 to 17"),
        ({"dash_completed_on": dt.date(2024, 6, 2)}, "on or before the referral date"),
        ({"idva_contact_on": dt.date(2024, 5, 31)}, "cannot be before the referral date"),
    ],
)
def test_impossible_details_are_refused_and_nothing_saved(coordinator, referral, change, message):
    with pytest.raises(MaracError, match=message):
        services.referral_update_details(actor=coordinator, referral=referral, **(VALUES | change))
    referral.refresh_from_db()
    assert (referral.children_ages, referral.idva_name) == ("", "")


def test_the_page_and_the_case_at_the_table_show_them(as_user, coordinator, agency_rep, referral):
    client = as_user(coordinator)
    url = f"/partnerships/marac/referrals/{referral.pk}/case-details/"
    assert as_user(agency_rep).get(url).status_code in (403, 404)
    form = {
        "dash_completed_on_0": "30",
        "dash_completed_on_1": "5",
        "dash_completed_on_2": "2024",
        "children_ages": "7",
        "perpetrator_sex": "male",
        "victim_consent": "given",
        "idva_engagement": "engaged",
        "idva_name": "Ida Advocate (synthetic)",
    }
    refused = client.post(url, form)
    assert "You gave 1 age, but the referral records 2 children" in refused.content.decode()
    assert 'value="Ida Advocate (synthetic)"' in refused.content.decode()
    assert client.post(url, form | {"children_ages": "7, 2"}).status_code == 302
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Ida Advocate (synthetic)" in body and "7, 2" in body and "Engaged with the IDVA" in body


def test_anonymising_the_victim_removes_the_views_and_the_referrer(coordinator, referral):
    from partnerships.records import REMOVED, anonymise_person

    services.referral_update_details(actor=coordinator, referral=referral, **VALUES)
    for scrub in anonymise_person(referral.victim):
        scrub.rows.update(**scrub.values)
    referral.refresh_from_db()
    assert referral.victim_views == REMOVED
    assert (referral.referrer_name, referral.referrer_contact, referral.idva_name) == ("", "", "")
    assert referral.children_ages == "7, 2"  # a figure, kept
