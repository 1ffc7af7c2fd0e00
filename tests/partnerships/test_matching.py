"""Issue 14 point 14: a person already recorded is found by their name as typed however it is
spelled out (case, accents, apostrophes, spacing), by date of birth, and on PostgreSQL by a
near match; each match shows its area and last referral date. A MARAC's chair is chosen only
from the people who may chair it."""

import datetime as dt

import pytest
from django.db import connection

from partnerships.forms import MeetingForm, ReferralForm
from partnerships.selectors import marac_chairs, possible_matches
from somerset_safety.accounts.roles import Role
from somerset_safety.core.names import normalise_name
from tests.factories import UserFactory

from .factories import MaracAreaFactory, PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1990, 5, 1)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Zoë O'Brien", "zoe obrien"),
        ("  ZOE   O’BRIEN ", "zoe obrien"),
        ("Mary-Jane Smith-Jones", "mary jane smith jones"),
        ("Siân Łukasz", "sian łukasz"),  # ł has no decomposition: kept, in lower case
        ("", ""),
    ],
)
def test_names_are_compared_without_case_accents_or_punctuation(typed, normalised):
    assert normalise_name(typed) == normalised


def _names(**kwargs):
    return [p.full_name for p in possible_matches(role="victim", **kwargs)]


def test_the_same_name_however_typed_is_found_with_or_without_a_date_of_birth():
    PersonFactory(full_name="Zoë O'Brien", date_of_birth=BORN)
    PersonFactory(full_name="Zoe Other", date_of_birth=dt.date(1971, 1, 1))
    assert _names(full_name="ZOE OBRIEN", date_of_birth=None) == ["Zoë O'Brien"]
    assert _names(full_name="zoe o’brien", date_of_birth=dt.date(2001, 1, 1)) == ["Zoë O'Brien"]
    # The same date of birth and surname: found whatever the first name.
    assert _names(full_name="Z. O'Brien", date_of_birth=BORN) == ["Zoë O'Brien"]
    assert _names(full_name="", date_of_birth=BORN) == ["Zoë O'Brien"]
    assert _names(full_name="Someone Else", date_of_birth=dt.date(1980, 2, 2)) == []


def test_a_perpetrator_is_not_offered_as_the_victim():
    PersonFactory(full_name="Alex Example", role="perpetrator", date_of_birth=BORN)
    assert _names(full_name="Alex Example", date_of_birth=BORN) == []


def test_near_matches_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Trigram near matches need PostgreSQL (pg_trgm); SQLite matches normalised names only.")
    PersonFactory(full_name="John Smith", date_of_birth=BORN)
    PersonFactory(full_name="Jonathan Smith", date_of_birth=None)
    PersonFactory(full_name="Jonathan Smythe", date_of_birth=dt.date(1960, 3, 3))
    # "jon smyth" and "john smith" share 5 of 16 trigrams (0.31): a match on the same birthday.
    assert _names(full_name="Jon Smyth", date_of_birth=BORN) == ["John Smith"]
    assert _names(full_name="Jon Smyth", date_of_birth=dt.date(1991, 5, 1)) == []
    # "jonathon smith" and "jonathan smith" share 12 of 18 (0.67): a match by name alone (no date
    # of birth recorded), closest first; "john smith", 8 of 18 (0.44), on the same birthday; never
    # "Jonathan Smythe", recorded as born on another day.
    assert _names(full_name="Jonathon Smith", date_of_birth=BORN) == ["Jonathan Smith", "John Smith"]


def test_each_match_shows_its_area_and_last_referral_date(coordinator):
    person = PersonFactory(full_name="Robin Example (synthetic)", date_of_birth=BORN)
    north = MaracAreaFactory(code="NORTH", name="North MARAC (synthetic)")
    south = MaracAreaFactory(code="SOUTH", name="South MARAC (synthetic)")
    ReferralFactory(victim=person, area=north, referral_date=dt.date(2024, 3, 1))
    ReferralFactory(victim=person, area=south, referral_date=dt.date(2025, 7, 9))
    form = ReferralForm(
        {
            "victim_name": "robin example (synthetic)",
            "victim_dob_0": "1",
            "victim_dob_1": "5",
            "victim_dob_2": "1990",
        }
    )
    assert dict(form.fields["victim_match"].choices)[str(person.pk)] == (
        f"{person.reference}: Robin Example (synthetic), born 1 May 1990 "
        "(2 earlier referrals, the last on 9 July 2025 to South MARAC (synthetic))"
    )


def test_the_chair_is_chosen_from_people_who_take_part_in_marac(
    coordinator, officer, agency_rep, review_chair
):
    lead = UserFactory(roles=[Role.PARTNERSHIP_LEAD])
    gone = UserFactory(roles=[Role.MARAC_COORDINATOR], is_active=False)
    offered = set(MeetingForm(chairs=marac_chairs()).fields["chair"].queryset)
    assert {coordinator, officer, agency_rep} <= offered
    assert not offered & {review_chair, lead, gone}
