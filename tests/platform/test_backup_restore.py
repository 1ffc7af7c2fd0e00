"""S23: the documented backup-and-restore procedure, exercised: dump, restore, compare."""

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from tests.environment import postgres_dsn, require, scratch_database_name


@pytest.mark.django_db(transaction=True)
def test_dump_restore_and_compare(tmp_path, officer):
    require(connection.vendor == "postgresql", "The backup test needs PostgreSQL")
    for _ in range(3):
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    dump = tmp_path / "backup.dump"
    call_command("backup_database", output=str(dump))
    assert dump.stat().st_size > 0

    restored = scratch_database_name("restored")
    dsn = postgres_dsn()
    admin = psycopg.connect(dbname="postgres", **dsn)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cur.execute(f'CREATE DATABASE "{restored}"')
    try:
        call_command("restore_database", str(dump), database=restored)
        copy = psycopg.connect(dbname=restored, **dsn)
        try:
            with copy.cursor() as cur, connection.cursor() as live:
                for model in apps.get_models():
                    table = model._meta.db_table
                    live.execute(f'SELECT COUNT(*) FROM "{table}"')
                    cur.execute(f'SELECT COUNT(*) FROM "{table}"')
                    assert cur.fetchone() == live.fetchone(), table
                cur.execute("SELECT row_hash FROM audit_auditevent ORDER BY id")
                live.execute("SELECT row_hash FROM audit_auditevent ORDER BY id")
                assert cur.fetchall() == live.fetchall()
                cur.execute(
                    "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'audit_event_no_update_or_delete'"
                )
                assert cur.fetchone() == (1,)  # the append-only trigger comes back too
        finally:
            copy.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()
