from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ... import reminders


class Command(BaseCommand):
    help = (
        "Runs the reminder sweep by hand (the zero-setup mode without a Celery worker): logs "
        "today's reminders, sends immediate ones, and with --digest sends the daily digests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is YYYY-MM-DD (for rehearsals).")
        parser.add_argument("--digest", action="store_true", help="Also send the daily digests now.")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        result = reminders.reminder_sweep(today=today)
        sent = 0
        for reminder_id in result.immediate_ids:
            try:
                sent += reminders.reminder_send(reminder_id=reminder_id)
            except OSError:
                self.stderr.write(f"Could not send reminder {reminder_id}; it will be retried.")
        digests = reminders.digest_send(today=today, force=True) if options["digest"] else 0
        self.stdout.write(
            f"Reminders logged: {result.reminders_logged}; immediate emails sent: {sent}; digests sent: {digests}."
        )
