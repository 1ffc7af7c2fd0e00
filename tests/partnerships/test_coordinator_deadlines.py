"""MARAC areas' coordinators own the area's agenda and 12-month deadlines (and get their
reminders); a concluded or cancelled meeting's agenda deadline is closed and sends nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships import services
from partnerships.deadlines import area_deadlines_sync, referrals_deadlines_sync
from partnerships.models import Referral
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline, DeadlineStatus, ReminderSend
from somerset_safety.deadlines.reminders import log_due_reminders
from somerset_safety.deadlines.services import deadlines_sync
from tests.factories import UserFactory
from tests.partnerships.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_coordinator(council_team):
    return UserFactory(agency=council_team, roles=[Role.MARAC_COORDINATOR], full_name="Colin Coordinator")


def _meeting(coordinator, area, day=dt.date(2024, 7, 1)):
    return services.meeting_create(
        actor=coordinator, area=area, date=day, chair=None, agencies=[Agency.objects.get(code="POLICE")]
    )


def _agenda_deadline(meeting) -> Deadline:
    return Deadline.objects.get(subject_type="partnerships.meeting", subject_id=meeting.pk)


def _recipients(deadline) -> set:
    return set(ReminderSend.objects.filter(deadline=deadline).values_list("recipient__full_name", flat=True))


def test_the_named_coordinator_owns_the_agenda_and_gets_its_reminder(
    coordinator, second_coordinator, officer, area
):
    area.coordinators.set([second_coordinator])
    meeting = _meeting(coordinator, area)
    deadline = _agenda_deadline(meeting)
    assert list(deadline.responsible_users.all()) == [second_coordinator]

    log_due_reminders(dt.date(2024, 6, 24))  # the due date: 5 working days before 1 July
    assert _recipients(deadline) == {"Colin Coordinator"}  # not the officers, not Cara


def test_with_no_coordinator_named_every_marac_coordinator_owns_it(
    coordinator, second_coordinator, officer, area
):
    meeting = _meeting(coordinator, area)
    assert set(_agenda_deadline(meeting).responsible_users.all()) == {coordinator, second_coordinator}
    log_due_reminders(dt.date(2024, 6, 24))
    assert _recipients(_agenda_deadline(meeting)) == {"Cara Coordinator", "Colin Coordinator"}


def test_changing_the_coordinators_moves_what_is_still_to_do(coordinator, second_coordinator, area):
    done = _meeting(coordinator, area, dt.date(2024, 7, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=done)
    services.meeting_send_agenda(actor=coordinator, meeting=done, sent_on=dt.date(2024, 6, 20))
    upcoming = _meeting(coordinator, area, dt.date(2024, 8, 1))

    area.coordinators.set([second_coordinator])
    assert area_deadlines_sync(area) == 1  # only the meeting whose agenda is still to send

    assert list(_agenda_deadline(upcoming).responsible_users.all()) == [second_coordinator]
    assert set(_agenda_deadline(done).responsible_users.all()) == {coordinator, second_coordinator}


def test_twelve_month_review_belongs_to_the_coordinator(coordinator, second_coordinator, area, make_referral):
    area.coordinators.set([second_coordinator])
    meeting = _meeting(coordinator, area)
    make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    item = meeting.agenda_items.get()
    services.agenda_item_record(actor=coordinator, item=item, minutes="Discussed")
    referral = item.cases.get().referral
    services.referral_update_handling(
        actor=coordinator, referral=referral, restricted=False, review_at_12_months=True, idva_allocated=True
    )
    deadline = Deadline.objects.get(subject_type="partnerships.referral", subject_id=referral.pk)
    assert list(deadline.responsible_users.all()) == [second_coordinator]


def test_a_concluded_meeting_sends_no_escalation(coordinator, officer, area, make_referral):
    meeting = _meeting(coordinator, area)
    make_referral()
    services.meeting_generate_agenda(actor=coordinator, meeting=meeting)
    services.meeting_start(actor=coordinator, meeting=meeting)
    services.agenda_item_record(actor=coordinator, item=meeting.agenda_items.get(), minutes="Discussed")
    services.meeting_conclude(actor=coordinator, meeting=meeting)
    deadline = _agenda_deadline(meeting)
    assert deadline.status == DeadlineStatus.CLOSED
    # 15 days past its due date (24 June) the rule would escalate an open deadline.
    log_due_reminders(dt.date(2024, 7, 9))
    log_due_reminders(dt.date(2024, 7, 10))
    assert not ReminderSend.objects.filter(deadline=deadline).exists()


def test_a_cancelled_meeting_closes_its_deadline(coordinator, area):
    meeting = _meeting(coordinator, area)
    services.meeting_cancel(actor=coordinator, meeting=meeting, reason="Venue unavailable")
    deadline = _agenda_deadline(meeting)
    assert (deadline.status, deadline.closed_reason) == (DeadlineStatus.CLOSED, "Meeting cancelled")
    log_due_reminders(dt.date(2024, 6, 24))
    assert not ReminderSend.objects.filter(deadline=deadline).exists()


def test_setting_coordinators_in_the_admin_moves_the_deadlines(
    coordinator, second_coordinator, officer, area, admin_user, rf
):
    from django.contrib import admin

    from partnerships.models import MaracArea

    meeting = _meeting(coordinator, area)
    model_admin = admin.site._registry[MaracArea]
    request = rf.post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, area, change=True)
    # Only MARAC coordinators are offered, by name: not the officer.
    assert list(form_class.base_fields["coordinators"].queryset) == [coordinator, second_coordinator]
    form = form_class(
        data={
            "code": area.code,
            "name": area.name,
            "adult_female_population": area.adult_female_population,
            "active": "on",
            "coordinators": [second_coordinator.pk],
        },
        instance=area,
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    model_admin.save_related(request, form, formsets=[], change=True)
    assert list(_agenda_deadline(meeting).responsible_users.all()) == [second_coordinator]


# --- Who holds the role: a change of roles or access moves the clocks at once -----------------


def _owners(meeting) -> set:
    return set(_agenda_deadline(meeting).responsible_users.values_list("full_name", flat=True))


def test_a_new_marac_coordinator_has_the_unnamed_areas_deadlines_at_once(
    coordinator, officer, area, admin_user
):
    from partnerships.models import MaracArea
    from somerset_safety.accounts.services import user_update

    named_elsewhere = MaracArea.objects.create(code="ELSEWHERE", name="Elsewhere", adult_female_population=1)
    named_elsewhere.coordinators.set([coordinator])
    upcoming = _meeting(coordinator, area)
    elsewhere = _meeting(coordinator, named_elsewhere)
    assert _owners(upcoming) == {"Cara Coordinator"}

    user_update(
        actor=admin_user,
        user_id=officer.pk,
        values={"roles": [Role.OFFICER.value, Role.MARAC_COORDINATOR.value]},
    )
    # No save of the meeting and no sync_deadlines: Olive has the unnamed area's agenda now...
    assert _owners(upcoming) == {"Cara Coordinator", "Olive Officer"}
    # ...but not the area that names Cara.
    assert _owners(elsewhere) == {"Cara Coordinator"}
    log_due_reminders(dt.date(2024, 6, 24))
    assert _recipients(_agenda_deadline(upcoming)) == {"Cara Coordinator", "Olive Officer"}


def test_a_named_coordinator_who_loses_the_role_hands_over_what_is_still_to_do(
    coordinator, second_coordinator, area, admin_user
):
    from somerset_safety.accounts.services import user_update

    done = _meeting(coordinator, area, dt.date(2024, 7, 1))
    services.meeting_generate_agenda(actor=coordinator, meeting=done)
    services.meeting_send_agenda(actor=coordinator, meeting=done, sent_on=dt.date(2024, 6, 20))
    area.coordinators.set([second_coordinator])
    area_deadlines_sync(area)
    upcoming = _meeting(coordinator, area, dt.date(2024, 8, 1))
    assert _owners(upcoming) == {"Colin Coordinator"}

    user_update(actor=admin_user, user_id=second_coordinator.pk, values={"roles": [Role.OFFICER.value]})
    # Colin is still named, but no longer a MARAC coordinator: every coordinator (Cara) has it.
    assert _owners(upcoming) == {"Cara Coordinator"}
    # The agenda already sent keeps the owners it was met under.
    assert _owners(done) == {"Cara Coordinator", "Colin Coordinator"}


def test_deactivating_and_reactivating_a_named_coordinator_moves_the_deadlines(
    coordinator, second_coordinator, area, admin_user
):
    from somerset_safety.accounts.services import user_update

    area.coordinators.set([second_coordinator])
    upcoming = _meeting(coordinator, area)
    assert _owners(upcoming) == {"Colin Coordinator"}

    user_update(actor=admin_user, user_id=second_coordinator.pk, values={"is_active": False})
    assert _owners(upcoming) == {"Cara Coordinator"}
    user_update(actor=admin_user, user_id=second_coordinator.pk, values={"is_active": True})
    assert _owners(upcoming) == {"Colin Coordinator"}


def test_a_change_of_other_roles_syncs_nothing(coordinator, officer, area):
    from somerset_safety.deadlines.services import deadlines_follow_account

    _meeting(coordinator, area)
    assert deadlines_follow_account(officer, {Role.REVIEW_CHAIR.value}) == 0
    assert deadlines_follow_account(officer, {Role.MARAC_COORDINATOR.value}) == 1  # the one meeting


def _heard(area, day: int, **extra):
    return ReferralFactory(
        area=area, status="heard", heard_date=dt.date(2024, 1, day), review_at_12_months=True, **extra
    )


def test_referrals_synced_in_bulk_get_the_deadlines_one_by_one_gives(second_coordinator, area):
    """After an import: every clocked referral's 12-month review (heard + 12 months), owned by the
    area's coordinator; a stored one brought into line; the rest given none. The statements are
    the rule's own two a referral (is it relisted, who coordinates) and a fixed few for the lot."""
    area.coordinators.set([second_coordinator])
    first = _heard(area, 10)
    deadlines_sync(subject=first)
    Deadline.objects.filter(subject_id=first.pk).update(due_date=dt.date(2030, 1, 1))  # out of line
    others = [_heard(area, day) for day in (11, 29, 31)]
    unclocked = ReferralFactory(area=area, status="heard", heard_date=dt.date(2024, 1, 12))

    assert referrals_deadlines_sync(Referral.objects.all()) == 4
    rows = Deadline.objects.filter(subject_type="partnerships.referral").order_by("subject_id")
    assert [(r.subject_id, r.due_date, r.status) for r in rows] == [
        (first.pk, dt.date(2025, 1, 10), DeadlineStatus.OPEN),
        (others[0].pk, dt.date(2025, 1, 11), DeadlineStatus.OPEN),
        (others[1].pk, dt.date(2025, 1, 29), DeadlineStatus.OPEN),
        (others[2].pk, dt.date(2025, 1, 31), DeadlineStatus.OPEN),
    ]
    assert rows[1].label == f"MARAC case {others[0].reference}: 12 months since it was heard"
    assert rows[1].subject_reference == others[0].reference
    assert all(list(r.responsible_users.all()) == [second_coordinator] for r in rows)
    assert not Deadline.objects.filter(subject_id=unclocked.pk, subject_type="partnerships.referral").exists()

    # Four more new referrals cost the rule's two statements each, and nothing else.
    def statements(referrals):
        with CaptureQueriesContext(connection) as captured:
            referrals_deadlines_sync(Referral.objects.filter(pk__in=[r.pk for r in referrals]))
        return len(captured)

    four = statements([_heard(area, day) for day in (1, 2, 3, 4)])
    eight = statements([_heard(area, day) for day in (5, 6, 7, 8, 13, 14, 15, 16)])
    assert eight - four == 4 * 2
    assert Deadline.objects.filter(subject_type="partnerships.referral").count() == 16
