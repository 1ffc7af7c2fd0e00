import csv
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import MaracArea
from partnerships.selectors import RETURN_COLUMNS, csv_value, data_return


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write the SafeLives MARAC data return for an area and period as CSV (aggregate; no personal data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="MARAC area code.")
        parser.add_argument("--start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--output", help="File to write; standard output if omitted.")

    def handle(self, *args, **options):
        area = MaracArea.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"There is no MARAC area with the code {options['area']}.")
        start, end = _day(options["start"]), _day(options["end"])
        if end < start:
            raise CommandError("The end date must be on or after the start date.")
        rows = data_return(areas=[area], start=start, end=end)
        out = open(options["output"], "w", newline="", encoding="utf-8") if options["output"] else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(out)
            writer.writerow(RETURN_COLUMNS)
            for row in rows:
                writer.writerow([csv_value(row[c]) for c in RETURN_COLUMNS])
        finally:
            if options["output"]:
                out.close()
