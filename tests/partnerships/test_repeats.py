"""Repeat detection: an earlier referral of the same victim dated on or after the date exactly 12
calendar months before makes a referral a repeat."""

import datetime as dt

import pytest

from partnerships.models import Referral, ReferralStatus
from partnerships.services import referral_is_repeat, referrals_recompute_repeats, repeat_window_start

from .factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "second", "repeat"),
    [
        (dt.date(2023, 5, 10), dt.date(2024, 5, 10), True),  # the same day 12 months later
        (dt.date(2023, 5, 10), dt.date(2024, 5, 11), False),  # the day after
        (dt.date(2023, 5, 10), dt.date(2023, 5, 11), True),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # 12 months before 28 Feb 2025 is 28 Feb 2024
        (dt.date(2024, 2, 28), dt.date(2025, 2, 28), True),
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
        (dt.date(2023, 2, 28), dt.date(2024, 2, 29), True),  # 12 months before 29 Feb 2024 is 28 Feb 2023
        (dt.date(2023, 2, 27), dt.date(2024, 2, 29), False),
        (dt.date(2023, 3, 1), dt.date(2024, 2, 29), True),
    ],
)
def test_twelve_month_boundary(first, second, repeat):
    victim = PersonFactory()
    earlier = ReferralFactory(victim=victim, referral_date=first)
    later = ReferralFactory(victim=victim, referral_date=second)
    referrals_recompute_repeats(victim_ids=[victim.pk])
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.is_repeat is False
    assert later.is_repeat is repeat
    assert referral_is_repeat(victim_id=victim.pk, referral_date=second, exclude_pk=later.pk) is repeat


def test_window_start_is_clamped_calendar_months():
    assert repeat_window_start(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert repeat_window_start(dt.date(2025, 3, 31)) == dt.date(2024, 3, 31)


def test_another_victim_never_makes_a_repeat():
    ReferralFactory(referral_date=dt.date(2024, 1, 1))
    other = ReferralFactory(referral_date=dt.date(2024, 2, 1))
    referrals_recompute_repeats(victim_ids=[other.victim_id])
    other.refresh_from_db()
    assert other.is_repeat is False


def test_chain_each_compared_with_the_one_before():
    victim = PersonFactory()
    dates = [dt.date(2022, 1, 1), dt.date(2022, 12, 1), dt.date(2023, 11, 30), dt.date(2025, 1, 1)]
    referrals = [ReferralFactory(victim=victim, referral_date=d) for d in dates]
    referrals_recompute_repeats(victim_ids=[victim.pk])
    assert [r.__class__.objects.get(pk=r.pk).is_repeat for r in referrals] == [False, True, True, False]


def test_withdrawn_referral_does_not_count_and_recompute_reverses():
    victim = PersonFactory()
    first = ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 1))
    second = ReferralFactory(victim=victim, referral_date=dt.date(2024, 3, 1))
    referrals_recompute_repeats(victim_ids=[victim.pk])
    second.refresh_from_db()
    assert second.is_repeat is True
    first.status = ReferralStatus.WITHDRAWN
    first.save()
    assert referrals_recompute_repeats(victim_ids=[victim.pk]) == 1
    second.refresh_from_db()
    assert second.is_repeat is False


def test_same_day_referrals_are_possible_duplicates_not_repeats():
    victim = PersonFactory()
    a = ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 1))
    b = ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 1))
    c = ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 2))
    referrals_recompute_repeats(victim_ids=[victim.pk])
    flags = {r.pk: (r.is_repeat, r.possible_duplicate) for r in Referral.objects.filter(victim=victim)}
    # a and b: neither is a repeat of the other; c, a day later, repeats them.
    assert flags == {a.pk: (False, True), b.pk: (False, True), c.pk: (True, False)}
    assert referral_is_repeat(victim_id=victim.pk, referral_date=dt.date(2024, 1, 1)) is False


def test_same_day_pair_after_an_earlier_referral_are_both_repeats():
    victim = PersonFactory()
    ReferralFactory(victim=victim, referral_date=dt.date(2023, 6, 1))
    later = [ReferralFactory(victim=victim, referral_date=dt.date(2024, 5, 31)) for _ in range(2)]
    referrals_recompute_repeats(victim_ids=[victim.pk])
    for referral in later:
        referral.refresh_from_db()
        assert (referral.is_repeat, referral.possible_duplicate) == (True, True)


def test_withdrawn_same_day_referral_leaves_no_duplicate():
    victim = PersonFactory()
    a = ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 1))
    ReferralFactory(victim=victim, referral_date=dt.date(2024, 1, 1), status=ReferralStatus.WITHDRAWN)
    referrals_recompute_repeats(victim_ids=[victim.pk])
    a.refresh_from_db()
    assert a.possible_duplicate is False
