"""The one benchmark command (`make benchmark`): national scale, measured side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a throw-away database> \\
        .venv/bin/python tests/benchmarks/run.py [--referrals 1200000] [--areas 300] [--repeat 5]

Migrates the database, builds the national-scale MARAC history once (tests/benchmarks/national.py;
reused when present), then measures, each against what it is compared with:

- the SafeLives data return for one area and one quarter, against a hand-written SQL aggregate
  of the same columns;
- the referral list (coordinator, and an agency representative who sees their agency's
  referrals; page 1 and page 1,000), against a stock Django admin changelist of the same rows;
- the import of 100,000 referrals into the full database (rows a second and peak Python
  memory; rolled back afterwards, so the database stays the same size);
- the partnership dashboard (server time and queries) and the Executive report's PDF;
- the reminder sweep over 100,000 open deadlines.

Medians of `--repeat` runs. Prints one line per measure — measure | app | baseline | ratio |
goal | pass/fail — and writes the same as JSON to var/benchmark/latest.json. The machine is
noisy, so goals against a baseline are ratios. Never point it at real data.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import tracemalloc
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somerset_safety.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LONDON = zoneinfo.ZoneInfo("Europe/London")
RESULTS: list[dict] = []


def median_of(fn, repeat: int) -> tuple[float, int, object]:
    """(median seconds, queries, last result). The first run is untimed: it warms up and counts
    the queries; the timed runs go without the query capture, whose recording of every statement
    costs more than a small statement itself and is not there in production."""
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    queries = len(captured)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), queries, result


def paired_medians(app, baseline, repeat: int) -> tuple[float, object, float, object]:
    """(app's median seconds, its last result, the baseline's, its last result), the two run in
    turn so that the machine's noise falls on both alike (for measures of a few milliseconds)."""
    results = [app(), baseline()]  # untimed warm-up
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for n, fn in enumerate((app, baseline)):
            started = time.perf_counter()
            results[n] = fn()
            times[n].append(time.perf_counter() - started)
    return statistics.median(times[0]), results[0], statistics.median(times[1]), results[1]


def python_cpu_of(fn, repeat: int) -> float:
    """The median processor time of this process (Python's share: PostgreSQL's work is in its own
    processes) over `repeat` runs. On a shared machine the clock time is mostly waiting for a
    core, so this says what a run costs where the clock time cannot."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return statistics.median(times)


def record(measure: str, app: str, baseline: str, ratio: float | None, goal: str, passed: bool, **figures):
    RESULTS.append(
        {
            "measure": measure,
            "app": app,
            "baseline": baseline,
            "ratio": None if ratio is None else round(ratio, 2),
            "goal": goal,
            "pass": passed,
            **figures,
        }
    )
    shown = "" if ratio is None else f"{ratio:.2f}×"
    print(
        f"{measure} | {app} | {baseline or '–'} | {shown or '–'} | {goal} | {'pass' if passed else 'FAIL'}",
        flush=True,
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


# --- The data return -------------------------------------------------------------------------

RAW_RETURN = """
SELECT count(*) FILTER (WHERE r.heard_date >= %(start)s),
       count(*),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.is_repeat),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.referring_agency_id = ANY(%(police)s)),
       sum(r.children_in_household) FILTER (WHERE r.heard_date >= %(start)s),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.victim_ethnicity = ANY(%(minoritised)s)),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.victim_lgbt = 'yes'),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.victim_disabled = 'yes'),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.victim_sex = 'male'),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.victim_age IN (16, 17)),
       count(*) FILTER (WHERE r.heard_date >= %(start)s AND r.perpetrator_age <= 17)
