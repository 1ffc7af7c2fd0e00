from django.core.management.base import BaseCommand

from ...chain import anchor_write


class Command(BaseCommand):
    help = (
        "Writes an anchor of the audit log (last id, number of events, head hash, signed) to a "
        "file in AUDIT_ANCHOR_DIR and to the log stream. Beat runs it daily."
    )

    def handle(self, *args, **options):
        anchor, path = anchor_write()
        self.stdout.write(f"Anchor written to {path}: {anchor.count} events up to event {anchor.last_id}.")
