from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.exceptions import MaracError
from partnerships.services import areas_load


class Command(BaseCommand):
    help = "Create or update MARAC areas from a CSV file (code,name,adult_female_population). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            created, updated = areas_load(actor=None, text=Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, MaracError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"MARAC areas: {created} created, {updated} updated."))
