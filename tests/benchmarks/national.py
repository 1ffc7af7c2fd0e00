"""The national-scale MARAC history the benchmarks run on, built once in PostgreSQL and reused.

1,200,000 synthetic referrals across 300 areas (BM000 … BM299), 2016 to 2024, of 864,000
victims (each in one area, so a victim's referrals are in the same area) — the same shape as
tests/benchmarks/marac_benchmark.py generates, but written by PostgreSQL itself
(`INSERT … SELECT generate_series`, a fixed random seed), which takes a minute or two rather
than the half hour of feeding it through the import in files. Repeats and possible duplicates are
then worked out by the services' own statement (services.referral_flags_sql: an earlier referral
of the same victim on or after the date exactly 12 calendar months before; same-day referrals
are possible duplicates, not repeats), and the monthly summary is rebuilt. The import itself is measured separately, into this database.

`ensure(referrals, areas)` builds it unless a build of that size is already there.
"""

import time

from django.db import connection, transaction

PREFIX = "BM"
BUILT_COLUMNS = {
    "id",
    "reference",
    "area_id",
    "victim_id",
    "perpetrator_id",
    "referral_date",
    "referring_agency_id",
    "dash_answers",
    "dash_score",
    "visible_high_risk",
    "professional_judgement",
    "professional_judgement_reasons",
    "potential_escalation",
    "is_repeat",
    "children_in_household",
    "victim_sex",
    "victim_age",
    "victim_ethnicity",
    "victim_disabled",
    "victim_lgbt",
    "perpetrator_age",
    "idva_allocated",
    "status",
    "heard_date",
    "restricted",
    "review_at_12_months",
    "withdrawn_reason",
    "import_batch_id",
    "created_at",
}


def present(referrals: int, areas: int) -> bool:
    from partnerships.models import MaracArea, Referral

    return (
        MaracArea.objects.filter(code__startswith=PREFIX).count() == areas
        and Referral.objects.filter(reference__startswith=PREFIX).count() == referrals
    )


def ensure(*, referrals: int = 1_200_000, areas: int = 300, echo=print) -> bool:
    """Build the history unless it is there already. Returns True when it built."""
    if present(referrals, areas):
        echo(f"National-scale data present: {referrals:,} referrals in {areas} areas (reused).")
        return False
    started = time.perf_counter()
    build(referrals=referrals, areas=areas)
    vacuum()
    echo(f"Built {referrals:,} referrals in {areas} areas in {time.perf_counter() - started:.0f} s.")
    return True


