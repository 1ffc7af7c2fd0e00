from django.core.management.base import BaseCommand, CommandError

from ...services import chain_check_run


class Command(BaseCommand):
    help = (
        "Checks every audit event's seal and link, and the log against the anchors in "
        "AUDIT_ANCHOR_DIR (S13). The result is kept for the audit page."
    )

    def handle(self, *args, **options):
        result = chain_check_run()
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if not result.ok:
            raise CommandError(
                "The audit log has been altered:\n" + "\n".join(f"- {p}" for p in result.problems)
            )
        self.stdout.write(
            f"Audit chain intact: {result.events_checked} events checked against "
            f"{result.anchors_checked} anchors."
        )
