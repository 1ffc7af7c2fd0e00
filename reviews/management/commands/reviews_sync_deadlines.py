from django.core.management.base import BaseCommand

from reviews.services import resync_open_pauses


class Command(BaseCommand):
    help = (
        "Moves the completion deadline of every paused DHR on by the days paused so far. "
        "Run once a day (an open pause extends the clock daily)."
    )

    def handle(self, *args, **options):
        count = resync_open_pauses()
        self.stdout.write(f"Synced the deadlines of {count} paused review{'s' if count != 1 else ''}.")
