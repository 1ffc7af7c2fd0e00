from django.core.management.base import BaseCommand, CommandError

from ...selectors import verify_chain


class Command(BaseCommand):
    help = "Checks that no audit event has been changed or removed (S13)."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"The audit chain is broken at event {result.first_bad_id} "
                f"after {result.checked} good events."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} events checked.")
