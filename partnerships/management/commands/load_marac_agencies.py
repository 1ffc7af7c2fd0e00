from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.exceptions import MaracError
from partnerships.services import agencies_load


class Command(BaseCommand):
    help = "Create or update agencies by code from a CSV file (code,name,type). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            created, updated = agencies_load(
                actor=None, text=Path(options["file"]).read_text(encoding="utf-8")
            )
        except (OSError, MaracError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Agencies: {created} created, {updated} updated."))
