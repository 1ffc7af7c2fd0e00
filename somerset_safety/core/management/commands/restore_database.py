from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restores a backup made by backup_database into an existing EMPTY database (create it first "
        "with createdb). Point DATABASE_URL at the restored database afterwards and run verify_audit_chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", help="The .dump file")
        parser.add_argument("--database", required=True, help="Name of the empty database to restore into")

    def handle(self, *args, **options):
        dump = Path(options["dump"])
        if not dump.is_file():
            raise CommandError(f"No backup file at {dump}")
        try:
            database_restore(dump, database=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {dump} into database {options['database']}")