FROM partnerships_referral r
WHERE r.area_id = %(area)s AND r.heard_date >= %(window)s AND r.heard_date <= %(end)s
"""


def bench_return(repeat: int) -> None:
    from partnerships import conf
    from partnerships.models import MaracArea
    from partnerships.selectors import data_return, rolling_start
    from somerset_safety.accounts.models import Agency, AgencyType

    area = MaracArea.objects.get(code="BM007")
    start, end = dt.date(2023, 1, 1), dt.date(2023, 3, 31)
    police = list(Agency.objects.filter(agency_type=AgencyType.POLICE).values_list("pk", flat=True))
    params = {
        "area": area.pk,
        "start": start,
        "end": end,
        "window": min(start, rolling_start(end)),
        "police": police,
        "minoritised": list(conf.minoritised_ethnicities()),
    }

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_RETURN, params)
            return cursor.fetchone()

    app, [row], base, counts = paired_medians(
        lambda: data_return(areas=[area], start=start, end=end), raw, repeat * 20
    )
    assert counts[0] == row["cases_discussed"] and counts[2] == row["repeat_cases"], (counts, row)
    ratio = app / base
    record(
        "data return, one area × one quarter",
        ms(app),
        f"{ms(base)} (hand-written SQL)",
        ratio,
        "≤ 1.5× raw SQL",
        ratio <= 1.5,
        app_ms=app * 1000,
        baseline_ms=base * 1000,
        cases=row["cases_discussed"],
    )


# --- The referral list against the admin changelist --------------------------------------------


def _users():
    from somerset_safety.accounts.models import Agency, User
    from somerset_safety.accounts.roles import Role
    from tests.factories import UserFactory

    def user(email, agency, roles, **extra):
        return User.objects.filter(email=email).first() or UserFactory(
            email=email, agency=Agency.objects.get(code=agency), roles=roles, **extra
        )

    return {
        "coordinator": user("bench.coordinator@example.invalid", "CST", [Role.MARAC_COORDINATOR]),
        "agency representative": user("bench.housing@example.invalid", "HOUSING", [Role.AGENCY_REP]),
        "admin": user("bench.admin@example.invalid", "CST", [Role.ADMIN], is_staff=True, is_superuser=True),
    }


def _page_token(queryset, number: int) -> str:
    """The `after` link to page `number` (the sort values of the last row of the page before)."""
    from somerset_safety.core import pagination

    terms = pagination._ordering(queryset)
    keys = pagination._key_names(terms)
    keyed = pagination._with_keys(queryset, terms).order_by(*pagination._order_by(terms))
    size = pagination.page_size()
    return pagination._encode(list(keyed.values_list(*keys)[(number - 1) * size - 1]))


def bench_lists(repeat: int) -> None:
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    from partnerships import views
    from partnerships.models import Referral
    from partnerships.permissions import referrals_visible_to
    from partnerships.selectors import referral_list

    users = _users()
    factory = RequestFactory()

    def signed_in(request, user):
        """The view and the admin called directly, as the middleware would leave the request:
        signed in, with a session (the page's idle countdown reads it)."""
        request.user = user
        request.session = SessionStore()
        return request

    def app_page(user, number):
        query = (
            {}
            if number == 1
            else {"page": number, "after": _page_token(referral_list(referrals_visible_to(user)), number)}
        )

        def get():
            request = signed_in(factory.get("/marac/referrals/", query), user)
            response = views.referral_list(request)
            assert response.status_code == 200
            return response

        return get

    class ScopedAdmin(admin.ModelAdmin):
        """A stock changelist of exactly the rows the user's list shows, in the same order."""

        list_display = ("reference", "area", "referral_date", "referring_agency", "status", "heard_at")
        list_per_page = 25  # the list's page size, so page 1,000 is the same rows
        scope_user = None

        def get_queryset(self, request):
            return referral_list(referrals_visible_to(self.scope_user))

    def admin_page(user, number):
        model_admin = ScopedAdmin(Referral, admin.AdminSite(name="benchmark"))
        model_admin.scope_user = user

        def get():
            request = signed_in(
                factory.get("/admin/partnerships/referral/", {"p": number} if number > 1 else {}),
                users["admin"],
            )
            response = model_admin.changelist_view(request)
            assert response.status_code == 200, response.status_code
            response.render()
            return response

        return get

    for who in ("coordinator", "agency representative"):
        user = users[who]
        visible = referral_list(referrals_visible_to(user)).count()
        for number in sorted({1, min(1000, -(-visible // 25))}):
            app, queries, _r = median_of(app_page(user, number), repeat)
            cpu = python_cpu_of(app_page(user, number), repeat)
            base, base_queries, _r = median_of(admin_page(user, number), repeat)
            ratio = app / base
            absolute = who != "agency representative" or app <= 0.150
            record(
                f"referral list, {who} ({visible:,} visible), page {number:,}",
                f"{ms(app)} ({ms(cpu)} of Python's processor time), {queries} queries",
                f"{ms(base)}, {base_queries} queries (stock admin changelist)",
                ratio,
                "≤ 0.5× the admin" + (", ≤ 150 ms" if who == "agency representative" else ""),
                ratio <= 0.5 and absolute,
                app_ms=app * 1000,
                python_cpu_ms=cpu * 1000,
                baseline_ms=base * 1000,
                queries=queries,
                visible=visible,
            )


# --- The import ------------------------------------------------------------------------------


def bench_import(rows: int, areas: int, referrals: int) -> None:
    import random

    from partnerships.imports import import_referrals
    from partnerships.models import Referral
    from tests.benchmarks.marac_benchmark import generate

    total = Referral.objects.count()
    victims = int(referrals * 0.72)  # the same victims as the national history, and new ones
    data = generate(
        random.Random(13), 50_000_000, rows, areas, victims + rows // 2, dt.date(2016, 1, 1), 365 * 9
    )

    class Rollback(Exception):
        pass

    def run() -> float:
        """Seconds to import the file, rolled back afterwards. The foreign keys' checks, which
        PostgreSQL defers to the commit, are made before the clock stops (SET CONSTRAINTS ALL
        IMMEDIATE), so the time is what a committed import takes."""
        started = time.perf_counter()
        try:
            with transaction.atomic():
                import_referrals(actor=None, data=data, file_name="benchmark.csv")
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        return elapsed

    # Timed and traced in separate runs: tracing every allocation makes Python's part of the
    # import (reading and checking the rows) about six times slower.
    elapsed = run()
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = rows / elapsed
    record(
        f"CSV import, {rows:,} rows into {total:,}",
        f"{rate:,.0f} rows/s ({elapsed:.1f} s); peak Python memory {peak / 1e6:,.0f} MB "
        f"for a {len(data) / 1e6:.1f} MB file",
        "",
        None,
        "≥ 5,000 rows/s, memory flat",
        rate >= 5000,
        rows_per_second=rate,
        seconds=elapsed,
        peak_mb=peak / 1e6,
        file_mb=len(data) / 1e6,
    )


# --- The dashboard and the Executive report -------------------------------------------------


def bench_reporting(repeat: int) -> None:
    import time_machine
    import weasyprint  # noqa: F401 - imported once by a worker; its import (seconds) is not a version's cost
    from django.db.models import Max

    from partnerships.models import Referral
    from tests.benchmarks import reporting_benchmark as reporting

    latest = Referral.objects.aggregate(latest=Max("heard_date"))["latest"]
    as_of = reporting.last_complete_quarter_end(latest)
    officer, lead = reporting.officer(), reporting.partnership_lead()
    for who, person in (("an officer", officer), ("a partnership lead", lead)):
        client = reporting.signed_in_client(person)
        with time_machine.travel(dt.datetime.combine(as_of, dt.time(12), tzinfo=LONDON), tick=True):
            seconds, queries, response = median_of(lambda c=client: c.get("/dashboard/"), repeat)
            cpu = python_cpu_of(lambda c=client: c.get("/dashboard/"), repeat)
        assert response.status_code == 200
        goal = seconds <= reporting.DASHBOARD_GOAL_MS / 1000 and queries <= reporting.DASHBOARD_GOAL_QUERIES
        record(
            f"dashboard as {who}, as at {as_of}",
            f"{ms(seconds)} ({ms(cpu)} of Python's processor time), {queries} queries",
            "",
            None,
            f"≤ {reporting.DASHBOARD_GOAL_MS} ms, ≤ {reporting.DASHBOARD_GOAL_QUERIES} queries",
            goal,
            app_ms=seconds * 1000,
            python_cpu_ms=cpu * 1000,
            queries=queries,
        )
    figures = reporting.time_report(as_of, officer, echo=lambda *a: None)
    record(
        f"Executive report PDF, as at {as_of}",
        f"{figures['pdf_s']:.2f} s ({figures['pdf_cpu_s']:.2f} s of processor time, {figures['pages']} pages); "
        f"whole version {figures['version_s']:.2f} s",
        "",
        None,
        f"≤ {reporting.PDF_GOAL_S:.0f} s",
        figures["pdf_s"] <= reporting.PDF_GOAL_S and figures["status"] == "ready",
        **figures,
    )


def bench_reminders(repeat: int) -> None:
    from tests.benchmarks import reminders_benchmark

    figures = reminders_benchmark.run(deadlines=100_000, repeat=repeat, echo=lambda *a: None)
    record(
        "reminder sweep, 100,000 open deadlines",
        f"{figures['first_sweep_median_s']:.2f} s ({figures['first_sweep_queries']} queries); "
        f"again {figures['second_sweep_median_s']:.2f} s; peak {figures['peak_python_memory_mb']:.0f} MB",
        "",
        None,
        "sends each reminder once",
        figures["reminders_logged"] > 0,
        **figures,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=1_200_000)
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--only",
        action="append",
        choices=["return", "lists", "import", "reporting", "reminders"],
        default=None,
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark against a throw-away PostgreSQL database (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    from tests.benchmarks import national

    national.ensure(referrals=args.referrals, areas=args.areas)
    started = dt.datetime.now(tz=LONDON)
    print(f"\nBenchmark {started:%Y-%m-%d %H:%M} ({os.cpu_count()} cores), median of {args.repeat}")
    print("measure | app | baseline | ratio | goal | pass/fail")
    wanted = args.only or ["return", "lists", "import", "reporting", "reminders"]
    if "return" in wanted:
        bench_return(args.repeat)
    if "lists" in wanted:
        bench_lists(args.repeat)
    if "import" in wanted:
        bench_import(args.import_rows, args.areas, args.referrals)
    if "reporting" in wanted:
        bench_reporting(args.repeat)
    if "reminders" in wanted:
        bench_reminders(min(args.repeat, 3))
    out = ROOT / "var" / "benchmark" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "run_at": started.isoformat(),
                "referrals": args.referrals,
                "areas": args.areas,
                "results": RESULTS,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
