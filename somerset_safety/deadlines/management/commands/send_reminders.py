from datetime import date

from django.core.management.base import BaseCommand, CommandError

from somerset_safety.core.dates import is_working_day
from somerset_safety.core.dates import today as local_today

from ... import reminders


class Command(BaseCommand):
    help = (
        "Runs the reminder sweep by hand (the zero-setup mode without a Celery worker): logs "
        "today's reminders, sends the immediate ones, and with --digest sends the daily digests "
        "(on working days only, unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is YYYY-MM-DD (for rehearsals).")
        parser.add_argument("--digest", action="store_true", help="Also send the daily digests now.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --digest: send the digests even on a day that is not a working day.",
        )

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else local_today()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        if options["force"] and not options["digest"]:
            raise CommandError("--force only applies with --digest")
        result = reminders.reminder_sweep(today=today)
        people = emails = 0
        for recipient_id in result.recipient_ids:
            try:
                carried = reminders.reminders_send(recipient_id=recipient_id, today=today)
            except OSError:
                self.stderr.write(f"Could not email user {recipient_id}; their reminders will be retried.")
                continue
            people += bool(carried)
            emails += carried
        self.stdout.write(
            f"Reminders logged: {result.reminders_logged}; immediate emails sent: {people} "
            f"(carrying {emails} reminder{'s' if emails != 1 else ''})."
        )
        if not options["digest"]:
            return
        if not is_working_day(today) and not options["force"]:
            self.stdout.write(
                f"{today:%A} {today.day} {today:%B %Y} is not a working day, so no digests were sent. "
                "Use --force to send them anyway."
            )
            return
        digests = reminders.digest_send(today=today, force=True)
        self.stdout.write(f"Digests sent: {digests}.")
