from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.exceptions import ImportRejected
from partnerships.imports import import_referrals


class Command(BaseCommand):
    help = "Import historic MARAC referrals from CSV, all or nothing; prints each bad row and field."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = import_referrals(actor=None, data=data, file_name=path.name)
        except ImportRejected as exc:
            for line, field, message in exc.errors:
                self.stderr.write(f"Row {line}, {field}: {message}")
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created} referrals ({result.repeats} repeats), batch {result.batch.pk}."
            )
        )
