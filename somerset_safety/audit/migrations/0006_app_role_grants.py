"""Grant the application's non-owning database role (DATABASE_APP_ROLE) its rights: everything
it needs, but only INSERT and SELECT on the audit table. Every later migrate re-applies the
grants (a post_migrate handler), so tables added afterwards are covered too."""

from django.conf import settings
from django.db import migrations


def grant(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and settings.DATABASE_APP_ROLE:
        from somerset_safety.audit.database import grant_app_role

        grant_app_role(settings.DATABASE_APP_ROLE, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_truncate_trigger_and_hmac_seal")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
