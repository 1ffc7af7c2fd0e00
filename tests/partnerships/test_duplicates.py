"""The repeat rule does not depend on the order referrals are entered or imported; same-day
referrals of one victim are possible duplicates for the coordinator to merge or keep apart."""

import datetime as dt
import random

import pytest
from django.contrib.contenttypes.models import ContentType

from partnerships import selectors, services
from partnerships.exceptions import MaracError
from partnerships.imports import import_referrals
from partnerships.models import Action, ImportBatch, Person, Referral, ReferralStatus
from somerset_safety.audit.models import AuditEvent

from .factories import MeetingFactory, PersonFactory, ReferralFactory
from .test_import import GOOD, to_csv

pytestmark = pytest.mark.django_db


def row(ref, victim, referral_date, heard_date="", **extra):
    return GOOD | {
        "referral_id": ref,
        "victim_ref": victim,
        "referral_date": referral_date,
        "heard_date": heard_date,
        **extra,
    }


# Worked out by hand. V1: 1 Jan and 1 Jan (same day: neither a repeat, both possible
# duplicates), then 1 Dec (within 12 months of 1 Jan: a repeat). V2: 10 Mar 2023, then 10 Mar 2024
# (exactly 12 months: a repeat), 11 Mar 2025 (12 months and a day after the last: not).
# V3: one referral, nothing. All heard in Q1 2024 except where said.
HISTORY = [
    row("A1", "V1", "2024-01-01", "2024-01-15"),
    row("A2", "V1", "2024-01-01", "2024-01-15", referring_agency="HEALTH"),
    row("A3", "V1", "2024-12-01", ""),
    row("B1", "V2", "2023-03-10", "2023-03-20"),
    row("B2", "V2", "2024-03-10", "2024-03-20"),
    row("B3", "V2", "2025-03-11", ""),
    row("C1", "V3", "2024-02-01", "2024-02-10"),
]
EXPECTED_FLAGS = {
    "A1": (False, True),
    "A2": (False, True),
    "A3": (True, False),
    "B1": (False, False),
    "B2": (True, False),
    "B3": (False, False),
    "C1": (False, False),
}


def _wipe_import():
    Referral.objects.all().delete()
    ImportBatch.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.parametrize("seed", [1, 7, 42, 2026])
