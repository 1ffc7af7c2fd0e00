from collections import Counter

from django.core.management.base import BaseCommand

from somerset_safety.records import services
from somerset_safety.records.models import DisposalAction


class Command(BaseCommand):
    help = (
        "Run the retention schedule now, as the nightly task does: records due under a rule that "
        "says destroy or anonymise are disposed of (each in the erasure log); records under a rule "
        "that says review wait for the records manager, who is told how many. --simulate changes "
        "nothing and prints what would happen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--simulate", action="store_true", help="Change nothing; print what would happen."
        )

    def handle(self, *args, simulate: bool = False, **options):
        lines = services.disposal_run(simulate=simulate)
        if simulate:
            self.stdout.write("Simulated: nothing has been changed.")
        if not lines:
            self.stdout.write("No records have reached the end of their retention period.")
            return
        for line in lines:
            label, count = line.record_type.label, len(line.due)
            what = "record" if count == 1 else "records"
            if line.needs_review:
                self.stdout.write(
                    f"{label}: {count} {what} due; the rule says review, so they wait for the records manager."
                )
            elif simulate:
                done = DisposalAction(line.rule.action).label.lower()
                self.stdout.write(
                    f"{label}: {count} {what} due; would be {done} under the rule: {', '.join(line.due)}."
                )
            else:
                done = DisposalAction(line.rule.action).label.lower()
                self.stdout.write(f"{label}: {count} {what} due; {line.disposed} {done}.")
            for reason, times in sorted(Counter(line.refused).items()):
                self.stdout.write(f"  Not disposed of{f' ({times} records)' if times > 1 else ''}: {reason}")
