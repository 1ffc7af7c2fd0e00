"""The application's database role (S13): web, worker and beat connect as a role that does not
own the tables and may only insert into and read the audit table. Migrations run as the owner
and grant it its rights (`grant_app_role`) on every migrate, so new tables are covered too."""

from django.db import connection as default_connection

AUDIT_TABLE = "audit_auditevent"


class AppRoleMissing(Exception):
    pass


def grant_app_role(role: str, connection=None) -> None:
    """Give `role` what the application needs: read and write every table except the audit
    table (read and insert only) and the migration record (read only). PostgreSQL only."""
    connection = connection or default_connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise AppRoleMissing(
                f"The database role {role!r} (DATABASE_APP_ROLE) does not exist. Create it first "
                "(see the README, 'Operating it safely')."
            )
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        r = quote(role)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {r}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r}",
            f"REVOKE ALL ON {quote(AUDIT_TABLE)} FROM {r}",
            f"GRANT SELECT, INSERT ON {quote(AUDIT_TABLE)} TO {r}",
            f"REVOKE ALL ON {quote('django_migrations')} FROM {r}",
            f"GRANT SELECT ON {quote('django_migrations')} TO {r}",
        ):
            cursor.execute(statement)


def audit_table_writable_by_current_role(connection=None) -> list[str]:
    """Which of UPDATE, DELETE, TRUNCATE the connected role holds on the audit table."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS p "
            "WHERE has_table_privilege(current_user, %s, p)",
            [AUDIT_TABLE],
        )
        return [row[0] for row in cursor.fetchall()]
