"""MARAC meetings recorded before the platform mechanism move onto it with their ids, history and
meaning: one item per victim, sections renumbered, carried-forward actions reaching the meeting
they were sent to."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("partnerships", "0006_referral_indexes_for_scale"), ("meetings", None)]
AFTER = [("partnerships", "0007_meetings_on_the_platform")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """The test leaves partnerships at 0007; later migrations (and the tests after it) need the
    rest of the schema back."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_meetings_items_and_actions_move_with_their_ids():
    old = _migrate(BEFORE)
    Agency = old.get_model("accounts", "Agency")
    police, housing = Agency.objects.get(code="POLICE"), Agency.objects.get(code="HOUSING")
    area = old.get_model("partnerships", "MaracArea").objects.create(
        code="MIG",
        name="Migrated MARAC (synthetic)",
        adult_female_population=5000,
        meeting_frequency="fortnightly",
        meeting_weekday=2,
    )
    unmet = old.get_model("partnerships", "MaracArea").objects.create(
        code="NONE", name="Never met (synthetic)", adult_female_population=5000
    )
    Person = old.get_model("partnerships", "Person")
    Referral = old.get_model("partnerships", "Referral")
    victim = Person.objects.create(role="victim")
    other = Person.objects.create(role="victim")

    def referral(ref, person, day):
        return Referral.objects.create(
            reference=ref,
            area=area,
            victim=person,
            referral_date=day,
            referring_agency=police,
            dash_score=15,
            visible_high_risk=True,
            status="heard",
            heard_date=day + dt.timedelta(days=10),
        )

    first_ref = referral("M1", victim, dt.date(2024, 5, 1))
    second_ref = referral("M2", victim, dt.date(2024, 5, 3))
    other_ref = referral("M3", other, dt.date(2024, 5, 2))
    Meeting = old.get_model("partnerships", "Meeting")
    now = "2024-06-01T10:00Z"
    june = Meeting.objects.create(
        area=area, date=dt.date(2024, 6, 1), status="concluded", confidentiality_confirmed_at=now
    )
    july = Meeting.objects.create(
        area=area, date=dt.date(2024, 7, 1), status="concluded", confidentiality_confirmed_at=now
    )
    august = Meeting.objects.create(area=area, date=dt.date(2024, 8, 1))
    september = Meeting.objects.create(area=area, date=dt.date(2024, 9, 1))
    old.get_model("partnerships", "HistoricalMeeting").objects.create(
        id=june.pk,
        area=area,
        date=june.date,
        status="scheduled",
        history_date="2024-05-01T09:00Z",
        history_type="+",
    )
    old.get_model("partnerships", "MeetingAttendance").objects.create(
        meeting=june, agency=police, status="present"
    )
    Item = old.get_model("partnerships", "AgendaItem")
    Item.objects.create(
        meeting=june, referral=first_ref, section=2, position=1, minutes="First.", discussed=True
    )
    Item.objects.create(
        meeting=june, referral=other_ref, section=2, position=2, minutes="Other.", discussed=True
    )
    Item.objects.create(
        meeting=june, referral=second_ref, section=3, position=1, minutes="Second.", discussed=True
    )
    Action = old.get_model("partnerships", "Action")
    locks = Action.objects.create(
        referral=first_ref,
        meeting=june,
        agency=housing,
        description="Locks",
        due_date=dt.date(2024, 6, 15),
        status="carried_forward",
    )
    # Carried at July "to July": comes back at the next meeting (August), as before.
    to_next = Action.objects.create(
        referral=first_ref,
        meeting=july,
        agency=housing,
        description="Locks",
        due_date=dt.date(2024, 7, 1),
        carried_from=locks,
        carry_reason="agency_did_not_complete",
    )
    alarm = Action.objects.create(
        referral=other_ref,
        meeting=june,
        agency=housing,
        description="Alarm",
        due_date=dt.date(2024, 6, 15),
        status="carried_forward",
    )
    # Carried at July to September: it must come back at September, not at October.
    skipping = Action.objects.create(
        referral=other_ref,
        meeting=september,
        agency=housing,
        description="Alarm",
        due_date=dt.date(2024, 9, 1),
        carried_from=alarm,
        carry_reason="circumstances_changed",
    )

    new = _migrate(AFTER)
    Body = new.get_model("meetings", "Body")
    body = Body.objects.get(owner_id=area.pk)
    assert (body.frequency, body.weekday) == ("fortnightly", 2)
    assert not Body.objects.filter(owner_id=unmet.pk).exists()
    NewMeeting = new.get_model("meetings", "Meeting")
    assert sorted(NewMeeting.objects.values_list("pk", flat=True)) == sorted(
        [june.pk, july.pk, august.pk, september.pk]
    )
    assert NewMeeting.objects.get(pk=june.pk).started_at is not None
    items = list(
        new.get_model("meetings", "AgendaItem")
        .objects.filter(meeting_id=june.pk)
        .order_by("section", "position")
    )
    assert [(i.section, i.position, i.subject_id) for i in items] == [(20, 1, victim.pk), (20, 2, other.pk)]
    assert items[0].minutes == "First.\n\nSecond."
    Case = new.get_model("partnerships", "AgendaCase")
    assert sorted(Case.objects.filter(item=items[0]).values_list("referral__reference", flat=True)) == [
        "M1",
        "M2",
    ]
    NewAction = new.get_model("meetings", "Action")
    moved = NewAction.objects.get(pk=to_next.pk)
    assert (moved.meeting_id, moved.review_at_id, moved.subject_id, moved.carried_from_id) == (
        july.pk,
        None,
        first_ref.pk,
        locks.pk,
    )
    skipped = NewAction.objects.get(pk=skipping.pk)
    assert (skipped.meeting_id, skipped.review_at_id) == (july.pk, september.pk)
    attendance = new.get_model("meetings", "Attendance").objects.get(meeting_id=june.pk)
    assert (attendance.agency_id, attendance.status) == (police.pk, "present")
    history = new.get_model("meetings", "HistoricalMeeting").objects.get(id=june.pk)
    assert (history.body_id, history.status, history.history_type) == (body.pk, "scheduled", "+")
    created = NewMeeting.objects.create(body=body, date=dt.date(2024, 10, 1))
    assert created.pk > september.pk  # the id sequence continues after the copied ids
