"""The retention schedule's nightly run (issue 18, scope 3): under a rule that says destroy or
anonymise, records due are disposed of with nobody's approval and logged; under a rule that says
review they wait and the records managers are told how many; a held record survives; running
twice disposes of nothing more; `--simulate` changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from partnerships.models import Person
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.celery import app as celery_app
from somerset_safety.records import services
from somerset_safety.records.models import DisposalRefusal, ErasureLog, RetentionRule
from tests.conftest import verified_client
from tests.factories import UserFactory
from tests.partnerships.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

NAME = "Nora Nightly (synthetic)"


@pytest.fixture
def records_manager(council_team):
    return UserFactory(agency=council_team, roles=[Role.RECORDS_MANAGER], full_name="Rita Records")


def _victim_last_referred(day: datetime.date) -> Person:
    victim = PersonFactory(full_name=NAME, address="2 Synthetic Row")
    ReferralFactory(victim=victim, referral_date=day, status="heard", heard_date=day)
    return victim


@pytest.fixture
def victims(today_is):
    """Under the MARAC person rule (6 years from the last referral, anonymise), on 1 June 2033:
    a person last referred on 1 June 2027 is due (exactly 72 months), one referred on 2 June
    2027 is not yet due, and one due is held."""
    today_is(datetime.date(2027, 7, 1))
    due = _victim_last_referred(datetime.date(2027, 6, 1))
    not_yet = _victim_last_referred(datetime.date(2027, 6, 2))
    held = _victim_last_referred(datetime.date(2027, 5, 1))
    today_is(datetime.date(2033, 6, 1))
    return due, not_yet, held


def _hold(records_manager, person):
    services.hold_place(
        actor=records_manager,
        record_type_key="marac_person",
        object_id=person.pk,
        reason="Civil claim",
        review_on=datetime.date(2034, 1, 1),
    )


def _run(*args) -> str:
    out = StringIO()
    call_command("dispose_of_records", *args, stdout=out)
    return out.getvalue()


def test_the_run_anonymises_what_is_due_under_a_rule_without_review_and_twice_changes_nothing(
    victims, records_manager, django_capture_on_commit_callbacks
):
    due, not_yet, held = victims
    _hold(records_manager, held)

    with django_capture_on_commit_callbacks(execute=True):
        output = _run()

    assert "MARAC referral and person: 1 record due; 1 anonymised." in output
    assert Person.objects.get(pk=due.pk).full_name == ""
    assert Person.objects.get(pk=not_yet.pk).full_name == NAME
    assert Person.objects.get(pk=held.pk).full_name == NAME
    log = ErasureLog.objects.get()
    assert (log.object_id, log.action, log.approved_by, log.trigger_date) == (
        str(due.pk),
        "anonymise",
        None,
        datetime.date(2027, 6, 1),
    )
    event = AuditEvent.objects.get(action=AuditAction.ERASE)
    assert (event.actor, event.object_id) == (None, str(due.pk))
    assert mail.outbox == []  # nothing waits for a review

    assert "No records have reached the end of their retention period." in _run()
    assert ErasureLog.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ERASE).count() == 1


def test_simulating_changes_nothing_and_says_what_would_happen(victims):
    due, _, held = victims
    output = _run("--simulate")
    assert output.startswith("Simulated: nothing has been changed.")
    # Oldest trigger first: the held person was last referred a month before the other.
    assert (
        f"MARAC referral and person: 2 records due; would be anonymised under the rule: "
        f"V{held.pk:07d}, V{due.pk:07d}."
    ) in output
    assert Person.objects.get(pk=due.pk).full_name == NAME
    assert not ErasureLog.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ERASE).exists()


def test_under_a_review_rule_records_wait_and_the_records_managers_are_told_how_many(
    victims, records_manager, django_capture_on_commit_callbacks
):
    due, _, held = victims
    RetentionRule.objects.filter(record_type="marac_person").update(action="review")
    UserFactory(roles=[Role.RECORDS_MANAGER], is_active=False)  # not told

    with django_capture_on_commit_callbacks(execute=True):
        output = _run()

    assert "MARAC referral and person: 2 records due; the rule says review" in output
    assert Person.objects.get(pk=due.pk).full_name == NAME
    assert Person.objects.get(pk=held.pk).full_name == NAME
    assert not ErasureLog.objects.exists()
    [message] = mail.outbox
    assert message.to == [records_manager.email]
    assert "2 records have reached the end of the retention period" in message.body
    assert reverse("records:schedule") in message.body
    assert f"V{due.pk:07d}" not in message.body and "Nora" not in message.body

    # Simulated, nobody is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _run("--simulate")
    assert mail.outbox == []


def test_a_rule_the_kind_of_record_does_not_allow_disposes_of_nothing_and_says_why(
    victims, records_manager, django_capture_on_commit_callbacks
):
    due, _, _ = victims
    RetentionRule.objects.filter(record_type="marac_person").update(action="destroy")
    with django_capture_on_commit_callbacks(execute=True):
        output = _run()
    # The records managers are told, without references or names.
    [message] = mail.outbox
    assert message.to == [records_manager.email]
    assert "2 records could not be disposed of under their rule" in message.body
    assert "wait for your review" not in message.body
    assert f"V{due.pk:07d}" not in message.body and "Nora" not in message.body
    assert "MARAC referral and person: 2 records due; 0 destroyed." in output
    assert (
        "Not disposed of (2 records): The rule for MARAC referral and person says “destroy”, which "
        "this kind of record does not allow. Change the rule first."
    ) in output
    assert Person.objects.get(pk=due.pk).full_name == NAME
    assert not ErasureLog.objects.exists()


def test_the_run_is_on_the_beat_schedule_every_night():
    [entry] = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "records.disposal_run"]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})


def _not_disposed_of(user) -> str:
    """The schedule page's section on what the nightly run could not dispose of (signed in
    afresh: the clock moves on between runs)."""
    page = verified_client(user).get(reverse("records:schedule")).content.decode()
    return page[page.index("Not disposed of by the nightly run") :]


def test_records_the_run_could_not_dispose_of_are_on_the_schedule_page_until_dealt_with(
    victims, records_manager, auditor, today_is
):
    """Under a rule of destroy, which MARAC people do not allow, the 2 people due on 1 June 2033
    (last referred 1 May and 1 June 2027) are refused; on 2 June they are refused again with the
    one last referred on 2 June 2027, now due too: the page counts 3, for that reason, refused
    since 1 June (the first of them), with no reference or name. A hold on one leaves 2. With the
    rule changed to anonymise, the next run disposes of the other two and nothing is refused."""
    due, not_yet, held = victims
    RetentionRule.objects.filter(record_type="marac_person").update(action="destroy")
    why = "The rule says “destroy”, which this kind of record does not allow: change the rule"
    assert "has disposed of every record due" in _not_disposed_of(records_manager)

    _run()
    today_is(datetime.date(2033, 6, 2))
    _run()
    section = _not_disposed_of(records_manager)
    assert "MARAC referral and person" in section
    assert f'<td class="govuk-table__cell">{why}</td>' in section
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in section
    assert "1 June 2033" in section and "2 June 2033" not in section
    assert f"V{due.pk:07d}" not in section and "Nora" not in section
    assert f'<td class="govuk-table__cell">{why}</td>' in _not_disposed_of(auditor)  # reads it too

    _hold(records_manager, held)
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in _not_disposed_of(
        records_manager
    )

    RetentionRule.objects.filter(record_type="marac_person").update(action="anonymise")
    _run()
    assert [Person.objects.get(pk=p.pk).full_name for p in (due, not_yet, held)] == ["", "", NAME]
    assert "has disposed of every record due" in _not_disposed_of(records_manager)
    assert not DisposalRefusal.objects.exists()


def test_a_record_refused_then_disposed_of_by_hand_is_no_longer_counted(victims, records_manager):
    from somerset_safety.records import selectors

    due, _, held = victims
    RetentionRule.objects.filter(record_type="marac_person").update(action="destroy")
    _run()
    assert DisposalRefusal.objects.count() == 2
    RetentionRule.objects.filter(record_type="marac_person").update(action="review")
    services.records_dispose(
        actor=records_manager, record_type_key="marac_person", object_ids=[due.pk], action="anonymise"
    )
    assert list(DisposalRefusal.objects.values_list("object_id", flat=True)) == [str(held.pk)]
    [line] = [
        line
        for line in selectors.schedule(datetime.date(2033, 6, 1))
        if line.record_type.key == "marac_person"
    ]
    assert line.refused_count == 1
