"""S11–S13: append-only audit events, hash chain, database trigger on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from somerset_safety.audit.chain import verify_chain
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.audit.selectors import viewers_of
from somerset_safety.audit.services import audit_list, audit_record, chain_check_run
from somerset_safety.core import request_context


@pytest.mark.django_db
def test_events_carry_actor_agency_request_and_ip(officer):
    token = request_context.set_current(request_context.RequestInfo(request_id="req-1", ip="10.0.0.7"))
    try:
        event = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    finally:
        request_context.reset_current(token)
    assert event.actor_label == officer.email
    assert event.agency_label == officer.agency.name
    assert (event.request_id, event.ip_address) == ("req-1", "10.0.0.7")
    assert (event.object_type, event.object_id) == ("accounts.user", str(officer.pk))


@pytest.mark.django_db
def test_list_events_record_the_ids_shown(officer):
    event = audit_list(actor=officer, model=type(officer), ids=[3, 1, 2])
    assert event.detail["ids"] == ["3", "1", "2"]


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_events(officer):
    event = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_chain_verifies_and_detects_a_changed_row(officer):
    for _ in range(5):
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    result = verify_chain()
    assert result.ok and result.checked >= 5
    victim = AuditEvent.objects.order_by("id")[2]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tampering as a database superuser would: with triggers switched off for the session.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"UPDATE {table} SET action = 'change' WHERE id = %s", [victim.pk])  # noqa: S608
    broken = verify_chain()
    assert not broken.ok
    assert broken.first_bad_id == victim.pk


@pytest.mark.django_db
def test_chain_detects_a_removed_row(officer):
    for _ in range(4):
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    removed = AuditEvent.objects.order_by("id")[1]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tampering as a database superuser would: with triggers switched off for the session.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [removed.pk])  # noqa: S608
    assert not verify_chain().ok


@pytest.mark.django_db
def test_postgresql_trigger_refuses_update_and_delete(officer):
    if connection.vendor != "postgresql":
        pytest.skip("The database trigger exists on PostgreSQL only (S13).")
    event = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    table = AuditEvent._meta.db_table
    for statement in (
        f"UPDATE {table} SET action = 'change' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])


@pytest.mark.django_db
def test_viewers_of_lists_views_newest_first(officer, agency_rep):
    audit_record(actor=officer, action=AuditAction.VIEW, obj=agency_rep)
    audit_record(actor=agency_rep, action=AuditAction.CHANGE, obj=agency_rep)
    audit_record(actor=agency_rep, action=AuditAction.VIEW, obj=agency_rep)
    assert [e.actor for e in viewers_of(agency_rep)] == [agency_rep, officer]


@pytest.mark.django_db
def test_audit_pages_for_auditors_only(auditor, officer, as_user, django_assert_max_num_queries):
    for _ in range(30):
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    client = as_user(auditor)
    with django_assert_max_num_queries(15):
        response = client.get("/audit/?action=view")
    assert response.status_code == 200
    assert b"events" in response.content
    assert b"not been checked yet" in client.get("/audit/chain/").content
    chain_check_run()
    assert b"The audit log is intact" in client.get("/audit/chain/").content
    assert b"intact" in client.get("/audit/").content
    assert as_user(officer).get("/audit/").status_code == 403


@pytest.mark.django_db
def test_verify_audit_chain_command(officer):
    from django.core.management import call_command

    audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    call_command("verify_audit_chain")
