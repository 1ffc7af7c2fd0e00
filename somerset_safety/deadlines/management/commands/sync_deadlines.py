from django.core.management.base import BaseCommand

from ...services import deadlines_resync_all


class Command(BaseCommand):
    help = (
        "Brings every stored deadline into line with its app's rule. Run it once after an upgrade "
        "that changes a rule; day to day, each service keeps its record's deadlines in step."
    )

    def handle(self, *args, **options):
        count = deadlines_resync_all()
        self.stdout.write(f"Synced the deadlines of {count} record{'s' if count != 1 else ''}.")
