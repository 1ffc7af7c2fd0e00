"""The deadline engine: syncing rules into stored rows, the one clock state, waivers, pages."""

import dataclasses
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import CaptureQueriesContext

from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditEvent
from somerset_safety.core.models import UnqueuedTask
from somerset_safety.deadlines import registry
from somerset_safety.deadlines.exceptions import DeadlineError
from somerset_safety.deadlines.models import Deadline, DeadlineEvent, DeadlineStatus
from somerset_safety.deadlines.registry import DeadlineKind, DeadlineSpec
from somerset_safety.deadlines.services import deadline_unwaive, deadline_waive, deadlines_sync
from somerset_safety.deadlines.state import clock_state, with_state
from tests.factories import AgencyFactory, UserFactory

from .broker import broker
from .conftest import CLOSED, HIDDEN, MANAGERS, MET, PAUSED

DUE = date(2026, 3, 31)


@pytest.fixture
def subject(db, agency_rule):
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    agency_rule[agency.pk] = DUE
    deadlines_sync(subject=agency)
    return agency


@pytest.fixture
def manager(officer):
    MANAGERS.add(officer.pk)
    return officer


# --- Sync ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sync_creates_updates_and_closes_what_the_rule_no_longer_gives(subject, agency_rule):
    deadline = Deadline.objects.get()
    assert (deadline.kind, deadline.due_date, deadline.status, deadline.statutory) == (
        "test.return_due",
        DUE,
        "open",
        False,
    )
    assert deadline.subject_url == f"/test-agencies/{subject.pk}/"
    assert deadline.subject_reference == f"AG-{subject.pk}"
    agency_rule[subject.pk] = date(2026, 4, 30)
    deadlines_sync(subject=subject)
    assert Deadline.objects.get().due_date == date(2026, 4, 30)
    del agency_rule[subject.pk]
    deadlines_sync(subject=subject)
    gone = Deadline.objects.get()  # kept, with its reminder history, but no longer outstanding
    assert (gone.status, gone.closed_reason) == ("closed", "No longer applies")


@pytest.mark.django_db
def test_a_met_deadline_the_rule_no_longer_gives_stays_met(subject, agency_rule):
    MET[subject.pk] = date(2026, 3, 20)
    deadlines_sync(subject=subject)
    del agency_rule[subject.pk]
    deadlines_sync(subject=subject)
    assert Deadline.objects.get().status == "met"


@pytest.mark.django_db
def test_paused_closed_and_met_come_from_the_rule(subject):
    PAUSED[subject.pk] = date(2026, 3, 1)
    deadlines_sync(subject=subject)
    assert (Deadline.objects.get().status, Deadline.objects.get().paused_since) == (
        "paused",
        date(2026, 3, 1),
    )
    del PAUSED[subject.pk]
    CLOSED[subject.pk] = "Request withdrawn"
    deadlines_sync(subject=subject)
    row = Deadline.objects.get()
    assert (row.status, row.closed_reason, row.paused_since) == ("closed", "Request withdrawn", None)
    MET[subject.pk] = date(2026, 4, 2)
    deadlines_sync(subject=subject)
    row = Deadline.objects.get()
    assert (row.status, row.met_on, row.closed_reason) == ("met", date(2026, 4, 2), "")


@pytest.mark.django_db
def test_statutory_flag_comes_from_the_kind(db, agency_rule):
    agency = AgencyFactory(code="STATDUTY", name="Statutory agency")
    agency_rule[agency.pk] = DUE
    deadlines_sync(subject=agency)
    assert Deadline.objects.get().statutory


@pytest.mark.django_db
def test_a_rule_giving_an_unregistered_kind_is_refused(subject, monkeypatch):
    registration = dataclasses.replace(
        registry.registration_for(Agency),
        rule=lambda agency: [DeadlineSpec(kind="test.typo", label="x", due_date=DUE)],
    )
    monkeypatch.setitem(registry._registrations, registration.subject_type, registration)
    with pytest.raises(ImproperlyConfigured, match="test.typo"):
        deadlines_sync(subject=subject)


