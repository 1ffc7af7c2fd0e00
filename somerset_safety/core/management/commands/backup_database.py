from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...backup import BackupError, database_dump


class Command(BaseCommand):
    help = "Dumps the PostgreSQL database (pg_dump custom format) to a file, for the nightly backup."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="File to write (default: var/backups/safer-somerset-<time>.dump)"
        )

    def handle(self, *args, **options):
        output = Path(options["output"] or f"var/backups/safer-somerset-{timezone.now():%Y%m%dT%H%M%S}.dump")
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            database_dump(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {output}")
