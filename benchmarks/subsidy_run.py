#!/usr/bin/env python
"""Benchmark of the monthly price-subsidy run (issue 3 §8, 衢政办发〔2020〕20号).

    python benchmarks/subsidy_run.py [--beneficiaries N] [--database-url URL] [--json]

Uses its own database (default: SQLite file /tmp/qzgov-bench-subsidies.sqlite3, or the
``--database-url`` / ``BENCH_DATABASE_URL`` you give, e.g. ``postgres:///qzgov_bench``); it
migrates it and replaces all subsidy data in it. It never touches ``DATABASE_URL``'s database
unless you pass that URL explicitly.

Phases: generate N beneficiaries (in a child process, so the generator's memory is not
counted), then time (1) one hand-written INSERT … SELECT producing the same lines (the
practical limit; removed again and the table vacuumed), (2) the real run
(``services.run_compute``), (3) a per-person ORM loop on a
sample (default 10,000), and (4) a beneficiaries-file import with full validation.
Ratios are throughput ratios (higher is better). With ``--json`` the last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = "sqlite:////tmp/qzgov-bench-subsidies.sqlite3"
JUNE = dt.date(2020, 6, 1)
REGIONS = ["330802", "330803", "330822", "330824", "330825", "330881"]
# Category mix roughly like Quzhou's rolls: mostly 低保, then edge, 特困, unemployment, …
CATEGORY_BY_MOD = ["dibao", "dibao", "dibao", "edge", "tekun", "unemployment", "youfu",
                   "dibao", "sanlao", "orphan"]
DEPARTMENT = {"dibao": "minzheng", "edge": "minzheng", "tekun": "minzheng", "sanlao": "minzheng",
              "orphan": "minzheng", "youfu": "tuiyi", "unemployment": "renshe"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_SQLITE))
    parser.add_argument("--beneficiaries", type=int, default=None,
                        help="default 1,000,000 on PostgreSQL, 20,000 on SQLite")
    parser.add_argument("--orm-sample", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=None,
                        help="rows of the timed import file (default 100,000 on PostgreSQL, "
                             "10,000 on SQLite; 0 skips)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    postgres = args.database_url.startswith(("postgres", "postgresql"))
    if args.beneficiaries is None:
        args.beneficiaries = 1_000_000 if postgres else 20_000
    if args.import_rows is None:
        args.import_rows = 100_000 if postgres else 10_000
    args.postgres = postgres
    return args


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- data generation (child process) ---------------------------------------------------


def generate(args) -> None:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction

    from apps.core.models import Region
    from apps.subsidies.models import LocalStandard, MonthlyIndex

    call_command("migrate", verbosity=0)
    regions = {r.code: r.pk for r in Region.objects.filter(code__in=REGIONS)}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ("subsidies_rollline", "subsidies_universityline", "subsidies_runrate",
                          "subsidies_runtotal",
                          "subsidies_runevent", "subsidies_subsidyrun",
                          "subsidies_historicalsubsidyrun", "subsidies_enrolment", "subsidies_historicalenrolment",
                          "subsidies_beneficiaryfact", "subsidies_historicalbeneficiaryfact",
                          "subsidies_beneficiary", "subsidies_historicalbeneficiary"):
                cursor.execute(f"DELETE FROM {table}")
        LocalStandard.objects.all().delete()
        for pk in regions.values():
            LocalStandard.objects.create(region_id=pk, from_month=dt.date(2020, 1, 1),
                                         urban_dibao=Decimal("775"), rural_dibao=Decimal("720"),
                                         unemployment=Decimal("1620"))
        MonthlyIndex.objects.update_or_create(month=JUNE, defaults={"scpi": Decimal("3.6"),
                                                                   "cpi_food": Decimal("11.1")})
    region_ids = [regions[c] for c in REGIONS]
    insert = ("INSERT INTO subsidies_beneficiary (name, resident_id, resident_id_digest, "
              "region_id, residence) VALUES (%s, %s, %s, %s, %s)")
    chunk = 20_000
    spans = [(start, min(start + chunk, args.beneficiaries), tuple(region_ids))
             for start in range(0, args.beneficiaries, chunk)]
    if args.postgres:
        # One COPY in person order (ids as before); the rows' text — each ID encrypted and
        # digested, most of the CPU — made by ``workers`` processes, chunk by chunk, in order.
        from django.db import connections

        workers = getattr(args, "workers", 1)
        connections.close_all()  # no connection shared with forked workers
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
        try:
            blocks = pool.imap(_people_copy_text, spans) if pool else map(_people_copy_text, spans)
            with transaction.atomic(), connection.cursor() as cursor:
                sql = ("COPY subsidies_beneficiary (name, resident_id, resident_id_digest, "
                       "region_id, residence) FROM STDIN")
                with cursor.cursor.copy(sql) as copy:
                    for block in blocks:
                        copy.write(block)
        finally:
            if pool:
                pool.close()
                pool.join()
    else:
        for start, stop, _ in spans:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(insert, [_person(n, region_ids) for n in range(start, stop)])
    # Each person's county and 城乡 as a dated fact (issue 10 §2); every 20th moved in May.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO subsidies_beneficiaryfact (beneficiary_id, from_month, region_id, residence)
            SELECT id, %s, region_id, residence FROM subsidies_beneficiary
        """, [dt.date(1900, 1, 1)])
        cursor.execute("""
            INSERT INTO subsidies_beneficiaryfact (beneficiary_id, from_month, region_id, residence)
            SELECT id, %s, region_id, CASE residence WHEN 'urban' THEN 'rural' ELSE 'urban' END
            FROM subsidies_beneficiary WHERE id %% 20 = 3
        """, [dt.date(2020, 5, 1)])
        cursor.execute("""
            UPDATE subsidies_beneficiary
            SET residence = CASE residence WHEN 'urban' THEN 'rural' ELSE 'urban' END
            WHERE id %% 20 = 3
        """, [])
    cases = " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CATEGORY_BY_MOD))
    dept = " ".join(f"WHEN '{c}' THEN '{d}'" for c, d in DEPARTMENT.items())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO subsidies_enrolment (beneficiary_id, category, from_month, to_month, department)
            SELECT id, c, %s, NULL, CASE c {dept} END FROM (
                SELECT id, CASE id %% 10 {cases} END AS c FROM subsidies_beneficiary) x
        """, [dt.date(2020, 1, 1)])
        # About 8 % hold a second category (就高不就低 decides), some enrolments have ended.
        cursor.execute("""
            INSERT INTO subsidies_enrolment (beneficiary_id, category, from_month, to_month, department)
            SELECT id, 'unemployment', %s, NULL, 'renshe' FROM subsidies_beneficiary
            WHERE id %% 12 = 1 AND id %% 10 <> 5
        """, [dt.date(2020, 1, 1)])
        cursor.execute("UPDATE subsidies_enrolment SET to_month = %s WHERE beneficiary_id %% 50 = 7",
                       [dt.date(2020, 3, 1)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _person(n: int, region_ids) -> tuple:
    """Beneficiary ``n``: name, encrypted ID, ID digest, county, 城乡."""
    from apps.core import resident_id

    number = resident_id.compose(REGIONS[n % 6], dt.date(1930, 1, 1) + dt.timedelta(days=n // 1000),
                                 n % 1000)
    return (f"对象{n}", resident_id.encrypt(number), resident_id.digest(number),
            region_ids[n % 6], "urban" if n % 5 < 2 else "rural")


def _people_copy_text(span: tuple) -> bytes:
    """COPY text of beneficiaries ``start``..``stop`` (no value holds a tab, newline or
    backslash: names, base64 ciphertext, hex digests, ids, fixed words)."""
    start, stop, region_ids = span
    return "".join("\t".join(map(str, _person(n, region_ids))) + "\n"
                   for n in range(start, stop)).encode()


# --- timed phases --------------------------------------------------------------------------


def time_run():
    from apps.subsidies import services

    started = time.perf_counter()
    run = services.run_compute(month=JUNE)
    return run, time.perf_counter() - started


LIMIT_SQL = """
    INSERT INTO subsidies_rollline (run_id, month, sequence, beneficiary_id, category,
        department, region_id, residence, standard, amount)
    SELECT %s, %s, 99, beneficiary_id, category, department, region_id, residence, standard, amount
    FROM (SELECT e.beneficiary_id, r.category, r.department, b.region_id, b.residence,
                 r.standard, r.amount,
                 ROW_NUMBER() OVER (PARTITION BY e.beneficiary_id
                                    ORDER BY r.amount DESC, r.priority) AS rn
          FROM subsidies_enrolment e
          JOIN subsidies_beneficiaryfact b ON b.beneficiary_id = e.beneficiary_id
               AND b.from_month <= %s
               AND NOT EXISTS (SELECT 1 FROM subsidies_beneficiaryfact g
                               WHERE g.beneficiary_id = b.beneficiary_id
                                 AND g.from_month > b.from_month AND g.from_month <= %s)
          JOIN subsidies_runrate r ON r.run_id = %s AND r.region_id = b.region_id
               AND r.residence = b.residence AND r.category = e.category
          WHERE e.from_month <= %s AND (e.to_month IS NULL OR e.to_month >= %s)) ranked
    WHERE rn = 1
