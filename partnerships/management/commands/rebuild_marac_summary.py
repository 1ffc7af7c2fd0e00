"""manage.py rebuild_marac_summary: work the monthly per-area summary of hearings out again from
every referral (after a change of MARAC_MINORITISED_ETHNICITIES, or an agency's type)."""

import time

from django.core.management.base import BaseCommand

from partnerships import summary


class Command(BaseCommand):
    help = "Work out the MARAC monthly per-area summary again from the referrals."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = summary.rebuild()
        self.stdout.write(
            f"MARAC monthly summary rebuilt: {rows:,} area-months in {time.perf_counter() - started:.1f} s."
        )