def test_a_kind_belongs_to_one_model(agency_rule):
    from somerset_safety.accounts.models import User

    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(
            model=User,
            rule=lambda u: [],
            visible_to=lambda u: User.objects.none(),
            manageable_by=lambda u: User.objects.none(),
            kinds=[DeadlineKind("test.return_due", "Clash")],
        )


# --- The one clock state ------------------------------------------------------------------------

TODAY = date(2026, 3, 21)  # ten days before DUE; the test kind is due soon from 10 days out


@pytest.mark.parametrize(
    ("changes", "key", "tag", "detail"),
    [
        ({"due_date": date(2026, 4, 1)}, "on_track", "On track", "Due 1 April 2026"),
        ({}, "due_soon", "Due soon", "Due in 10 days (31 March 2026)"),
        ({"due_date": TODAY}, "due_soon", "Due soon", "Due today (21 March 2026)"),
        ({"due_date": date(2026, 3, 18)}, "overdue", "Overdue", "3 days overdue (due 18 March 2026)"),
        (
            {"status": "paused", "paused_since": date(2026, 3, 2)},
            "paused",
            "Paused",
            "Paused since 2 March 2026",
        ),
        ({"status": "met", "met_on": date(2026, 3, 20)}, "met_on_time", "Met on time", "Met 20 March 2026"),
        (
            {"status": "met", "due_date": date(2026, 3, 20), "met_on": date(2026, 3, 20)},
            "met_on_time",
            "Met on time",
            "Met 20 March 2026",
        ),
        (
            {"status": "met", "due_date": date(2026, 3, 10), "met_on": date(2026, 3, 20)},
            "met_late",
            "Met late",
            "Met 20 March 2026, 10 days late",
        ),
        # As the clock stood on TODAY: what happens later has not happened yet.
        (
            {"status": "met", "met_on": date(2026, 4, 10)},
            "due_soon",
            "Due soon",
            "Due in 10 days (31 March 2026)",
        ),
        (
            {"status": "paused", "paused_since": date(2026, 3, 22)},
            "due_soon",
            "Due soon",
            "Due in 10 days (31 March 2026)",
        ),
        ({"status": "closed", "closed_reason": "Request withdrawn"}, "closed", "Closed", "Request withdrawn"),
        ({"status": "waived", "waived_reason": "Not needed"}, "waived", "Waived", "Waived"),
    ],
)
@pytest.mark.django_db
def test_clock_state_and_its_database_expression_agree(subject, changes, key, tag, detail):
    Deadline.objects.filter(pk=Deadline.objects.get().pk).update(**changes)
    row = with_state(Deadline.objects.all(), TODAY).get()
    state = clock_state(row, TODAY)
    assert (state.key, state.tag, state.detail) == (key, tag, detail)
    assert row.clock_state == key


@pytest.mark.django_db
def test_due_soon_days_are_per_kind_and_overridable(subject, settings, db, agency_rule):
    statutory = AgencyFactory(code="STATX", name="Statutory X")
    agency_rule[statutory.pk] = date(2026, 4, 20)  # 30 days after TODAY: the statutory kind says due soon
    deadlines_sync(subject=statutory)
    Deadline.objects.filter(subject_id=subject.pk).update(due_date=date(2026, 4, 1))  # 11 days: on track
    states = dict(with_state(Deadline.objects.all(), TODAY).values_list("kind", "clock_state"))
    assert states == {"test.return_due": "on_track", "test.statutory_return_due": "due_soon"}
    settings.TEST_RETURN_DUE_SOON_DAYS = 11  # the app's setting
    assert with_state(Deadline.objects.filter(kind="test.return_due"), TODAY).get().clock_state == "due_soon"
    settings.DEADLINE_DUE_SOON_DAYS_BY_KIND = {"test.return_due": 5, "test.statutory_return_due": 29}
    states = dict(with_state(Deadline.objects.all(), TODAY).values_list("kind", "clock_state"))
    assert states == {"test.return_due": "on_track", "test.statutory_return_due": "on_track"}
    assert {clock_state(d, TODAY).key for d in Deadline.objects.all()} == {"on_track"}