"""


def time_limit(persons_expected: int | None = None):
    """The practical limit: one INSERT … SELECT of the same lines, nothing else.

    Measured first, on the same empty roll table the run will meet; its lines are then
    deleted and the table vacuumed so the run starts from the same state.
    """
    from django.db import connection, transaction

    from apps.subsidies import rules, selectors
    from apps.subsidies.models import MonthlyIndex, RunRate, SubsidyRun

    policy = selectors.policy_for(JUNE)
    index = MonthlyIndex.objects.get(month=JUNE)
    rate = rules.subsidy_rate(policy, scpi=index.scpi, cpi_food=index.cpi_food)
    scratch = SubsidyRun.objects.create(month=JUNE, sequence=99, policy=policy, triggered=True,
                                        rate=rate, scpi=index.scpi, cpi_food=index.cpi_food)
    RunRate.objects.bulk_create([
        RunRate(run=scratch, region_id=r.region_id, residence=r.residence, category=r.category,
                department=r.department, standard=r.standard, amount=r.amount,
                priority=r.priority)
        for r in rules.amount_table(policy, rate=rate, standards=selectors.standards_in_force(JUNE))
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LIMIT_SQL, [scratch.pk, JUNE, JUNE, JUNE, scratch.pk, JUNE, JUNE])
        persons = cursor.rowcount
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM subsidies_rollline WHERE run_id = %s", [scratch.pk])
    scratch.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM subsidies_rollline" if connection.vendor == "postgresql" else "VACUUM")
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
    return persons, seconds


def time_orm(run, sample: int):
    """A naive per-person ORM loop (load enrolments, apply the rules, save a line) on a sample."""
    from django.db import transaction

    from apps.subsidies import rules, selectors
    from apps.subsidies.models import Beneficiary, RollLine, SubsidyRun

    policy, rate = run.policy, run.rate
    standards = selectors.standards_in_force(JUNE)
    ids = list(Beneficiary.objects.order_by("id").values_list("id", flat=True)[:sample])
    persons = 0
    started = time.perf_counter()
    with transaction.atomic():
        scratch = SubsidyRun.objects.create(month=JUNE, sequence=98, policy=policy,
                                            triggered=True, rate=rate, scpi=run.scpi,
                                            cpi_food=run.cpi_food)
        for pk in ids:
            person = Beneficiary.objects.get(pk=pk)
            amounts, bases = {}, {}
            for e in person.enrolments.filter(from_month__lte=JUNE):
                if e.to_month and e.to_month < JUNE:
                    continue
                bases[e.category], amounts[e.category] = rules.category_amount(
                    policy, rate=rate, category=e.category, residence=person.residence,
                    standard=standards[person.region_id])
            if not amounts:
                continue
            category, amount = rules.best_category(amounts)
            RollLine.objects.create(run=scratch, month=JUNE, sequence=98, beneficiary=person,
                                    category=category, department=DEPARTMENT[category],
                                    region_id=person.region_id, residence=person.residence,
                                    standard=bases[category], amount=amount)
            persons += 1
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return persons, seconds


def time_import(rows: int):
    """A beneficiaries file of ``rows`` new people, imported with full validation."""
    from apps.core import resident_id
    from apps.subsidies import imports

    lines = ["姓名,公民身份号码,区划代码,城乡,类别"]
    labels = ["低保", "低保边缘", "特困供养", "重点优抚", "失业保险金"]
    for n in range(rows):
        code = REGIONS[n % 6]
        number = resident_id.compose(code, dt.date(1990, 1, 1) + dt.timedelta(days=n // 1000),
                                     n % 1000)
        lines.append(f"导入{n},{number},{code},{'城镇' if n % 2 else '农村'},{labels[n % 5]}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    started = time.perf_counter()
    result = imports.import_file(kind="beneficiaries", data=data, filename="bench.csv",
                                 from_month=JUNE)
    return result, time.perf_counter() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database_url == os.environ.get("DATABASE_URL") and "bench" not in args.database_url:
        print("refusing to use DATABASE_URL's database: pass --database-url with a bench database",
              file=sys.stderr)
        return 2
    setup_django(args.database_url)
    if args.generate_only:
        generate(args)
        return 0
    log = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    log(f"database: {args.database_url}; beneficiaries: {args.beneficiaries:,}")
    started = time.perf_counter()
    child = [sys.executable, __file__, "--generate-only", "--database-url", args.database_url,
             "--beneficiaries", str(args.beneficiaries)]
    subprocess.run(child, check=True)
    log(f"generated in {time.perf_counter() - started:.1f} s")

    limit_persons, limit_seconds = time_limit()
    limit_pps = limit_persons / limit_seconds if limit_seconds else 0.0
    log(f"limit (one INSERT … SELECT): {limit_persons:,} lines in {limit_seconds:.2f} s "
        f"({limit_pps:,.0f} persons/s)")
    run, seconds = time_run()
    persons_per_s = run.persons / seconds if seconds else 0.0
    log(f"run: {run.persons:,} persons, {run.amount} yuan in {seconds:.2f} s "
        f"({persons_per_s:,.0f} persons/s)")
    if run.persons != limit_persons:
        log(f"WARNING: the run produced {run.persons} lines, the hand-written statement "
            f"{limit_persons}")
    orm_persons, orm_seconds = time_orm(run, min(args.orm_sample, args.beneficiaries))
    orm_pps = orm_persons / orm_seconds if orm_seconds else 0.0
    log(f"ORM loop sample: {orm_persons:,} persons in {orm_seconds:.2f} s ({orm_pps:,.0f} persons/s)")
    peak = peak_rss_mb()
    result = {
        "persons": run.persons,
        "seconds": round(seconds, 3),
        "persons_per_s": round(persons_per_s, 1),
        "peak_rss_mb": round(peak, 1),
        "ratio_to_limit": round(persons_per_s / limit_pps, 3) if limit_pps else None,
        "ratio_to_orm": round(persons_per_s / orm_pps, 1) if orm_pps else None,
        "limit_seconds": round(limit_seconds, 3),
        "orm_persons_per_s": round(orm_pps, 1),
        "database": "postgresql" if args.postgres else "sqlite",
    }
    if args.import_rows:
        imported, import_seconds = time_import(args.import_rows)
        log(f"import: {imported.rows:,} rows validated and imported in {import_seconds:.2f} s")
        result.update(import_rows=imported.rows, import_seconds=round(import_seconds, 3))
    log(f"peak RSS (run, limit, ORM sample): {peak:.0f} MB; ratio to limit "
        f"{result['ratio_to_limit']}; ratio to ORM loop {result['ratio_to_orm']}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
