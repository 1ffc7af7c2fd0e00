"""MARAC at national scale: a benchmark script, not a test.

Generates a synthetic history (default 1,200,000 referrals across 300 areas), loads it through
the real import path in files of --batch rows (so repeats are worked out across the whole history
each time), then times the data return for one area and one quarter and the referral list query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_marac_bench \
        .venv/bin/python tests/benchmarks/marac_benchmark.py [--referrals 1200000] [--areas 300] [--batch 100000]

The database is migrated first and its MARAC data is replaced: never point it at real data.
"""

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ETHNICITIES = (
    ["white_british"] * 80
    + ["white_other"] * 6
    + ["mixed_other", "asian_indian", "black_african"] * 3
    + ["not_known"] * 5
)
AGENCIES = (
    ["POLICE"] * 64 + ["HEALTH"] * 10 + ["IDVA"] * 10 + ["CSC"] * 6 + ["HOUSING"] * 5 + ["PROBATION"] * 5
)


def generate(
    rng: random.Random, start: int, count: int, areas: int, victims: int, first_day: dt.date, days: int
):
    from partnerships.imports import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(start, start + count):
        victim = rng.randrange(victims)
        referral = first_day + dt.timedelta(days=rng.randrange(days))
        heard = referral + dt.timedelta(days=rng.randrange(3, 30)) if rng.random() < 0.95 else None
        score = rng.choice([rng.randrange(14, 25), rng.randrange(0, 14)])
        judgement = "yes" if score < 14 and rng.random() < 0.6 else "no"
        escalation = "yes" if score < 14 and judgement == "no" else "no"
        writer.writerow(
            [
                f"BM{n:08d}",
                f"BM{victim % areas:03d}",
                referral.isoformat(),
                heard.isoformat() if heard else "",
                f"BV{victim:08d}",
                f"BP{victim:08d}" if rng.random() < 0.9 else "",
                rng.choice(AGENCIES),
                score,
                judgement,
                escalation,
                "male" if rng.random() < 0.06 else "female",
                rng.randrange(16, 80),
                rng.choice(ETHNICITIES),
                rng.choice(["no"] * 8 + ["yes", "not_known"]),
                rng.choice(["no"] * 40 + ["yes", "not_known"]),
                rng.choice(["", str(rng.randrange(15, 70))]),
                rng.choice([0, 0, 1, 2, 3]),
            ]
        )
    return out.getvalue().encode()


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=1_200_000)
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument(
        "--times-only", action="store_true", help="Keep the data already loaded; time the reads."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL; the figures will not be representative.")
    call_command("migrate", verbosity=0)

    if not args.times_only:
        load(args)
    time_reads()


def load(args) -> None:
    from partnerships.imports import import_referrals
    from partnerships.models import ImportBatch, MaracArea, Person, Referral

    Referral.objects.filter(reference__startswith="BM").delete()
    Person.objects.filter(source_ref__startswith="B").delete()
    ImportBatch.objects.all().delete()
    for n in range(args.areas):
        MaracArea.objects.get_or_create(
            code=f"BM{n:03d}",
            defaults={"name": f"Benchmark MARAC {n:03d} (synthetic)", "adult_female_population": 90000},
        )
    rng = random.Random(2026)
    victims = int(args.referrals * 0.72)
    first_day, days = dt.date(2016, 1, 1), 365 * 9
    total_import = 0.0
    done = 0
    while done < args.referrals:
        count = min(args.batch, args.referrals - done)
        data = generate(rng, done, count, args.areas, victims, first_day, days)
        started = time.perf_counter()
        result = import_referrals(actor=None, data=data, file_name=f"bench-{done}.csv")
        elapsed = time.perf_counter() - started
        total_import += elapsed
        done += count
        print(
            f"imported {count:,} rows in {elapsed:.1f}s ({count / elapsed:,.0f} rows/s); "
            f"{done:,} in the database; repeats in this file {result.repeats:,}",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_referral")
    print(f"\nIMPORT: {done:,} referrals in {total_import:.1f}s, {done / total_import:,.0f} rows/s overall")


def time_reads() -> None:
    from partnerships.models import MaracArea, Referral
    from partnerships.permissions import referrals_visible_to
    from partnerships.selectors import data_return, referral_list
    from somerset_safety.accounts.models import Agency, User
    from somerset_safety.accounts.roles import Role
    from tests.factories import UserFactory

    print(f"{Referral.objects.count():,} referrals in {MaracArea.objects.count()} areas")

    area = MaracArea.objects.get(code="BM007")
    seconds = timed(lambda: data_return(areas=[area], start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31)))
    [row] = data_return(areas=[area], start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31))
    print(f"RETURN (one area, one quarter, {row['cases_discussed']} cases): median {seconds * 1000:.1f} ms")
    all_areas = list(MaracArea.objects.filter(code__startswith="BM"))
    seconds = timed(
        lambda: data_return(areas=all_areas, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31)), 3
    )
    print(f"RETURN (all {len(all_areas)} areas, one quarter): median {seconds * 1000:.1f} ms")

    coordinator = User.objects.filter(email="bench.coordinator@example.invalid").first() or UserFactory(
        email="bench.coordinator@example.invalid",
        agency=Agency.objects.get(code="CST"),
        roles=[Role.MARAC_COORDINATOR],
    )
    rep = User.objects.filter(email="bench.police@example.invalid").first() or UserFactory(
        email="bench.police@example.invalid",
        agency=Agency.objects.get(code="HOUSING"),
        roles=[Role.AGENCY_REP],
    )

    def first_page(user, **filters):
        queryset = referral_list(referrals_visible_to(user)).filter(**filters)
        return queryset.count(), list(queryset[:25])

    for label, user, filters in [
        ("coordinator, newest first", coordinator, {}),
        ("coordinator, one area, repeats only", coordinator, {"area": area, "is_repeat": True}),
        ("agency representative (scoped), newest first", rep, {}),
    ]:
        seconds = timed(lambda u=user, f=filters: first_page(u, **f))
        total, _ = first_page(user, **filters)
        print(
            f"REFERRAL LIST ({label}; count of {total:,} + first page of 25): median {seconds * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