# --- Waivers -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_waive_and_withdraw_the_waiver_with_reasons_audited(subject, manager):
    deadline = Deadline.objects.get()
    with time_machine.travel("2026-03-10 10:00", tick=False):
        deadline_waive(actor=manager, deadline=deadline, reason="Return no longer required")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.waived_by, deadline.waived_reason) == (
        "waived",
        manager,
        "Return no longer required",
    )
    assert clock_state(deadline, TODAY).detail == "Waived 10 March 2026"
    deadlines_sync(subject=subject)  # the waiver stands when the record changes
    assert Deadline.objects.get().status == DeadlineStatus.WAIVED
    with pytest.raises(DeadlineError, match="reason"):
        deadline_unwaive(actor=manager, deadline=deadline, reason="  ")
    PAUSED[subject.pk] = date(2026, 3, 12)
    deadline_unwaive(actor=manager, deadline=deadline, reason="Waived by mistake")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.waived_reason, deadline.waived_by) == ("paused", "", None)
    assert list(DeadlineEvent.objects.order_by("pk").values_list("action", "reason", "actor")) == [
        ("waived", "Return no longer required", manager.pk),
        ("unwaived", "Waived by mistake", manager.pk),
    ]
    audits = AuditEvent.objects.filter(object_type="deadlines.deadline", object_id=str(deadline.pk))
    assert audits.count() == 2


@pytest.mark.django_db
def test_statutory_deadline_cannot_be_waived(db, agency_rule, manager):
    agency = AgencyFactory(code="STATDUTY", name="Statutory agency")
    agency_rule[agency.pk] = DUE
    deadlines_sync(subject=agency)
    with pytest.raises(DeadlineError, match="statutory"):
        deadline_waive(actor=manager, deadline=Deadline.objects.get(), reason="x")
    assert Deadline.objects.get().status == DeadlineStatus.OPEN


@pytest.mark.django_db
def test_waiving_needs_the_records_manage_permission_not_just_sight(subject, officer, as_user):
    deadline = Deadline.objects.get()  # the officer can see it, but does not manage the record
    with pytest.raises(DeadlineError, match="manage"):
        deadline_waive(actor=officer, deadline=deadline, reason="Not needed")
    client = as_user(officer)
    assert client.get(f"/deadlines/{deadline.pk}/waive/").status_code == 403
    assert client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Not needed"}).status_code == 403
    assert Deadline.objects.get().status == DeadlineStatus.OPEN
    assert (
        b"/waive/"
        not in as_user(UserFactory(agency=subject, roles=[Role.AGENCY_REP])).get("/deadlines/").content
    )


@pytest.mark.django_db
def test_met_and_closed_deadlines_cannot_be_waived(subject, manager):
    MET[subject.pk] = date(2026, 3, 30)
    deadlines_sync(subject=subject)
    with pytest.raises(DeadlineError, match="has been met, waived or closed, so there is nothing to waive"):
        deadline_waive(actor=manager, deadline=Deadline.objects.get(), reason="x")


@pytest.mark.django_db
def test_the_waiver_pages_give_the_services_refusal_and_no_form(subject, manager, as_user):
    """The pages say why in the service's words (one rule, not a copy in the template)."""
    deadline = Deadline.objects.get()
    deadline.responsible_users.add(manager)
    client = as_user(manager)
    undo = client.get(f"/deadlines/{deadline.pk}/withdraw-waiver/").content.decode()
    assert (
        "This deadline is not waived, so there is no waiver to withdraw." in undo and "<textarea" not in undo
    )
    refused = client.post(f"/deadlines/{deadline.pk}/withdraw-waiver/", {"reason": "Mistake"})
    assert "This deadline is not waived, so there is no waiver to withdraw." in refused.content.decode()
    assert Deadline.objects.get().status == DeadlineStatus.OPEN
    MET[subject.pk] = date(2026, 3, 30)
    deadlines_sync(subject=subject)
    page = client.get(f"/deadlines/{deadline.pk}/waive/").content.decode()
    assert "This deadline has been met, waived or closed, so there is nothing to waive." in page
    assert "<textarea" not in page
    refused = client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Not needed"})
    assert refused.status_code == 200
    assert (
        "This deadline has been met, waived or closed, so there is nothing to waive."
        in refused.content.decode()
    )
    assert Deadline.objects.get().status == DeadlineStatus.MET


