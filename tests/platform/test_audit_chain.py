"""Issue 19 point 2: an audit log that cannot be wiped unnoticed — TRUNCATE refused, a
non-owning application role, an HMAC chain, signed anchors outside the database."""

import hashlib
import importlib
import json
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from somerset_safety.audit.chain import anchor_write, anchors_read, verify_chain
from somerset_safety.audit.models import AuditAction, AuditEvent, ChainCheckResult
from somerset_safety.audit.services import audit_record, chain_check_run
from somerset_safety.celery import app as celery_app
from tests.environment import require, scratch_database_name

TABLE = AuditEvent._meta.db_table


def _events(user, n: int) -> list[AuditEvent]:
    return [audit_record(actor=user, action=AuditAction.VIEW, obj=user) for _ in range(n)]


def _tamper(sql: str, params=()) -> None:
    """Change the table as a database superuser would: with its triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def _plain_sha256_chain_from(first_id: int) -> None:
    """What someone with write access but without the key would do: recompute the hashes the
    old way (plain SHA-256) from a changed row onwards."""
    previous = (
        AuditEvent.objects.filter(pk__lt=first_id).order_by("-id").values_list("row_hash", flat=True).first()
    )
    for event in AuditEvent.objects.filter(pk__gte=first_id).order_by("id"):
        event.previous_hash = previous or ""
        row_hash = hashlib.sha256(event.hashed_content().encode()).hexdigest()
        _tamper(
            f"UPDATE {TABLE} SET previous_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
            [event.previous_hash, row_hash, event.pk],
        )
        previous = row_hash


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql(officer):
    require(connection.vendor == "postgresql", "The TRUNCATE trigger exists on PostgreSQL only")
    _events(officer, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in a transaction of its own
            cursor.execute(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_changed_row_with_a_recomputed_plain_hash_is_reported(officer):
    events = _events(officer, 5)
    assert verify_chain().ok
    _tamper(f"UPDATE {TABLE} SET action = 'change' WHERE id = %s", [events[2].pk])  # noqa: S608
    _plain_sha256_chain_from(events[2].pk)
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_id == events[2].pk
    assert f"Event {events[2].pk} has been changed since it was written" in result.problems[0]


@pytest.mark.django_db
def test_the_seal_depends_on_the_key(officer, settings):
    _events(officer, 2)
    assert verify_chain().ok
    settings.AUDIT_CHAIN_KEY = "another-key-entirely-" + "x" * 20
    assert not verify_chain().ok


@pytest.mark.django_db
def test_anchor_is_signed_and_written_to_a_file_and_the_log(officer, settings, caplog):
    events = _events(officer, 3)
    with caplog.at_level(logging.INFO, logger="somerset_safety.audit.anchor"):
        anchor, path = anchor_write()
    assert path.parent == settings.AUDIT_ANCHOR_DIR and path.exists()
    stored = json.loads(path.read_text())
    assert stored["last_id"] == events[-1].pk and stored["count"] == 3
    assert stored["head_hash"] == events[-1].row_hash and len(stored["signature"]) == 64
    assert json.dumps(stored, sort_keys=True) in caplog.text
    result = verify_chain()
    assert result.ok and result.anchors_checked == 1 and result.checked == 3


@pytest.mark.django_db
def test_deleting_the_newest_rows_is_reported_against_the_anchor(officer):
    events = _events(officer, 5)
    anchor_write()
    _tamper(f"DELETE FROM {TABLE} WHERE id >= %s", [events[3].pk])  # noqa: S608
    result = verify_chain()
    assert not result.ok
    assert any(
        f"ends at event {events[2].pk}" in p and f"recorded 5 events up to event {events[4].pk}" in p
        for p in result.problems
    ), result.problems


@pytest.mark.django_db
def test_emptying_the_whole_table_is_reported(officer):
    _events(officer, 3)
    anchor_write()
    _tamper(f"DELETE FROM {TABLE}")  # noqa: S608
    result = verify_chain()
    assert not result.ok and "The log is empty" in result.problems[0]


@pytest.mark.django_db
def test_newest_rows_replaced_after_the_anchor_are_reported(officer):
    """Rows removed and as many written again (with the key) still differ from the anchor."""
    events = _events(officer, 3)
    anchor_write()
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])  # noqa: S608
    _events(officer, 1)
    result = verify_chain()
    assert not result.ok
    assert any(f"Event {events[2].pk}, the last event on the anchor" in p for p in result.problems)


@pytest.mark.django_db
def test_a_forged_anchor_file_is_reported(officer, settings):
    _events(officer, 2)
    _, path = anchor_write()
    forged = json.loads(path.read_text()) | {"count": 1}
    path.write_text(json.dumps(forged))
    anchors, problems = anchors_read()
    assert anchors == [] and "not signed with this service's key" in problems[0]
    assert not verify_chain().ok


@pytest.mark.django_db
def test_without_an_anchor_the_check_says_truncation_cannot_be_seen(officer):
    _events(officer, 1)
    result = verify_chain()
    assert result.ok and result.anchors_checked == 0
    assert any("No anchor was found" in note for note in result.notes)


@pytest.mark.django_db
def test_a_removed_middle_row_is_a_gap_that_breaks_the_chain(officer):
    events = _events(officer, 4)
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])  # noqa: S608
    result = verify_chain()
    assert not result.ok and result.first_bad_id == events[2].pk
    assert "does not follow the event before it" in result.problems[0]


@pytest.mark.django_db
def test_ids_left_by_a_rolled_back_write_are_noted_not_reported(officer):
    require(connection.vendor == "postgresql", "Sequences skip ids after a rollback on PostgreSQL")
    first = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
        raise RuntimeError("the caller's work failed")
    last = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    assert last.pk == first.pk + 2
    result = verify_chain()
    assert result.ok
    assert any(f"Id {first.pk + 1} was never used" in note for note in result.notes)


@pytest.mark.django_db
def test_verification_results_are_kept_and_auditors_told_when_broken(
    officer, auditor, django_capture_on_commit_callbacks
):
    events = _events(officer, 3)
    assert chain_check_run().ok
    _tamper(f"UPDATE {TABLE} SET object_id = '999' WHERE id = %s", [events[0].pk])  # noqa: S608
    with django_capture_on_commit_callbacks(execute=True):
        broken = chain_check_run()
    assert not broken.ok and broken.first_bad_id == events[0].pk
    assert ChainCheckResult.objects.count() == 2
    assert [m.to for m in mail.outbox] == [[auditor.email]]
    assert mail.outbox[0].subject == "Safer Somerset: audit log check failed"
    assert "/audit/chain/" in mail.outbox[0].body and officer.email not in mail.outbox[0].body


@pytest.mark.django_db
def test_audit_page_shows_the_last_result_and_checks_run_in_the_background(
    officer, auditor, as_user, django_capture_on_commit_callbacks
):
    events = _events(officer, 2)
    client = as_user(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/audit/chain/")
    assert response.status_code == 302
    latest = ChainCheckResult.objects.get()
    assert latest.ok and latest.requested_by == auditor
    page = client.get("/audit/").content.decode()
    assert f"<strong>intact</strong> ({AuditEvent.objects.count()} events, 0 anchors)" in page
    _tamper(f"UPDATE {TABLE} SET action = 'change' WHERE id = %s", [events[1].pk])  # noqa: S608
    # The page shows the stored result: it does not walk the table itself.
    assert "The audit log is intact" in client.get("/audit/chain/").content.decode()
    chain_check_run()
    page = client.get("/audit/chain/").content.decode()
    assert "The audit log has been altered" in page and f"Event {events[1].pk} has been changed" in page
    assert "found the audit log has been altered" in client.get("/audit/").content.decode()


@pytest.mark.django_db
def test_the_commands_anchor_and_verify(officer, settings):
    events = _events(officer, 2)
    call_command("anchor_audit_chain")
    assert len(list(settings.AUDIT_ANCHOR_DIR.glob("audit-anchor-*.json"))) == 1
    call_command("verify_audit_chain")
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match="newest events have been removed"):
        call_command("verify_audit_chain")


def test_beat_anchors_and_verifies_daily():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"audit.anchor_chain", "audit.verify_chain"} <= tasks


def _legacy_chain(events) -> None:
    """Rewrite events as the plain SHA-256 chain rows written before the HMAC seal had."""
    previous = ""
    for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"):
        event.previous_hash = previous
        row_hash = hashlib.sha256(event.hashed_content().encode()).hexdigest()
        _tamper(
            f"UPDATE {TABLE} SET previous_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
            [previous, row_hash, event.pk],
        )
        previous = row_hash


@pytest.mark.django_db
def test_the_migration_seals_an_intact_legacy_chain_and_refuses_a_broken_one(officer):
    migration = importlib.import_module(
        "somerset_safety.audit.migrations.0005_truncate_trigger_and_hmac_seal"
    )
    events = _events(officer, 3)
    _legacy_chain(events)
    assert not verify_chain().ok
    editor = SimpleNamespace(connection=connection)
    migration.reseal(django_apps, editor)
    assert verify_chain().ok

    _legacy_chain(events)
    _tamper(f"UPDATE {TABLE} SET action = 'change' WHERE id = %s", [events[1].pk])  # noqa: S608
    with pytest.raises(RuntimeError, match=f"broken at event {events[1].pk}"):
        migration.reseal(django_apps, editor)


@pytest.mark.django_db
def test_the_application_role_may_only_insert_and_read_audit_events(officer):
    require(connection.vendor == "postgresql", "Database roles need PostgreSQL")
    from psycopg import errors

    from somerset_safety.audit.database import audit_table_writable_by_current_role, grant_app_role

    role = scratch_database_name("app")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        grant_app_role(role)
        event = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'SET LOCAL ROLE "{role}"')
            assert audit_table_writable_by_current_role() == []
            written = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)  # INSERT works
            assert AuditEvent.objects.filter(pk=written.pk).exists()  # and SELECT
            officer.job_title = "Still writable"
            officer.save(update_fields=["job_title"])  # the rest of the service works as usual
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        for statement in (
            f"UPDATE {TABLE} SET action = 'change' WHERE id = {event.pk}",  # noqa: S608
            f"DELETE FROM {TABLE} WHERE id = {event.pk}",  # noqa: S608
            f"TRUNCATE {TABLE}",
        ):
            with pytest.raises(DatabaseError) as refused, transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f'SET LOCAL ROLE "{role}"')
                    cursor.execute(statement)
            assert isinstance(refused.value.__cause__, errors.InsufficientPrivilege), statement
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')
