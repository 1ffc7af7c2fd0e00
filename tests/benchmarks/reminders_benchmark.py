"""The reminder sweep over 100,000 open deadlines: a benchmark script, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_reminders_bench \\
        .venv/bin/python tests/benchmarks/reminders_benchmark.py [--deadlines 100000]

Migrates the database, adds synthetic agencies, people and deadlines (kind "benchmark.*"),
sweeps twice (the second run must log nothing new), prints time and query counts, and removes
what it added. Never point it at real data.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

import django

django.setup()

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somerset_safety.accounts.models import Agency, AgencyType, ReminderPreference, User
from somerset_safety.accounts.roles import Role
from somerset_safety.deadlines.models import Deadline, ReminderSend
from somerset_safety.deadlines.reminders import reminder_sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=50)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark against PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    today = dt.date(2026, 11, 24)
    rep = Group.objects.get(name=Role.AGENCY_REP.label)
    agencies = Agency.objects.bulk_create(
        Agency(code=f"BENCH{n}", name=f"Benchmark agency {n} (synthetic)", agency_type=AgencyType.OTHER)
        for n in range(args.agencies)
    )
    people = []
    for agency in agencies:
        for k in range(3):
            people.append(
                User(
                    email=f"bench{agency.pk}-{k}@example.invalid",
                    full_name="Benchmark person (synthetic)",
                    agency=agency,
                    reminder_preference=ReminderPreference.IMMEDIATE if k == 0 else ReminderPreference.DIGEST,
                )
            )
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
                due_date=today + dt.timedelta(days=(n % 61) - 30),
                responsible_agency=agencies[n % len(agencies)],
            )
            for n in range(args.deadlines)
        ),
        batch_size=5000,
    )
    try:
        for run in ("first sweep", "second sweep (nothing new)"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = reminder_sweep(today=today)
                elapsed = time.perf_counter() - started
            print(
                f"{run}: {args.deadlines:,} open deadlines, {result.reminders_logged:,} reminders logged, "
                f"{len(result.immediate_ids):,} immediate, {elapsed:.2f} s, {len(queries)} queries"
            )
    finally:
        ReminderSend.objects.filter(deadline__kind="benchmark.item").delete()
        Deadline.objects.filter(kind="benchmark.item").delete()
        User.objects.filter(email__startswith="bench", email__endswith="@example.invalid").delete()
        Agency.objects.filter(code__startswith="BENCH").delete()


if __name__ == "__main__":
    main()