@pytest.mark.django_db
def test_waive_journey(subject, manager, as_user):
    deadline = Deadline.objects.get()
    deadline.responsible_users.add(manager)
    client = as_user(manager)
    page = client.get(f"/deadlines/{deadline.pk}/waive/").content.decode()
    assert "Waive this deadline?" in page and "can be withdrawn later" in page
    empty = client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": ""})
    assert "Enter the reason for waiving this deadline" in empty.content.decode()
    assert Deadline.objects.get().status == DeadlineStatus.OPEN
    done = client.post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Return no longer required"})
    assert done.status_code == 302
    assert Deadline.objects.get().status == DeadlineStatus.WAIVED
    listing = client.get("/deadlines/").content.decode()
    assert f"/deadlines/{deadline.pk}/withdraw-waiver/" in listing
    assert client.get(f"/deadlines/{deadline.pk}/waive/")["Location"].endswith("/withdraw-waiver/")
    undo_page = client.get(f"/deadlines/{deadline.pk}/withdraw-waiver/").content.decode()
    assert "Return no longer required" in undo_page and manager.full_name in undo_page
    assert client.post(f"/deadlines/{deadline.pk}/withdraw-waiver/", {"reason": "Mistake"}).status_code == 302
    assert Deadline.objects.get().status == DeadlineStatus.OPEN
    HIDDEN.add(subject.pk)
    assert client.get(f"/deadlines/{deadline.pk}/waive/").status_code == 404


@pytest.mark.django_db
def test_statutory_waive_page_says_why_and_offers_no_form(db, agency_rule, manager, as_user):
    agency = AgencyFactory(code="STATDUTY", name="Statutory agency")
    agency_rule[agency.pk] = DUE
    deadlines_sync(subject=agency)
    page = as_user(manager).get(f"/deadlines/{Deadline.objects.get().pk}/waive/").content.decode()
    assert "cannot be waived" in page and "<textarea" not in page


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_page_that_queues_work_still_answers(agency_rule):
    """S20: the waiver notification cannot be queued, so it is kept and sent when Redis is back."""
    from somerset_safety.core.queueing import retry_unqueued
    from tests.conftest import verified_client

    council_team = Agency.objects.get(code="CST")
    officer = UserFactory(agency=council_team, roles=[Role.OFFICER])
    MANAGERS.add(officer.pk)
    agency = AgencyFactory(code="RETURNS", name="Returns agency")
    agency_rule[agency.pk] = DUE
    deadlines_sync(subject=agency)
    deadline = Deadline.objects.get()
    owner = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    deadline.responsible_users.add(owner)

    # Nothing listens on port 1: the broker is down.
    with broker("redis://127.0.0.1:1/0"):
        response = verified_client(officer).post(f"/deadlines/{deadline.pk}/waive/", {"reason": "Not needed"})
        assert response.status_code == 302
        assert Deadline.objects.get().status == DeadlineStatus.WAIVED
        assert UnqueuedTask.objects.filter(task_name="deadlines.notify_waived").count() == 1
    # The broker is back (eager mode stands in for the worker here).
    assert retry_unqueued() == 1
    assert not UnqueuedTask.objects.exists()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "waived" in mail.outbox[0].body and "Not needed" not in mail.outbox[0].body


# --- Pages ---------------------------------------------------------------------------------------


def _deadline(agency, n, due, **extra):
    return Deadline.objects.create(
        subject_type="accounts.agency",
        subject_id=agency.pk,
        kind="test.return_due",
        key=str(n),
        label=f"Item {n}",
        subject_url="/x/",
        due_date=due,
        responsible_agency=agency,
        **extra,
    )


