"""The audit log's database defences, and its chain re-sealed with the HMAC key (S13).

- A statement-level trigger refuses TRUNCATE (the row-level one already refuses UPDATE and
  DELETE).
- Rows written before this migration carry a plain SHA-256 chain, which anyone with write
  access could recompute. The chain is checked as it stands and, only if it is intact, sealed
  again with HMAC-SHA256 keyed by AUDIT_CHAIN_KEY. A broken chain stops the migration.
  The hashing here is a frozen copy of the model's at this point.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

TRUNCATE_TRIGGER = """
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
DROP_TRUNCATE_TRIGGER = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;"


def _content(event, previous_hash: str) -> str:
    content = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "agency_label": event.agency_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changed_fields": event.changed_fields,
        "detail": event.detail,
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "previous_hash": previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


def _hmac(content: str) -> str:
    return hmac.new(
        settings.AUDIT_CHAIN_KEY.encode(), b"row\x00" + content.encode(), hashlib.sha256
    ).hexdigest()


def reseal(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    old_previous = new_previous = ""
    updates = []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        plain = hashlib.sha256(_content(event, event.previous_hash).encode()).hexdigest()
        if event.previous_hash != old_previous or plain != event.row_hash:
            raise RuntimeError(
                f"The audit chain is broken at event {event.pk}: it cannot be sealed again. "
                "Investigate (and restore the database from a backup) before migrating."
            )
        old_previous = event.row_hash
        sealed = _hmac(_content(event, new_previous))
        updates.append((new_previous, sealed, event.pk))
        new_previous = sealed
    if not updates:
        return
    table = connection.ops.quote_name("audit_auditevent")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE needs no pending checks
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_no_update_or_delete")
        cursor.executemany(
            f"UPDATE {table} SET previous_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
            updates,
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_no_update_or_delete")


def add_truncate_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRUNCATE_TRIGGER)


def drop_truncate_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRUNCATE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_check_result")]
    operations = [
        migrations.RunPython(add_truncate_trigger, drop_truncate_trigger),
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