def vacuum() -> None:
    """VACUUM (ANALYZE) the tables the build wrote, outside its transaction, as autovacuum would
    soon after a load in production: until then the visibility map is empty, so PostgreSQL
    cannot count through an index alone (an agency's referrals read 10,000 rows from the table
    instead of the index) and the planner's figures are those of an empty table."""
    with connection.cursor() as cursor:
        for table in ("partnerships_referral", "partnerships_person", "partnerships_monthlysummary"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


@transaction.atomic
def build(*, referrals: int, areas: int) -> None:
    from partnerships import summary
    from partnerships.imports import column_defaults
    from partnerships.models import ImportBatch, MaracArea, Referral
    from partnerships.services import referral_flags_sql
    from somerset_safety.accounts.models import Agency

    if connection.vendor != "postgresql":
        raise SystemExit("The national-scale data is built in PostgreSQL (DATABASE_URL=postgres://...).")
    with connection.cursor() as cursor:  # in SQL: Django's delete would load every row first
        cursor.execute(
            "DELETE FROM partnerships_monthlysummary WHERE area_id IN "
            "(SELECT id FROM partnerships_maracarea WHERE code LIKE %s)",
            [f"{PREFIX}%"],
        )
        cursor.execute("DELETE FROM partnerships_referral WHERE reference LIKE %s", [f"{PREFIX}%"])
        cursor.execute(
            "DELETE FROM partnerships_person p WHERE (source_ref LIKE 'BV%%' OR source_ref LIKE 'BP%%') "
            "AND NOT EXISTS (SELECT 1 FROM partnerships_referral r WHERE r.victim_id = p.id) "
            "AND NOT EXISTS (SELECT 1 FROM partnerships_referral r WHERE r.perpetrator_id = p.id)"
        )
    for n in range(areas):
        MaracArea.objects.update_or_create(
            code=f"{PREFIX}{n:03d}",
            defaults={"name": f"Benchmark MARAC {n:03d} (synthetic)", "adult_female_population": 90000},
        )
    MaracArea.objects.filter(code__startswith=PREFIX).exclude(
        code__in=[f"{PREFIX}{n:03d}" for n in range(areas)]
    ).delete()
    batch = ImportBatch.objects.create(
        file_name="national-scale build (synthetic)", sha256="0" * 64, row_count=referrals
    )
    agency = {
        code: Agency.objects.get(code=code).pk
        for code in ("POLICE", "HEALTH", "IDVA", "CSC", "HOUSING", "PROBATION")
    }
    victims = int(referrals * 0.72)
    # The columns the build does not set (case details and the like) get the model's defaults.
    defaults = column_defaults(Referral, BUILT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            """
            INSERT INTO partnerships_person (role, source_ref, full_name, normalised_name, address, created_at)
            SELECT role, prefix || lpad(g::text, 8, '0'), '', '', '', now()
            FROM (VALUES ('victim', 'BV'), ('perpetrator', 'BP')) AS kinds (role, prefix),
                 generate_series(0, %s - 1) AS g
            """,
            [victims],
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_people ON COMMIT DROP AS "
            "SELECT substr(source_ref, 3)::int AS n, "
            "max(id) FILTER (WHERE role = 'victim') AS victim_id, "
            "max(id) FILTER (WHERE role = 'perpetrator') AS perpetrator_id "
            "FROM partnerships_person WHERE source_ref LIKE 'BV%' OR source_ref LIKE 'BP%' GROUP BY 1"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_people (n)")
        areas_by_number = dict(MaracArea.objects.filter(code__startswith=PREFIX).values_list("code", "pk"))
        cursor.execute("CREATE TEMPORARY TABLE bench_areas (n int PRIMARY KEY, area_id int) ON COMMIT DROP")
        cursor.executemany(
            "INSERT INTO bench_areas VALUES (%s, %s)",
            [(int(code[len(PREFIX) :]), pk) for code, pk in areas_by_number.items()],
        )
        cursor.execute(
            """
            INSERT INTO partnerships_referral (
                reference, area_id, victim_id, perpetrator_id, referral_date, referring_agency_id,
                dash_answers, dash_score, visible_high_risk, professional_judgement,
                professional_judgement_reasons, potential_escalation, is_repeat, children_in_household,
                victim_sex, victim_age, victim_ethnicity, victim_disabled, victim_lgbt, perpetrator_age,
                idva_allocated, status, heard_date, restricted, review_at_12_months, withdrawn_reason,
                import_batch_id, created_at, {default_columns}
            )
            SELECT
                %(prefix)s || lpad(r.n::text, 8, '0'), a.area_id, p.victim_id,
                CASE WHEN r.r_perp < 0.9 THEN p.perpetrator_id END,
                r.referral_date,
                CASE WHEN r.r_agency < 0.64 THEN %(police)s WHEN r.r_agency < 0.74 THEN %(health)s
                     WHEN r.r_agency < 0.84 THEN %(idva)s WHEN r.r_agency < 0.90 THEN %(csc)s
                     WHEN r.r_agency < 0.95 THEN %(housing)s ELSE %(probation)s END,
                '{{}}'::jsonb, r.score, r.score >= 14, r.judgement, '', r.score < 14 AND NOT r.judgement,
                false, (ARRAY[0, 0, 1, 2, 3])[1 + floor(r.r_children * 5)::int],
                CASE WHEN r.r_sex < 0.06 THEN 'male' ELSE 'female' END,
                16 + floor(r.r_age * 64)::int,
                CASE WHEN r.r_eth < 0.80 THEN 'white_british' WHEN r.r_eth < 0.86 THEN 'white_other'
                     WHEN r.r_eth < 0.89 THEN 'mixed_other' WHEN r.r_eth < 0.92 THEN 'asian_indian'
                     WHEN r.r_eth < 0.95 THEN 'black_african' ELSE 'not_known' END,
                CASE WHEN r.r_dis < 0.8 THEN 'no' WHEN r.r_dis < 0.9 THEN 'yes' ELSE 'not_known' END,
                CASE WHEN r.r_lgbt < 0.952 THEN 'no' WHEN r.r_lgbt < 0.976 THEN 'yes' ELSE 'not_known' END,
                CASE WHEN r.r_page < 0.5 THEN 15 + floor(r.r_page * 110)::int END,
                false,
                CASE WHEN r.r_heard < 0.95 THEN 'heard' ELSE 'referred' END,
                CASE WHEN r.r_heard < 0.95 THEN r.referral_date + 3 + floor(r.r_days * 27)::int END,
                false, false, '', %(batch)s, now(), {default_values}
            FROM (
                SELECT n, v, date '2016-01-01' + floor(random() * 3285)::int AS referral_date,
                       s.score, s.score < 14 AND random() < 0.6 AS judgement,
                       random() AS r_perp, random() AS r_agency, random() AS r_children,
                       random() AS r_sex, random() AS r_age, random() AS r_eth, random() AS r_dis,
                       random() AS r_lgbt, random() AS r_page, random() AS r_heard, random() AS r_days
                FROM (SELECT n, floor(random() * %(victims)s)::int AS v
                      FROM generate_series(0, %(referrals)s - 1) AS n) AS drawn,
                LATERAL (SELECT CASE WHEN random() < 0.5 THEN 14 + floor(random() * 11)::int
                                     ELSE floor(random() * 14)::int END AS score
                         WHERE drawn.n IS NOT NULL) AS s
            ) AS r
            JOIN bench_people AS p ON p.n = r.v
            JOIN bench_areas AS a ON a.n = r.v %% %(areas)s
            """.format(
                default_columns=", ".join(defaults), default_values=", ".join(f"%({c})s" for c in defaults)
            ),
            {
                **defaults,
                "prefix": PREFIX,
                "victims": victims,
                "referrals": referrals,
                "areas": areas,
                "batch": batch.pk,
                **{code.lower(): pk for code, pk in agency.items()},
            },
        )
        # Repeats and possible duplicates by the services' own rule and statement.
        referral_flags_sql(
            "SELECT id FROM partnerships_person WHERE role = 'victim' AND source_ref LIKE 'BV%%'", {}
        )
        cursor.execute("ANALYZE partnerships_referral")
        cursor.execute("ANALYZE partnerships_person")
    summary.rebuild()