@pytest.mark.django_db
def test_my_deadlines_overdue_first_with_states_and_scoped(agency_rule, as_user):
    agency = AgencyFactory(code="MINE", name="My agency")
    rep = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    _deadline(agency, 1, date(2026, 5, 1))
    _deadline(agency, 2, date(2026, 3, 1), status="met", met_on=date(2026, 3, 11))
    _deadline(agency, 3, date(2026, 3, 10))
    _deadline(agency, 4, date(2026, 3, 25))
    _deadline(agency, 5, date(2026, 3, 5), status="paused", paused_since=date(2026, 3, 1))
    hidden = AgencyFactory(code="HIDDEN", name="Hidden agency")
    _deadline(hidden, 6, date(2026, 1, 1))
    HIDDEN.add(hidden.pk)
    elsewhere = AgencyFactory(code="ELSEWHERE", name="Other agency")
    _deadline(elsewhere, 7, date(2026, 1, 1))
    mine = UserFactory(agency=elsewhere, roles=[Role.AGENCY_REP])
    Deadline.objects.get(key="7").responsible_users.add(rep)  # named on another agency's item
    assert mine
    with time_machine.travel(date(2026, 3, 21), tick=False):
        page = as_user(rep).get("/deadlines/").content.decode()
        met_late = as_user(rep).get("/deadlines/", {"state": "met_late"}).content.decode()
    order = [page.index(f"Item {n}") for n in (7, 3, 4, 1, 5, 2)]
    assert order == sorted(order)  # overdue, due soon, on track, paused, met late
    assert "Item 6" not in page
    assert (
        "10 days late" in page and "Paused since 1 March 2026" in page and "Set when the pause ends" in page
    )
    assert "Item 2" in met_late and "Item 3" not in met_late


@pytest.mark.django_db
def test_my_deadlines_query_count_does_not_grow(agency_rule, as_user, django_assert_max_num_queries):
    agency = AgencyFactory(code="MANY", name="Busy agency")
    rep = UserFactory(agency=agency, roles=[Role.AGENCY_REP])
    client = as_user(rep)
    _deadline(agency, 0, date(2026, 1, 1)).responsible_users.add(rep)
    with CaptureQueriesContext(__import__("django.db").db.connection) as one:
        assert client.get("/deadlines/").status_code == 200
    for n in range(1, 30):
        _deadline(agency, n, date(2026, 1, 1)).responsible_users.add(rep)
    with django_assert_max_num_queries(len(one)):
        assert client.get("/deadlines/").status_code == 200


@pytest.mark.django_db
def test_page_access(
    as_user, officer, agency_rep, partnership_lead, review_chair, auditor, no_role_user, agency_rule
):
    assert as_user(officer).get("/deadlines/").status_code == 200
    assert as_user(agency_rep).get("/deadlines/").status_code == 200
    assert as_user(review_chair).get("/deadlines/").status_code == 200
    assert as_user(partnership_lead).get("/deadlines/").status_code == 403
    assert as_user(partnership_lead).get("/deadlines/team/").status_code == 200
    assert as_user(auditor).get("/deadlines/team/").status_code == 403
    assert as_user(no_role_user).get("/deadlines/").status_code == 403


@pytest.mark.django_db
def test_team_view_counts_every_state(
    agency_rule, partnership_lead, officer, as_user, django_assert_max_num_queries
):
    agency = AgencyFactory(code="TEAMS", name="Team agency")
    for n in range(6):
        _deadline(agency, n, date(2026, 3, 1), status="met", met_on=date(2026, 3, 5))  # met late
    _deadline(agency, 10, date(2026, 3, 1), status="met", met_on=date(2026, 3, 1))  # on time
    _deadline(agency, 11, date(2026, 3, 1))  # overdue on 21 March
    lead = as_user(partnership_lead)
    with time_machine.travel(date(2026, 3, 21), tick=False):
        with django_assert_max_num_queries(12):
            lead_page = lead.get("/deadlines/team/").content.decode()
        officer_page = as_user(officer).get("/deadlines/team/").content.decode()
    row = lead_page[lead_page.index("Test return due") :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    # Overdue, due soon, on track, paused, met late, met on time, waived, closed.
    # Deadlines are records, not people: a lead sees them exactly, as an officer does.
    assert cells == ["1", "0", "0", "0", "6", "1", "0", "0"]
    assert "fewer than" not in lead_page and ">1</td>" in officer_page
