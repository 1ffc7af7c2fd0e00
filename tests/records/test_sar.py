"""Subject access requests: the response clock worked out by hand, the extension and pause rules,
the moves and who may use the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.deadlines.models import Deadline, DeadlineStatus
from somerset_safety.records import services
from somerset_safety.records.deadlines import response_due
from somerset_safety.records.exceptions import RecordsError
from somerset_safety.records.models import PauseReason, Regime, SarStatus, SubjectAccessRequest
from tests.conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2027, 1, 31)


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def _sar(actor, received_on=RECEIVED, regime=Regime.UK_GDPR, **extra) -> SubjectAccessRequest:
    return services.sar_create(
        actor=actor,
        regime=regime,
        received_on=received_on,
        subject_name="Sam Subject",
        handler=actor,
        **extra,
    )


def _deadline(sar) -> Deadline:
    return Deadline.objects.get(subject_type="records.subjectaccessrequest", subject_id=sar.pk)


# The clock, as a pure function of the dates.


@pytest.mark.parametrize(
    ("received", "pauses", "extension", "due"),
    [
        # One calendar month, the month's end kept: 31 January → 28 February (29 in 2028).
        (dt.date(2027, 1, 31), [], 0, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), [], 0, dt.date(2028, 2, 29)),
        (dt.date(2027, 3, 15), [], 0, dt.date(2027, 4, 15)),
        # Extended by two months: 31 January → 30 April (three months on, clamped).
        (dt.date(2027, 1, 31), [], 2, dt.date(2027, 4, 30)),
        (dt.date(2027, 1, 31), [], 1, dt.date(2027, 3, 31)),
        # Proof of identity asked for on 5 February, arriving 10 February: the month runs from then.
        (
            dt.date(2027, 1, 31),
            [(PauseReason.IDENTITY, dt.date(2027, 2, 5), dt.date(2027, 2, 10))],
            0,
            dt.date(2027, 3, 10),
        ),
        # Clarification asked 5 February, answered 8 February: 5, 6, 7 and 8 do not count, so
        # 28 February + 4 days = 4 March.
        (
            dt.date(2027, 1, 31),
            [(PauseReason.CLARIFICATION, dt.date(2027, 2, 5), dt.date(2027, 2, 8))],
            0,
            dt.date(2027, 3, 4),
        ),
        # A clarification still awaited does not move the date yet (the clock is paused).
        (
            dt.date(2027, 1, 31),
            [(PauseReason.CLARIFICATION, dt.date(2027, 2, 5), None)],
            0,
            dt.date(2027, 2, 28),
        ),
        # Both: identity arrives 10 February (due 10 March), then clarification 1–2 March adds 2 days.
        (
            dt.date(2027, 1, 31),
            [
                (PauseReason.IDENTITY, dt.date(2027, 1, 31), dt.date(2027, 2, 10)),
                (PauseReason.CLARIFICATION, dt.date(2027, 3, 1), dt.date(2027, 3, 2)),
            ],
            0,
            dt.date(2027, 3, 12),
        ),
    ],
)
def test_the_response_is_due_one_calendar_month_on_paused_and_extended_by_the_rules(
    received, pauses, extension, due
):
    assert response_due(received, pauses, extension) == due


# The stored deadline follows the request.


def test_a_request_received_on_31_january_is_due_on_28_february_as_a_statutory_deadline(
    today_is, records_manager
):
    today_is(dt.date(2027, 2, 1))
    sar = _sar(records_manager)
    assert sar.reference == "SAR-2027-0001"
    deadline = _deadline(sar)
    assert (deadline.due_date, deadline.status, deadline.statutory) == (
        dt.date(2027, 2, 28),
        DeadlineStatus.OPEN,
        True,
    )
    assert list(deadline.responsible_users.all()) == [records_manager]
    assert deadline.label == "SAR-2027-0001: respond to the subject access request"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(sar.pk)).exists()


def test_pausing_for_clarification_pauses_the_deadline_and_restarting_adds_the_days_waited(
    today_is, records_manager
):
    today_is(dt.date(2027, 2, 5))
    sar = _sar(records_manager)
    sar = services.sar_pause(
        actor=records_manager, sar=sar, reason=PauseReason.CLARIFICATION, started_on=dt.date(2027, 2, 5)
    )
    assert sar.status == SarStatus.PAUSED
    deadline = _deadline(sar)
    assert (deadline.status, deadline.paused_since, deadline.due_date) == (
        DeadlineStatus.PAUSED,
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 28),
    )
    today_is(dt.date(2027, 2, 9))
    with pytest.raises(RecordsError, match="before the date asked"):
        services.sar_resume(actor=records_manager, sar=sar, ended_on=dt.date(2027, 2, 4))
    sar = services.sar_resume(actor=records_manager, sar=sar, ended_on=dt.date(2027, 2, 8))
    deadline.refresh_from_db()
    assert (sar.status, deadline.status, deadline.due_date) == (
        SarStatus.OPEN,
        DeadlineStatus.OPEN,
        dt.date(2027, 3, 4),
    )


def test_pausing_for_identity_restarts_the_month_from_the_day_it_arrives(today_is, records_manager):
    today_is(dt.date(2027, 2, 12))
    sar = _sar(records_manager)
    services.sar_pause(
        actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 2, 1)
    )
    services.sar_resume(actor=records_manager, sar=sar, ended_on=dt.date(2027, 2, 10))
    assert _deadline(sar).due_date == dt.date(2027, 3, 10)


def test_a_pause_is_refused_before_the_request_or_in_the_future_or_twice(today_is, records_manager):
    today_is(dt.date(2027, 2, 5))
    sar = _sar(records_manager)
    with pytest.raises(RecordsError, match="cannot be before the request was received"):
        services.sar_pause(
            actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 1, 30)
        )
    with pytest.raises(RecordsError, match="must be today or in the past"):
        services.sar_pause(
            actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 2, 6)
        )
    services.sar_pause(
        actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 2, 1)
    )
    with pytest.raises(RecordsError, match="You can pause the clock only when it is at “Open”"):
        services.sar_pause(
            actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 2, 2)
        )


def test_an_extension_told_within_the_first_month_moves_the_deadline_two_months(today_is, records_manager):
    today_is(dt.date(2027, 2, 20))
    sar = _sar(records_manager)
    sar = services.sar_extend(
        actor=records_manager,
        sar=sar,
        months=2,
        reason="Records in four systems",
        told_on=dt.date(2027, 2, 20),
    )
    assert (sar.extension_months, sar.requester_told_on) == (2, dt.date(2027, 2, 20))
    assert _deadline(sar).due_date == dt.date(2027, 4, 30)
    assert (
        services.extension_refusal(sar)
        == "This request has already been extended by two months, the most the law allows."
    )


def test_one_month_then_another_makes_two_and_no_more(today_is, records_manager):
    today_is(dt.date(2027, 2, 10))
    sar = _sar(records_manager)
    services.sar_extend(
        actor=records_manager, sar=sar, months=1, reason="Complex", told_on=dt.date(2027, 2, 10)
    )
    with pytest.raises(RecordsError, match="this one can take 1 more"):
        services.sar_extend(
            actor=records_manager, sar=sar, months=2, reason="More", told_on=dt.date(2027, 2, 10)
        )
    services.sar_extend(actor=records_manager, sar=sar, months=1, reason="More", told_on=dt.date(2027, 2, 10))
    assert _deadline(sar).due_date == dt.date(2027, 4, 30)


def test_an_extension_after_the_first_month_is_refused_in_the_services_words(today_is, records_manager):
    today_is(dt.date(2027, 3, 1))
    sar = _sar(records_manager)
    with pytest.raises(RecordsError) as refused:
        services.sar_extend(
            actor=records_manager, sar=sar, months=1, reason="Complex", told_on=dt.date(2027, 3, 1)
        )
    assert str(refused.value) == (
        "The first month ended on 28 February 2027. A request can only be extended if the requester is told "
        "within the first month, so this one must be answered by its due date."
    )
    assert _deadline(sar).due_date == dt.date(2027, 2, 28)


def test_an_extension_whose_notice_was_after_the_first_month_is_refused(today_is, records_manager):
    # Recorded late, on 20 February, but the requester was told on... a day outside the month.
    today_is(dt.date(2027, 2, 20))
    sar = _sar(records_manager)
    with pytest.raises(RecordsError, match="between 31 January 2027 and 28 February 2027"):
        services.sar_extend(
            actor=records_manager, sar=sar, months=1, reason="Complex", told_on=dt.date(2027, 1, 30)
        )


def test_the_days_waiting_for_clarification_extend_the_first_month_for_the_notice(today_is, records_manager):
    today_is(dt.date(2027, 2, 10))
    sar = _sar(records_manager)
    services.sar_pause(
        actor=records_manager, sar=sar, reason=PauseReason.CLARIFICATION, started_on=dt.date(2027, 2, 5)
    )
    assert services.extension_refusal(sar) == (
        "Restart the clock first: an extension is counted from the date the clock runs again."
    )
    services.sar_resume(actor=records_manager, sar=sar, ended_on=dt.date(2027, 2, 8))
    # The first month now ends on 4 March: telling the requester on 2 March is in time.
    today_is(dt.date(2027, 3, 2))
    services.sar_extend(
        actor=records_manager, sar=sar, months=2, reason="Complex", told_on=dt.date(2027, 3, 2)
    )
    # 31 January + 3 months = 30 April, + 4 days = 4 May.
    assert _deadline(sar).due_date == dt.date(2027, 5, 4)


def test_a_law_enforcement_request_may_be_extended_too(today_is, records_manager):
    # DPA 2018 s54(3A), inserted by the Data (Use and Access) Act 2025.
    today_is(dt.date(2027, 2, 10))
    sar = _sar(records_manager, regime=Regime.PART_3)
    services.sar_extend(
        actor=records_manager, sar=sar, months=2, reason="Complex", told_on=dt.date(2027, 2, 10)
    )
    assert _deadline(sar).due_date == dt.date(2027, 4, 30)


def test_completing_meets_the_deadline_on_time_or_late(today_is, records_manager):
    today_is(dt.date(2027, 3, 3))
    on_time, late = _sar(records_manager), _sar(records_manager)
    for sar in (on_time, late):
        services.sar_search(actor=records_manager, sar=sar)
    services.sar_complete(actor=records_manager, sar=on_time, completed_on=dt.date(2027, 2, 27))
    services.sar_complete(actor=records_manager, sar=late, completed_on=dt.date(2027, 3, 2))
    assert (_deadline(on_time).status, _deadline(on_time).met_on, _deadline(on_time).days_late) == (
        DeadlineStatus.MET,
        dt.date(2027, 2, 27),
        0,
    )
    assert _deadline(late).days_late == 2
    with pytest.raises(RecordsError, match="You can record the response as sent only when it is at “Open”"):
        services.sar_complete(actor=records_manager, sar=on_time, completed_on=dt.date(2027, 3, 1))


def test_withdrawing_a_paused_request_closes_its_deadline(today_is, records_manager):
    today_is(dt.date(2027, 2, 10))
    sar = _sar(records_manager)
    services.sar_pause(
        actor=records_manager, sar=sar, reason=PauseReason.IDENTITY, started_on=dt.date(2027, 2, 1)
    )
    sar = services.sar_withdraw(actor=records_manager, sar=sar, reason="The requester asked us to stop")
    deadline = _deadline(sar)
    assert (sar.status, deadline.status, deadline.closed_reason) == (
        SarStatus.WITHDRAWN,
        DeadlineStatus.CLOSED,
        "Request withdrawn",
    )
    assert not sar.pauses.filter(ended_on__isnull=True).exists()


def test_a_request_is_refused_with_a_handler_who_cannot_answer_it(today_is, records_manager, agency_rep):
    today_is(dt.date(2027, 2, 10))
    with pytest.raises(RecordsError, match="must be a records manager or community safety officer"):
        services.sar_create(
            actor=records_manager,
            regime=Regime.UK_GDPR,
            received_on=RECEIVED,
            subject_name="Sam",
            handler=agency_rep,
        )


# Pages.


def test_an_officer_records_a_request_and_everything_typed_is_kept_on_an_error(today_is, officer):
    today_is(dt.date(2027, 2, 10))
    client = verified_client(officer)
    form = {
        "regime": Regime.UK_GDPR,
        "received_on_0": "31",
        "received_on_1": "1",
        "received_on_2": "2027",
        "subject_name": "Sam Subject",
        "other_names": "Sam Smith",
        "date_of_birth_0": "1",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2030",
        "known_references": "MS-2026-0001",
        "handler": str(officer.pk),
    }
    response = client.post(reverse("records:sar_create"), form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The date of birth must be today or in the past" in body
    assert "Sam Smith" in body and "MS-2026-0001" in body
    form["date_of_birth_2"] = "1990"
    response = client.post(reverse("records:sar_create"), form)
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == sar.get_absolute_url()
    assert (sar.names, sar.references, sar.date_of_birth) == (
        ["Sam Subject", "Sam Smith"],
        ["MS-2026-0001"],
        dt.date(1990, 2, 1),
    )
    page = client.get(sar.get_absolute_url()).content.decode()
    assert "Due 28 February 2027" in page


def test_the_late_extension_is_refused_on_the_page(today_is, records_manager):
    today_is(dt.date(2027, 3, 1))
    sar = _sar(records_manager)
    client = verified_client(records_manager)
    response = client.get(reverse("records:sar_change", args=[sar.pk, "extend"]), follow=True)
    assert "The first month ended on 28 February 2027." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status", "change_status"),
    [
        ("records_manager", 200, 200, 200),
        ("officer", 200, 200, 200),
        ("auditor", 200, 200, 403),
        ("agency_rep", 403, 404, 404),
        ("coordinator", 403, 404, 404),
        ("no_role_user", 403, 403, 403),
    ],
)
def test_who_may_use_the_pages(
    request, today_is, records_manager, persona, list_status, detail_status, change_status
):
    today_is(dt.date(2027, 2, 10))
    sar = _sar(records_manager)
    client = verified_client(request.getfixturevalue(persona))
    assert client.get(reverse("records:sars")).status_code == list_status
    assert client.get(sar.get_absolute_url()).status_code == detail_status
    assert client.get(reverse("records:sar_change", args=[sar.pk, "pause"])).status_code == change_status


def test_the_list_shows_requests_with_their_clock_in_a_fixed_number_of_queries(today_is, records_manager):
    today_is(dt.date(2027, 2, 10))
    client = verified_client(records_manager)

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("records:sars")).content.decode()
        return len(queries), body

    _sar(records_manager)
    one, _body = page_queries()
    for _ in range(3):
        _sar(records_manager)
    four, body = page_queries()
    assert body.count("Due 28 February 2027") == 4
    assert four == one <= 16