def test_shuffled_imports_give_the_same_flags_and_return(area, seed):
    rows = list(HISTORY)
    random.Random(seed).shuffle(rows)
    import_referrals(actor=None, data=to_csv(rows), file_name=f"shuffled-{seed}.csv")
    flags = {
        ref: (repeat, duplicate)
        for ref, repeat, duplicate in Referral.objects.values_list(
            "reference", "is_repeat", "possible_duplicate"
        )
    }
    assert flags == EXPECTED_FLAGS
    (q1,) = selectors.data_return(areas=[area], start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    # Heard in Q1 2024: A1, A2, B2, C1 = 4 cases, one repeat (B2); A2 referred by health.
    assert (q1["cases_discussed"], q1["repeat_cases"], q1["non_police_referrals"]) == (4, 1, 1)


def test_one_file_in_two_orders_and_in_two_parts_agree(area):
    import_referrals(actor=None, data=to_csv(HISTORY), file_name="forward.csv")
    forward = dict(Referral.objects.values_list("reference", "is_repeat"))
    _wipe_import()
    import_referrals(actor=None, data=to_csv(list(reversed(HISTORY))[:3]), file_name="part1.csv")
    import_referrals(actor=None, data=to_csv(list(reversed(HISTORY))[3:]), file_name="part2.csv")
    assert dict(Referral.objects.values_list("reference", "is_repeat")) == forward


def test_a_same_day_referral_in_the_browser_is_flagged(make_referral):
    first = make_referral(referral_date=dt.date(2024, 6, 1))
    second = make_referral(referral_date=dt.date(2024, 6, 1), victim=first.victim, victim_details=None)
    first.refresh_from_db()
    assert (first.possible_duplicate, second.possible_duplicate) == (True, True)
    assert (first.is_repeat, second.is_repeat) == (False, False)


@pytest.fixture
def pair(db, area):
    victim = PersonFactory()
    kept = ReferralFactory(area=area, victim=victim, referral_date=dt.date(2024, 1, 1), reference="KEEP")
    dup = ReferralFactory(area=area, victim=victim, referral_date=dt.date(2024, 1, 1), reference="DUP")
    later = ReferralFactory(area=area, victim=victim, referral_date=dt.date(2024, 2, 1), reference="LATER")
    services.referrals_recompute_repeats(victim_ids=[victim.pk])
    return kept, dup, later


def test_merge_keeps_the_record_moves_actions_and_clears_the_flag(coordinator, pair, area):
    kept, dup, later = pair
    meeting = MeetingFactory(area=area, date=dt.date(2024, 1, 20))
    action = Action.objects.create(
        meeting=meeting,
        subject_type=ContentType.objects.get_for_model(Referral),
        subject_id=dup.pk,
        agency=dup.referring_agency,
        description="Safety planning (synthetic)",
        due_date=dt.date(2024, 2, 1),
    )
    services.referral_merge(actor=coordinator, duplicate=dup, into=kept)
    dup.refresh_from_db()
    kept.refresh_from_db()
    later.refresh_from_db()
    assert (dup.status, dup.merged_into_id) == (ReferralStatus.MERGED, kept.pk)
    assert (kept.possible_duplicate, dup.possible_duplicate) == (False, False)
    assert later.is_repeat is True
    action.refresh_from_db()
    assert action.subject_id == kept.pk
    event = AuditEvent.objects.filter(object_type="partnerships.referral", object_id=str(dup.pk)).last()
    assert event.detail["move"] == "merge" and event.detail["kept"] == kept.pk
    with pytest.raises(MaracError, match="merged into another"):
        services.referral_merge(actor=coordinator, duplicate=dup, into=kept)


def test_merge_refused_for_different_days_and_a_heard_duplicate_stops_counting(coordinator, pair, area):
    kept, dup, later = pair
    with pytest.raises(MaracError, match="same referral date"):
        services.referral_merge(actor=coordinator, duplicate=later, into=kept)
    Referral.objects.filter(pk__in=[kept.pk, dup.pk]).update(status="heard", heard_date=dt.date(2024, 1, 20))
    (before,) = selectors.data_return(areas=[area], start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    services.referral_merge(actor=coordinator, duplicate=dup, into=kept)
    (after,) = selectors.data_return(areas=[area], start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    assert (before["cases_discussed"], after["cases_discussed"]) == (2, 1)


def test_confirm_separate_clears_the_flag_until_another_same_day_referral(coordinator, pair, area):
    kept, dup, _later = pair
    services.referral_confirm_separate(actor=coordinator, referral=dup)
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert (kept.possible_duplicate, dup.possible_duplicate) == (False, False)
    third = ReferralFactory(area=area, victim=kept.victim, referral_date=dt.date(2024, 1, 1))
    services.referrals_recompute_repeats(victim_ids=[kept.victim_id])
    third.refresh_from_db()
    kept.refresh_from_db()
    assert (third.possible_duplicate, kept.possible_duplicate) == (True, False)


def test_duplicates_page_for_the_coordinator_only(as_user, coordinator, agency_rep, pair):
    kept, dup, _later = pair
    client = as_user(agency_rep)
    assert client.get(f"/partnerships/marac/referrals/{dup.pk}/duplicates/").status_code in (403, 404)
    client = as_user(coordinator)
    page = client.get(f"/partnerships/marac/referrals/{dup.pk}/duplicates/")
    assert page.status_code == 200 and "Is this referral a duplicate?" in page.content.decode()
    refused = client.post(f"/partnerships/marac/referrals/{dup.pk}/duplicates/", {"decision": ""})
    assert "Choose whether to merge this referral" in refused.content.decode()
    done = client.post(
        f"/partnerships/marac/referrals/{dup.pk}/duplicates/", {"decision": f"merge:{kept.pk}"}
    )
    assert done.status_code == 302 and done["Location"] == kept.get_absolute_url()
    dup.refresh_from_db()
    assert dup.status == ReferralStatus.MERGED
