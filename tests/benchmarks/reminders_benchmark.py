"""The reminder sweep over 100,000 open deadlines: a benchmark script, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a throw-away database> \\
        .venv/bin/python tests/benchmarks/reminders_benchmark.py [--deadlines 100000] [--repeat 3]

Migrates the database, adds synthetic agencies, people and deadlines (kind "benchmark.*"),
then, `--repeat` times: sweeps (logging every reminder due), sweeps again (nothing new to log),
and removes the reminders logged. Prints each run's time and query count, the medians, and the
sweep's peak Python memory (measured on a separate run, as tracing slows it down), then removes
everything it added. Never point it at real data.

`run(...)` returns the figures, for a combined benchmark command.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somerset_safety.accounts.models import Agency, AgencyType, ReminderPreference, User
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline, ReminderSend
from somerset_safety.deadlines.reminders import reminder_sweep

TODAY = dt.date(2026, 11, 24)


def _setup(deadlines: int, agencies: int) -> None:
    rep = Group.objects.get(name=Role.AGENCY_REP.label)
    made = Agency.objects.bulk_create(
        Agency(code=f"BENCH{n}", name=f"Benchmark agency {n} (synthetic)", agency_type=AgencyType.OTHER)
        for n in range(agencies)
    )
    people = [
        User(
            email=f"bench{agency.pk}-{k}@example.invalid",
            full_name="Benchmark person (synthetic)",
            agency=agency,
            reminder_preference=ReminderPreference.IMMEDIATE if k == 0 else ReminderPreference.DIGEST,
        )
        for agency in made
        for k in range(3)
    ]
    people = User.objects.bulk_create(people)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=p.pk, group_id=rep.pk) for p in people
    )
    Deadline.objects.bulk_create(
        (
            Deadline(
                subject_type="benchmark.subject",
                subject_id=n,
                kind="benchmark.item",
                label=f"Benchmark item {n}",
                subject_url="/",
                due_date=TODAY + dt.timedelta(days=(n % 61) - 30),
                responsible_agency=made[n % len(made)],
            )
            for n in range(deadlines)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _benchmark_sends():
    """The reminders of the benchmark's deadlines, by `deadline_id IN (…)`: through the join,
    Django deletes by `id IN (the table joined to itself)`, which PostgreSQL plans as a nested
    loop over every pair of rows while the freshly filled table has no statistics."""
    return ReminderSend.objects.filter(
        deadline_id__in=Deadline.objects.filter(kind="benchmark.item").values("pk")
    )


def _teardown() -> None:
    _benchmark_sends().delete()
    Deadline.objects.filter(kind="benchmark.item").delete()
    # Only its own people (of its BENCH agencies): the other benchmarks' users keep their records.
    User.objects.filter(agency__code__startswith="BENCH", email__endswith="@example.invalid").delete()
    Agency.objects.filter(code__startswith="BENCH").delete()


def _sweep() -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = reminder_sweep(today=TODAY)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), result.reminders_logged


def run(*, deadlines: int = 100_000, agencies: int = 50, repeat: int = 3, echo=print) -> dict:
    """Set up, sweep `repeat` times (first and second sweep each time), measure memory, tidy up."""
    if connection.vendor != "postgresql":
        raise SystemExit("Run the benchmark against PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    _teardown()
    _setup(deadlines, agencies)
    firsts, seconds = [], []
    try:
        for n in range(1, repeat + 1):
            first = _sweep()
            second = _sweep()
            firsts.append(first)
            seconds.append(second)
            echo(
                f"run {n}: first sweep {first[0]:.2f} s, {first[1]} queries, {first[2]:,} reminders logged; "
                f"second sweep {second[0]:.2f} s, {second[1]} queries, {second[2]:,} logged"
            )
            _benchmark_sends().delete()
        tracemalloc.start()
        reminder_sweep(today=TODAY)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        _teardown()
    figures = {
        "deadlines": deadlines,
        "batch_size": settings.REMINDER_SWEEP_BATCH_SIZE,
        "reminders_logged": firsts[0][2],
        "first_sweep_median_s": statistics.median(f[0] for f in firsts),
        "first_sweep_queries": firsts[0][1],
        "second_sweep_median_s": statistics.median(s[0] for s in seconds),
        "second_sweep_queries": seconds[0][1],
        "peak_python_memory_mb": peak / 1_000_000,
    }
    echo(
        f"{deadlines:,} open deadlines in batches of {figures['batch_size']:,}: "
        f"{figures['reminders_logged']:,} reminders logged; median of {repeat}: first sweep "
        f"{figures['first_sweep_median_s']:.2f} s ({figures['first_sweep_queries']} queries), second sweep "
        f"{figures['second_sweep_median_s']:.2f} s ({figures['second_sweep_queries']} queries); "
        f"peak Python memory during a sweep {figures['peak_python_memory_mb']:.1f} MB"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(deadlines=args.deadlines, agencies=args.agencies, repeat=args.repeat)


if __name__ == "__main__":
    main()
