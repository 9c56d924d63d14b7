#!/usr/bin/env python
"""Admin lists, detail pages, staff pages and APIs at scale (issue 13 §1).

    python benchmarks/admin_pages.py --database-url postgres:///qzgov_bench [--scale 1] [--json]

Two PostgreSQL databases: the one you name (its name must contain "bench") gets the scale
data, a second one beside it (``<name>_one``, created when missing) gets one row per table
(one person, one doctor, one deduction, one registry document, twelve one-line rolls). At
``--scale 1``: 1,000,000 beneficiaries, twelve monthly runs (≈ 11.8 million roll lines, by
the real ``services.run_compute``; a month whose inputs repeat an earlier month's — 2020-06 on
repeat 2020-05 — gets its lines copied from that roll inside the same service call, see
``run_months``), 100,000 doctors with their agreements and 1,000,000
deductions, 100,000 registry documents with a status event each, 1,000 institutions — made
with ``generate_series`` / ``INSERT … SELECT`` (people and doctors with ``COPY``: their
resident IDs are encrypted in Python, the people's by two processes). The gazette is
imported into both (once, into a ``<name>_tpl`` template both are copied from).

Then, as one logged-in clerk holding every business role at city level (Django's test
client, the whole middleware stack, no network), every admin changelist the clerk may see
is timed: first page, each filter of ``list_filter`` (a value taken from the data), a
search by name, a search by resident ID (through the digest), a sort by each sortable
column; the change page of one record; and every staff page and API. Each page (URL path)
is requested once to warm up, then each of its variants 5 times; p50/p95 are over the 5.
Before timing, both databases are settled as a server in service is (``_settle``: a
checkpoint, ``sync``, every table and index read into the OS cache with ``pg_prewarm``). The
big and the one-row database are timed at once, one process each (``--serial-passes``: one
after the other). Every p95 is compared
with the same page's p95 on the one-row database measured in the same run (ratio near 1 is
the goal). Targets: p95 ≤ 300 ms, the run page ≤ 500 ms. Each variant also reports
``cpu_p95_ms``, the benchmark process's CPU time (Django and the templates, not
PostgreSQL), which unlike the wall time does not include waiting on a shared machine.

``--reuse`` keeps data already generated (same scale). Every phase's wall and CPU seconds
(the script and its PostgreSQL backends) and the whole run's are printed at the end. With
``--json`` the last line is one JSON object (``phases``, ``total_seconds``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# Base counts at --scale 1 (issue 13 §1).
BASE = {"beneficiaries": 1_000_000, "doctors": 100_000, "deductions": 1_000_000,
        "documents": 100_000, "institutions": 1_000}
MONTHS = [dt.date(2020, 3, 1) + dt.timedelta(days=31 * n) for n in range(12)]
MONTHS = [m.replace(day=1) for m in MONTHS]  # 2020-03 … 2021-02, all under the 2020 policy
RUN_MONTH = "2020-06"
TARGET_MS = 300
RUN_PAGE_TARGET_MS = 500
REQUESTS = 5
CLERK = "bench-clerk"
# The benchmark databases' resident IDs are encrypted with this key (never a real one), so
# benchmarks/load.py can serve them with DEBUG=0 (which requires RESIDENT_ID_KEY).
BENCH_RESIDENT_ID_KEY = "qzgov-benchmark-only-resident-id-key-not-for-production"


def bench_secret_key() -> str:
    return "qzgov-benchmark-only-secret-key-" + "k" * 32


def counts_for(scale: float) -> dict[str, int]:
    return {key: max(1, round(value * scale)) for key, value in BASE.items()}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the default volumes (1 = a million people)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep data generated earlier")
    parser.add_argument("--only", default="", help="time only pages whose key contains one of these (comma-separated)")
    parser.add_argument("--trace-slow", type=float, default=0, metavar="MS",
                        help="print each timed request slower than MS with its three slowest "
                             "SQL statements (in the measure logs, /tmp/qzgov-admin-pages-*)")
    parser.add_argument("--serial-passes", action="store_true",
                        help="time the big database, then the one-row one (default: both at "
                             "once, one core each — half the wall time on two idle cores; "
                             "every request still runs alone on its database, and both "
                             "databases' figures share the same conditions)")
    parser.add_argument("--real-runs", action="store_true",
                        help="every month through the run service's ranking (no copied rolls)")
    parser.add_argument("--digests", action="store_true",
                        help="print md5 of each month's roll, totals and run (compare with --real-runs)")
    parser.add_argument("--phase", choices=["template", "generate", "measure"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    os.environ["LOCKOUT_ENABLED"] = "0"
    os.environ["OTP_REQUIRED"] = "0"
    os.environ.setdefault("RESIDENT_ID_KEY", BENCH_RESIDENT_ID_KEY)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log in the timed requests
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from apps.core import gc_tuning

    gc_tuning.tune()  # as the production server's qzgov/wsgi.py does


# --- data generation (child process) -----------------------------------------------------


def _generated_scale(cursor) -> float | None:
    cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT scale FROM bench_meta")
    row = cursor.fetchone()
    return row[0] if row else None


# Tables filled in bulk: their secondary indexes, unique and foreign-key constraints are
# dropped before the load and rebuilt once after it (one sort per index, one join per foreign
# key instead of a B-tree insert and a trigger per row). The roll lines keep their run index:
# each run's totals read its lines by run.
BULK_TABLES = ("subsidies_beneficiary", "subsidies_beneficiaryfact", "subsidies_enrolment",
               "subsidies_rollline", "doctors_doctor", "doctors_agreement",
               "doctors_pointdeduction", "regulations_normativedocument",
               "regulations_statusevent", "regulations_statusperiod")
KEEP_INDEXES = ("subsidy_line_run_region_id",)


def _cpu_seconds(cursor) -> float:
    """This process's CPU (and its ended child processes') plus its PostgreSQL backend's
    (same machine; /proc)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = time.process_time() + children.ru_utime + children.ru_stime
    try:
        cursor.execute("SELECT pg_backend_pid()")
        fields = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        backend = 0.0
    return own + backend


def drop_bulk_constraints(cursor) -> list[str]:
    """Drop what slows a bulk load on ``BULK_TABLES`` (not primary keys); return the DDL
    that rebuilds it, constraints before the foreign keys that may need them."""
    cursor.execute("""
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.contype IN ('u', 'f')
          AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))
    """, [list(BULK_TABLES), list(BULK_TABLES)])
    constraints = cursor.fetchall()
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    """, [list(BULK_TABLES)])
    indexes = [(name, ddl) for name, ddl in cursor.fetchall() if name not in KEEP_INDEXES]
    rebuild = [ddl for _, ddl in indexes]
    rebuild += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}'
                for table, name, ddl, kind in constraints if kind == "u"]
    rebuild += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}'
                for table, name, ddl, kind in constraints if kind == "f"]
    for table, name, _, _kind in sorted(constraints, key=lambda c: c[3] != "f"):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return rebuild


def prepare_template() -> dict:
    """Migrate and import the gazette (nothing to do when the template is current)."""
    from django.core.management import call_command
    from django.db import connection

    from apps.gazette.models import GazetteIssue

    def cpu() -> float:
        with connection.cursor() as cursor:
            return _cpu_seconds(cursor)

    out = {}
    wall_0, cpu_0 = time.perf_counter(), cpu()
    call_command("migrate", verbosity=0)
    out["migrate"] = {"wall_s": round(time.perf_counter() - wall_0, 1),
                      "cpu_s": round(cpu() - cpu_0, 1)}
    if not GazetteIssue.objects.exists():
        wall_0, cpu_0 = time.perf_counter(), cpu()
        call_command("import_gazette", verbosity=0, stdout=open(os.devnull, "w"))
        out["gazette"] = {"wall_s": round(time.perf_counter() - wall_0, 1),
                          "cpu_s": round(cpu() - cpu_0, 1)}
    return out


def generate(scale: float, reuse: bool, copy_runs: bool = True) -> dict:
    from types import SimpleNamespace

    import subsidy_run
    from django.db import connection

    with connection.cursor() as cursor:
        if reuse and _generated_scale(cursor) == scale:
            started = time.perf_counter()
            prepare_template()  # the data kept, new migrations (indexes) applied
            return {"reused": True, "migrate_seconds": round(time.perf_counter() - started, 1)}
    n = counts_for(scale)
    timings, cpu = {}, {}
    extra_cpu: list[float] = []  # CPU of other connections' backends (run_months)

    class phase:  # wall and CPU seconds (this process + its PostgreSQL backend) per phase
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            with connection.cursor() as cursor:
                self.cpu = _cpu_seconds(cursor)
            self.started = time.perf_counter()

        def __exit__(self, *exc):
            timings[self.name] = round(time.perf_counter() - self.started, 1)
            with connection.cursor() as cursor:
                cpu[self.name] = round(_cpu_seconds(cursor) - self.cpu + sum(extra_cpu), 1)
            extra_cpu.clear()

    if reuse:  # a database kept from an earlier run: apply what is new (a fresh copy of the
        # template, which the driver has just migrated, has nothing to apply)
        with phase("migrate_and_gazette"):
            prepare_template()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("DROP TABLE IF EXISTS bench_meta")
        cursor.execute("DELETE FROM subsidies_job")
        cursor.execute("DELETE FROM subsidies_monthlyindex")
        cursor.execute("DELETE FROM subsidies_historicalmonthlyindex")
        # A generation cut off earlier left its rebuild list: apply it first (the drop below
        # must see the schema that migrations made).
        cursor.execute("SELECT to_regclass('bench_pending_ddl') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT ddl FROM bench_pending_ddl ORDER BY n")
            for (ddl,) in cursor.fetchall():
                cursor.execute(ddl)
            cursor.execute("DROP TABLE bench_pending_ddl")
        rebuild = drop_bulk_constraints(cursor) if scale >= 0.01 else []
        cursor.execute("CREATE TABLE bench_pending_ddl (n int, ddl text)")
        for number, ddl in enumerate(rebuild):
            cursor.execute("INSERT INTO bench_pending_ddl VALUES (%s, %s)", [number, ddl])
    with phase("beneficiaries"):
        subsidy_run.generate(SimpleNamespace(beneficiaries=n["beneficiaries"], postgres=True,
                                             workers=2))
    with connection.cursor() as cursor:  # a new connection after the people's worker processes
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '64MB'")

    from decimal import Decimal

    from apps.subsidies import services
    from apps.subsidies.models import MonthlyIndex

    with phase("twelve_runs"):
        for month in MONTHS:
            MonthlyIndex.objects.update_or_create(month=month, defaults={
                "scpi": Decimal("3.6"), "cpi_food": Decimal("11.1")})
        backend_cpu, copied = run_months(services.run_compute, MONTHS, copy=copy_runs)
        extra_cpu.append(backend_cpu)
    with phase("doctors"):
        generate_doctors(n)
    with phase("documents"):
        generate_documents(n)
    with phase("indexes_and_constraints"):
        # Indexes and unique keys first (a foreign key may need one), then the foreign keys.
        extra_cpu.append(run_parallel([d for d in rebuild if "FOREIGN KEY" not in d]))
        extra_cpu.append(run_parallel([d for d in rebuild if "FOREIGN KEY" in d]))
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_pending_ddl")
    with phase("vacuum_analyze"), connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind IN ('r', 'm') "
                       "AND relnamespace = 'public'::regnamespace")
        extra_cpu.append(run_parallel([f'VACUUM ANALYZE "{t}"' for (t,) in cursor.fetchall()]))
        cursor.execute("CREATE TABLE bench_meta (scale double precision)")
        cursor.execute("INSERT INTO bench_meta VALUES (%s)", [scale])
    return {"timings": timings, "cpu_seconds": cpu, "copied_months": copied}


def roll_digests() -> dict:
    """md5 per month of the regular roll's lines and totals and of the run row's figures (not
    ids or timestamps): a copied month must equal its real run (``--real-runs``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT r.month::text,
                   (SELECT md5(string_agg(concat_ws(',', l.month, l.sequence, l.beneficiary_id,
                        l.category, l.department, l.region_id, l.residence, l.standard, l.amount),
                        ';' ORDER BY l.beneficiary_id, l.department, l.region_id))
                    FROM subsidies_rollline l WHERE l.run_id = r.id),
                   (SELECT md5(string_agg(concat_ws(',', t.region_id, t.department, t.category,
                        t.persons, t.amount), ';' ORDER BY t.region_id, t.department, t.category))
                    FROM subsidies_runtotal t WHERE t.run_id = r.id),
                   md5(concat_ws(',', r.status, r.persons, r.amount, r.rate, r.scpi, r.cpi_food,
                        r.triggered, r.policy_id,
                        (r.snapshot - 'index')::text, r.snapshot #>> '{index,month}')),
                   (SELECT md5(string_agg(concat_ws(',', u.university_id, u.amount), ';'
                        ORDER BY u.university_id)) FROM subsidies_universityline u
                    WHERE u.run_id = r.id)
            FROM subsidies_subsidyrun r WHERE r.sequence = 0 ORDER BY r.month
        """)
        return {month: list(rest) for month, *rest in cursor.fetchall()}


def _backend_seconds(cursor) -> float:
    """CPU seconds of ``cursor``'s PostgreSQL backend (same machine; /proc)."""
    cursor.execute("SELECT pg_backend_pid()")
    fields = Path(f"/proc/{cursor.fetchone()[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_parallel(statements: list[str], workers: int = 2) -> float:
    """Run ``statements`` (DDL, VACUUM: each its own transaction, in any order) on
    ``workers`` connections, the largest table's first (a statement's table: the first bulk
    or ``public`` table it names). One index build or foreign-key check leaves part of the
    machine idle (its final merge and the key's join are one process); two keep both cores
    busy. A deadlock between two foreign keys' table locks is retried. Returns the CPU
    seconds of the connections' PostgreSQL backends."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    from django.db import OperationalError, connection

    if not statements:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                       "WHERE relkind IN ('r', 'm') AND relnamespace = 'public'::regnamespace")
        sizes = dict(cursor.fetchall())

    def size(sql: str) -> int:
        found = re.search(r'(?:\bON (?:ONLY )?(?:public\.)?|ALTER TABLE |VACUUM ANALYZE )"?(\w+)', sql)
        return sizes.get(found.group(1), 0) if found else 0

    queue = sorted(statements, key=size, reverse=True)

    def worker() -> float:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                started = _backend_seconds(cursor)
                while queue:
                    try:
                        sql = queue.pop(0)
                    except IndexError:
                        break
                    for attempt in range(5):
                        try:
                            cursor.execute(sql)
                            break
                        except OperationalError as exc:
                            if getattr(exc.__cause__, "sqlstate", None) != "40P01" or attempt == 4:
                                raise
                return max(0.0, _backend_seconds(cursor) - started)
        except OSError:
            return 0.0
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(lambda _: worker(), range(workers)))


def run_months(compute, months, workers: int = 2, copy: bool = True) -> tuple[float, dict]:
    """The monthly runs, ``workers`` months at a time, each on its own connection: a
    month's run is one ``INSERT … SELECT``, which PostgreSQL runs on one core (no parallel
    plan for an insert), and runs of different months lock only their own month (its index
    row, its runs), so two cores run two months in about the time of one.

    A month whose inputs do not differ from an earlier month's (``copy_plan``) is still run
    by the real service — its rates, university lines, totals, snapshot, event and audit
    entry — but its roll lines are copied set-based from that month's roll instead of being
    ranked again (``_copied_lines``). Returns the CPU seconds of the workers' PostgreSQL
    backends and {month: source month} of the copied ones."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    plan = copy_plan(months) if copy else {m: None for m in months}
    sources = {s for s in plan.values() if s}
    # Sources first (their copies wait for them), then the other real months, then copies:
    # the pool is first-in first-out, so a copy never waits on a month not yet started.
    order = sorted(months, key=lambda m: (plan[m] is not None, m not in sources, m))
    futures: dict = {}

    def backend() -> float:
        try:
            with connection.cursor() as cursor:
                return _backend_seconds(cursor)
        except OSError:  # no /proc: the CPU is not counted
            return 0.0

    def run(month) -> float:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET work_mem = '64MB'")
            started = backend()
            source = plan[month]
            if source is None:
                compute(month=month)
            else:
                source_run = futures[source].result()[1]
                with connection.execute_wrapper(_copied_lines(source_run, copied)):
                    compute(month=month)
            return max(0.0, backend() - started), _regular_run_id(month)
        finally:
            connection.close()  # this thread's own connection

    copied: dict = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for month in order:
            futures[month] = pool.submit(run, month)
        seconds = sum(futures[m].result()[0] for m in order)
    return seconds, {str(m): str(plan[m]) for m in months if copied.get(_regular_run_id(m))}


def _regular_run_id(month) -> int:
    from apps.subsidies.models import SubsidyRun

    return SubsidyRun.objects.filter(month=month, sequence=0).values_list("pk", flat=True).get()


def copy_plan(months) -> dict:
    """{month: the earlier month whose roll it repeats, or None (a real run)}.

    A regular roll reads (``services._RANKED``) the beneficiary facts in force, the
    enrolments in force and the run's rate table. Month M repeats an earlier month S when no
    fact starts in (S, M], no enrolment starts in (S, M] and none ends in [S, M) — then the
    same persons have the same county, 城乡 and categories — and M's rates equal S's (checked
    at the insert itself, ``_copied_lines``)."""
    from django.db import connection

    plan: dict = {}
    source = None
    with connection.cursor() as cursor:
        for month in sorted(months):
            if source is not None:
                cursor.execute("""
                    SELECT EXISTS (SELECT 1 FROM subsidies_beneficiaryfact
                                   WHERE from_month > %s AND from_month <= %s)
                        OR EXISTS (SELECT 1 FROM subsidies_enrolment
                                   WHERE from_month > %s AND from_month <= %s)
                        OR EXISTS (SELECT 1 FROM subsidies_enrolment
                                   WHERE to_month >= %s AND to_month < %s)
                """, [source, month] * 3)
                if not cursor.fetchone()[0]:
                    plan[month] = source
                    continue
            plan[month] = None
            source = month
    return plan


COPY_LINES_SQL = """
    INSERT INTO subsidies_rollline (run_id, month, sequence, beneficiary_id, category,
        department, region_id, residence, standard, amount)
    SELECT %s, %s, %s, beneficiary_id, category, department, region_id, residence, standard,
           amount
    FROM subsidies_rollline WHERE run_id = %s ORDER BY id
"""

SAME_RATES_SQL = """
    SELECT NOT EXISTS (
        (SELECT region_id, residence, category, department, standard, amount, priority
         FROM subsidies_runrate WHERE run_id = %s
         EXCEPT SELECT region_id, residence, category, department, standard, amount, priority
         FROM subsidies_runrate WHERE run_id = %s)
        UNION ALL
        (SELECT region_id, residence, category, department, standard, amount, priority
         FROM subsidies_runrate WHERE run_id = %s
         EXCEPT SELECT region_id, residence, category, department, standard, amount, priority
         FROM subsidies_runrate WHERE run_id = %s))
"""


def _copied_lines(source_run: int, copied: dict):
    """A connection's execute wrapper: the run service's regular-roll statement
    (``services.REGULAR_SQL``, parameters run, month, sequence, then the ranking's) becomes a
    copy of ``source_run``'s lines under the new run, month and sequence — when the new run's
    rate table (already written by the service) equals the source's; otherwise the real
    statement runs. Everything else the service does runs as written."""
    from apps.subsidies import services

    def wrapper(execute, sql, params, many, context):
        if sql != services.REGULAR_SQL:
            return execute(sql, params, many, context)
        run_id = params[0]
        execute(SAME_RATES_SQL, [run_id, source_run, source_run, run_id], False, context)
        if not context["cursor"].fetchone()[0]:
            return execute(sql, params, many, context)
        copied[run_id] = source_run
        return execute(COPY_LINES_SQL, [*params[:3], source_run], False, context)

    return wrapper


def generate_doctors(n: dict) -> None:
    import subsidy_run
    from django.db import connection, transaction

    from apps.core import resident_id
    from apps.core.models import Region
    from apps.doctors.models import Doctor, PointDeduction, ViolationItem

    regions = list(Region.objects.filter(code__in=subsidy_run.REGIONS).values_list("pk", flat=True))
    items = list(ViolationItem.objects.order_by("pk").values_list("pk", flat=True))
    qualification = Doctor._meta.get_field("qualification").choices[0][0]
    channel = PointDeduction._meta.get_field("channel").default
    channel = getattr(channel, "value", channel)
    with connection.cursor() as cursor:
        for table in ("doctors_pointdeduction", "doctors_historicalpointdeduction",
                      "doctors_agreement", "doctors_historicalagreement",
                      "doctors_doctor", "doctors_historicaldoctor"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM doctors_institution WHERE code LIKE 'BI%%'")
        cursor.execute(f"""
            INSERT INTO doctors_institution (code, name, region_id, agreement_start, agreement_end)
            SELECT 'BI' || lpad(g::text, 6, '0'), '基准医疗机构' || g,
                   (%s::bigint[])[1 + g %% {len(regions)}], DATE '2019-01-01', DATE '2026-12-31'
            FROM generate_series(1, %s) g
        """, [regions, n["institutions"]])
    chunk = 20_000
    for start in range(0, n["doctors"], chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy("COPY doctors_doctor (name, resident_id, resident_id_digest, "
                                    "certificate_number, qualification, phone) FROM STDIN") as copy:
                for k in range(start, min(start + chunk, n["doctors"])):
                    number = resident_id.compose(subsidy_run.REGIONS[k % 6],
                                                 dt.date(1960, 1, 1) + dt.timedelta(days=k // 1000),
                                                 k % 1000)
                    copy.write_row((f"医师{k}", resident_id.encrypt(number),
                                    resident_id.digest(number), f"BC{k:08d}", qualification, ""))
    per_doctor = max(1, round(n["deductions"] / n["doctors"]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), COUNT(*) FROM doctors_institution WHERE code LIKE 'BI%%'")
        first_institution, institutions = cursor.fetchone()
        cursor.execute(f"""
            INSERT INTO doctors_agreement (doctor_id, institution_id, start, "end", created_at)
            SELECT d.id, {first_institution} + d.id %% {institutions}, DATE '2019-01-01',
                   DATE '2026-12-31', now()
            FROM doctors_doctor d
        """, [])
        cursor.execute(f"""
            INSERT INTO doctors_pointdeduction (doctor_id, institution_id, item_id, points,
                violation_date, notice_date, channel, case_number, note, recorded_at)
            SELECT a.doctor_id, a.institution_id, v.id, v.points,
                   DATE '2019-02-01' + ((a.id * 13 + k * 37) %% 1400)::int,
                   DATE '2019-02-11' + ((a.id * 13 + k * 37) %% 1400)::int,
                   %s, 'BK' || a.id || '-' || k, '', now()
            FROM doctors_agreement a
            CROSS JOIN generate_series(1, {per_doctor}) k
            JOIN doctors_violationitem v ON v.id = (%s::bigint[])[1 + (a.id * 7 + k) %% {len(items)}]
            LIMIT %s
        """, [channel, items, n["deductions"]])


def generate_documents(n: dict) -> None:
    from django.db import connection, transaction

    from apps.core.models import Organisation
    from apps.regulations.models import StatusEvent
    from apps.regulations.periods import OPEN

    issuers = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:50])
    status = StatusEvent._meta.get_field("status").choices[0][0]
    cause = StatusEvent._meta.get_field("cause").choices[0][0]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("regulations_statusperiod", "regulations_statusevent"):
            cursor.execute(f"DELETE FROM {table} WHERE document_id IN "
                           "(SELECT id FROM regulations_normativedocument WHERE source = 'bench')")
        cursor.execute("DELETE FROM regulations_normativedocument WHERE source = 'bench'")
        cursor.execute(f"""
            INSERT INTO regulations_normativedocument (number, number_issuer_code, number_year,
                number_serial, title, issuer_id, date, public, source, created_at)
            SELECT '衢基准发〔' || (2000 + g %% 21) || '〕' || g || '号', '衢基准发', 2000 + g %% 21, g,
                   '关于基准测试第' || g || '号事项的通知', (%s::bigint[])[1 + g %% {len(issuers)}],
                   DATE '2000-01-01' + (g %% 7000), true, 'bench', now()
            FROM generate_series(1, %s) g
        """, [issuers, n["documents"]])
        cursor.execute("""
            INSERT INTO regulations_statusevent (document_id, status, effective_date, cause, note,
                recorded_at)
            SELECT id, %s, date, %s, '', now() FROM regulations_normativedocument
            WHERE source = 'bench'
        """, [status, cause])
        # The status periods the 状态 filter reads (services.periods_rebuild's rule, set-wise for
        # this shape): one event dated on the document's own date, no link, so one period
        # from that date on, open-ended.
        cursor.execute("""
            INSERT INTO regulations_statusperiod (document_id, status, valid_from, valid_to)
            SELECT e.document_id, e.status, e.effective_date, %s
            FROM regulations_statusevent e JOIN regulations_normativedocument d ON d.id = e.document_id
            WHERE d.source = 'bench'
        """, [OPEN])


# --- measurement (child process) ---------------------------------------------------------


def clerk():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from apps.core import roles
    from apps.core.models import StaffProfile

    user, _ = get_user_model().objects.get_or_create(username=CLERK, defaults={"is_staff": True})
    user.groups.set(Group.objects.filter(name__in=[*roles.ROLES, roles.AUDITOR]))
    StaffProfile.objects.get_or_create(user=user, defaults={"region": None})
    return user


def _filter_params(model_admin, request, spec_name) -> dict | None:
    """One value for a ``list_filter`` entry, read from the data."""
    from django.contrib.admin import SimpleListFilter
    from django.contrib.admin.utils import get_fields_from_path

    if isinstance(spec_name, tuple):
        spec_name = spec_name[0]
    if isinstance(spec_name, type) and issubclass(spec_name, SimpleListFilter):
        spec = spec_name(request, {}, model_admin.model, model_admin)
        choices = list(spec.lookup_choices or [])
        return {spec.parameter_name: choices[0][0]} if choices else None
    if not isinstance(spec_name, str):
        return None
    fields = get_fields_from_path(model_admin.model, spec_name)
    last = fields[-1]
    queryset = model_admin.get_queryset(request).order_by("-pk")
    path = spec_name
    if last.is_relation:
        path = f"{spec_name}__pk"
    value = queryset.exclude(**{f"{path}__isnull": True}).values_list(path, flat=True).first()
    if value is None:
        return None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, dt.date):
        return {f"{spec_name}__gte": value.isoformat(), f"{spec_name}__lt":
                (value + dt.timedelta(days=1)).isoformat()}
    if last.is_relation:
        return {f"{spec_name}__{last.target_field.attname}__exact": value}
    return {f"{spec_name}__exact": value}


def _search_name(model_admin, request) -> str | None:
    fields = list(model_admin.get_search_fields(request) or [])
    if not fields:
        return None
    path = fields[0].lstrip("^=@")
    value = model_admin.get_queryset(request).order_by("-pk").values_list(path, flat=True).first()
    return str(value) if value else None


def _resident_number(model_admin, request) -> str | None:
    from apps.core.fields import ResidentIdField

    for field in model_admin.model._meta.concrete_fields:
        if isinstance(field, ResidentIdField):
            obj = model_admin.get_queryset(request).order_by("-pk").first()
            return getattr(obj, field.name) if obj else None
    return None


def variants(user) -> list[tuple[str, str]]:
    """(key, url) of every page and variant the clerk may open."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    factory = RequestFactory()
    found: list[tuple[str, str]] = []
    skipped = []
    for model, model_admin in sorted(admin.site._registry.items(),
                                     key=lambda item: item[0]._meta.label):
        opts = model._meta
        request = factory.get("/")
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            skipped.append(opts.label)
            continue
        key = opts.label.lower()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        found.append((f"{key} list", url))
        for spec in model_admin.get_list_filter(request):
            try:
                query = _filter_params(model_admin, request, spec)
            except Exception:  # noqa: BLE001 - an unusual filter is timed as its first page
                query = None
            if query:
                name = spec if isinstance(spec, str) else getattr(spec, "parameter_name", str(spec))
                found.append((f"{key} filter:{name}", f"{url}?{urlencode(query)}"))
        term = _search_name(model_admin, request)
        if term:
            found.append((f"{key} search:name", f"{url}?{urlencode({'q': term})}"))
        number = _resident_number(model_admin, request)
        if number and model_admin.get_search_fields(request):
            found.append((f"{key} search:resident_id", f"{url}?{urlencode({'q': number})}"))
        cl_request = factory.get(url)
        cl_request.user = user
        try:
            changelist = model_admin.get_changelist_instance(cl_request)
        except Exception:  # noqa: BLE001
            changelist = None
        if changelist is not None:
            offered = model_admin.get_sortable_by(cl_request)
            for index, name in enumerate(changelist.list_display):
                if name == "action_checkbox" or changelist.get_ordering_field(name) is None:
                    continue
                if name not in offered:  # no sort link: not offered (sortable_by)
                    continue
                label = name if isinstance(name, str) else getattr(name, "__name__", str(index))
                found.append((f"{key} sort:{label}", f"{url}?o={index}"))
        obj = model_admin.get_queryset(request).order_by("-pk").first()
        if obj is not None:
            found.append((f"{key} detail", reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])))
    found += staff_pages()
    return found, skipped


def staff_pages() -> list[tuple[str, str]]:
    from apps.awards.models import Person
    from apps.doctors.models import Doctor, Institution
    from apps.regulations.models import NormativeDocument

    pages = [
        ("page admin index", "/admin/"),
        ("page regulations search", "/regulations/"),
        ("page regulations search:q", "/regulations/?" + urlencode({"q": "通知"})),
        # The registry's 状态 filter on another day than today (a past 状态日期).
        ("regulations.normativedocument filter:status+as_of", "/admin/regulations/normativedocument/?"
         + urlencode({"status": "in_force", "as_of": "2012-06-30"})),
        ("page regulations search:status+as_of", "/regulations/?"
         + urlencode({"status": "in_force", "as_of": "2012-06-30"})),
        ("page awards lists", "/awards/"),
        ("page awards people", "/awards/people/"),
        ("page personnel roster", "/personnel/roster/"),
        ("page subsidies run", f"/subsidies/runs/{RUN_MONTH}/"),
        ("api whoami", "/api/whoami"),
        ("api subsidies summary", f"/api/subsidies/runs/{RUN_MONTH}/summary"),
        ("api regulations documents", "/api/regulations/documents?" + urlencode({"q": "通知"})),
        ("api awards honours", "/api/awards/honours?" + urlencode({"person": "柴东剑"})),
        ("api personnel roster", "/api/personnel/roster?" + urlencode({"organisation": "市政府办公室"})),
        ("api personnel duties", "/api/personnel/duties?" + urlencode({"office": "综合四处"})),
    ]
    document = NormativeDocument.objects.order_by("-pk").first()
    if document:
        pages.append(("page regulations detail", f"/regulations/documents/{document.pk}/"))
        if document.number:
            pages.append(("api regulations number", "/api/regulations/documents?" +
                          urlencode({"number": document.number})))
    person = Person.objects.order_by("-pk").first()
    if person:
        pages.append(("page awards person", f"/awards/people/{person.pk}/"))
    doctor = Doctor.objects.order_by("-pk").first()
    institution = Institution.objects.order_by("-pk").first()
    if doctor and institution:
        pages.append(("api doctors standing", "/api/doctors/standing?" + urlencode(
            {"doctor": doctor.certificate_number, "date": "2020-10-01"})))
        agreement = doctor.agreements.first() if hasattr(doctor, "agreements") else None
        inst = agreement.institution if agreement else institution
        pages.append(("api doctors payability", "/api/doctors/payability?" + urlencode(
            {"doctor": doctor.certificate_number, "institution": inst.code,
             "date": "2020-10-01"})))
    return pages


def measure(only: str = "", trace_ms: float = 0) -> dict:
    """Time every variant: 5 requests each, after one warm-up request per page (URL path) —
    a list's first page warms the list's code and templates for its filters, searches and
    sorts, whose own first request is among the 5 timed (a cold index shows in the p95)."""
    from django.db import connection
    from django.test import Client

    started_wall = time.perf_counter()
    with connection.cursor() as cursor:
        started_cpu = _cpu_seconds(cursor)
    user = clerk()
    client = Client()
    client.force_login(user)
    pages, skipped = variants(user)
    setup = {"wall_s": round(time.perf_counter() - started_wall, 1)}
    with connection.cursor() as cursor:
        setup["cpu_s"] = round(_cpu_seconds(cursor) - started_cpu, 1)
    results = {}
    warmed: set[str] = set()
    requests = 0

    def get(url):
        response = client.get(url, follow=True)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass
        return response.status_code

    for key, url in pages:
        if only and not any(part and part in key for part in only.split(",")):
            continue
        path = urlsplit(url).path
        if path not in warmed:
            warmed.add(path)
            get(url)
            requests += 1
        times, cpu = [], []
        status = None
        for _ in range(REQUESTS):
            _trace.clear()
            wall_0, cpu_0 = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(_tracer) if trace_ms else nullcontext():
                status = get(url)
            times.append((time.perf_counter() - wall_0) * 1000)
            cpu.append((time.process_time() - cpu_0) * 1000)
            if trace_ms and times[-1] > trace_ms:
                print(f"slow: {key} request {_ + 1} {times[-1]:.0f} ms, {cpu[-1]:.0f} ms CPU, "
                      f"{sum(ms for ms, _sql in _trace):.0f} ms SQL; slowest statements:",
                      file=sys.stderr)
                for ms, sql in sorted(_trace, reverse=True)[:3]:
                    print(f"    {ms:.1f} ms {sql}", file=sys.stderr)
        requests += REQUESTS
        # cpu: this process's CPU time (Django, templates; not PostgreSQL's) — unlike the wall
        # time it does not grow with other work queued on the machine.
        results[key] = {"url": url, "status": status, "p50_ms": round(statistics.median(times), 1),
                        "p95_ms": round(_p95(times), 1), "cpu_p95_ms": round(_p95(cpu), 1)}
        print(f"{key}: p95 {results[key]['p95_ms']} ms ({status})", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        rows = {}
        for table in ("subsidies_beneficiary", "subsidies_rollline", "doctors_doctor",
                      "doctors_pointdeduction", "regulations_normativedocument"):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            rows[table] = cursor.fetchone()[0]
        cpu_total = _cpu_seconds(cursor) - started_cpu
    return {"pages": results, "skipped_models": skipped, "rows": rows, "setup": setup,
            "requests": requests, "warm_ups": len(warmed),
            "wall_s": round(time.perf_counter() - started_wall, 1), "cpu_s": round(cpu_total, 1)}


_trace: list[tuple[float, str]] = []  # (ms, statement) of the request being timed


def _tracer(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _trace.append(((time.perf_counter() - started) * 1000, sql[:150]))


def _p95(times: list[float]) -> float:
    """Nearest-rank 95th percentile (of 5 requests: the slowest)."""
    ordered = sorted(times)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


# --- driver ------------------------------------------------------------------------------


def _child(phase: str, url: str, scale: float, reuse: bool, only: str, extra=(),
           wait: bool = True):
    """Run one phase in a child process; its result is the last line of its stdout. With
    ``wait=False`` returns a function that waits for it."""
    cmd = [sys.executable, __file__, "--phase", phase, "--database-url", url, "--scale", str(scale),
           *extra]
    if reuse:
        cmd.append("--reuse")
    if only:
        cmd += ["--only", only]
    log = Path(f"/tmp/qzgov-admin-pages-{phase}-{urlsplit(url).path.strip('/')}.log")
    err = open(log, "w")
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)

    def result() -> dict:
        out, _ = process.communicate()
        err.close()
        if process.returncode != 0:
            sys.stderr.write(log.read_text()[-5000:])
            raise SystemExit(f"{phase} on {url} failed (log: {log})")
        return json.loads(out.strip().splitlines()[-1])

    return result() if wait else result


def _admin_connection(url: str):
    import psycopg

    admin_url = url.split("?")[0].rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(admin_url, autocommit=True)


def _settle(urls) -> dict:
    """Before timing, the state of a server in service: generation's writes on disk
    (``CHECKPOINT`` and ``sync``, so no timed read queues behind their write-back) and every
    table and index of the databases in the OS cache (``pg_prewarm`` in ``read`` mode; this
    machine's disk reads ≈ 40 MB/s, and a timed request that first read a page from it waited
    0.1–1.6 s on ``IO/DataFileRead``, session 9). Machine-wide effects,
    for a benchmark machine: the checkpoint is the cluster's, ``sync`` every filesystem's, and
    the databases' gigabytes enter the OS cache; ``pg_prewarm`` stays installed in both
    databases. Returns the MB read."""
    import psycopg

    read_mb: dict = {}
    with _admin_connection(urls[0]) as conn:  # one CHECKPOINT covers the whole cluster
        try:
            conn.execute("CHECKPOINT")
        except psycopg.Error as exc:  # neither superuser nor pg_checkpoint: go on without
            read_mb["checkpoint"] = f"not run: {exc.__class__.__name__}"
    os.sync()

    for url in urls:
        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            except psycopg.Error as exc:  # not a superuser, or no contrib modules
                read_mb[name] = f"not read ahead: {exc.__class__.__name__}"
                continue
            blocks = conn.execute(
                "SELECT COALESCE(SUM(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p' "
                "AND n.nspname NOT LIKE 'pg_temp%'").fetchone()[0]
        read_mb[name] = round(int(blocks) * 8 / 1024)
    return {"read_mb": read_mb}


def _ensure_database(url: str, template: str = "template0", fresh: bool = False) -> None:
    """Create ``url``'s database (from ``template``, a migrated copy), replacing it when
    ``fresh``. A benchmark database commits without waiting for the disk (its data can be
    generated again)."""
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.phase:
        setup_django(args.database_url)
        if args.phase == "template":
            out = prepare_template()
        elif args.phase == "generate":
            out = generate(args.scale, args.reuse, copy_runs=not args.real_runs)
            if args.digests:
                out["digests"] = roll_digests()
        else:
            out = measure(args.only, args.trace_slow)
        print(json.dumps(out, ensure_ascii=False, default=str))
        return 0
    if not args.database_url:  # `make bench` without a PostgreSQL bench database
        print("skipped: needs --database-url (or BENCH_DATABASE_URL) of a PostgreSQL bench database")
        return 0
    url = args.database_url
    if not url.startswith(("postgres", "postgresql")) or "bench" not in urlsplit(url).path:
        print("needs --database-url postgres:///<name with 'bench'> (its data is replaced)",
              file=sys.stderr)
        return 2
    base, _, query = url.partition("?")
    one_url = base + "_one" + (f"?{query}" if query else "")
    template_url = base + "_tpl" + (f"?{query}" if query else "")
    started = time.perf_counter()
    phases: list[dict] = []  # wall and CPU seconds (script + its PostgreSQL backends)

    def phase(name: str, wall: float, cpu: float | None, **more) -> None:
        phases.append({"phase": name, "wall_s": round(wall, 1),
                       "cpu_s": None if cpu is None else round(cpu, 1), **more})
        print(f"phase {name}: {wall:.1f} s wall, {cpu if cpu is not None else '?'} s CPU",
              file=sys.stderr, flush=True)

    # Migrations and the gazette once, into a template both databases are copied from.
    _ensure_database(template_url)
    made = _child("template", template_url, 0.0, False, "")
    template_seconds = time.perf_counter() - started
    phase("template: migrate + gazette" + ("" if "gazette" in made else " (template kept)"),
          template_seconds, sum(part["cpu_s"] for part in made.values()), parts=made)
    template = urlsplit(template_url).path.lstrip("/")
    mark = time.perf_counter()
    for target in (url, one_url):
        _ensure_database(target, template=template, fresh=not args.reuse)
    phase("databases copied from the template", time.perf_counter() - mark, None)
    mark = time.perf_counter()
    # The one-row database is generated beside the big one (a few seconds of one core,
    # mostly waiting on its own small statements).
    one_generated = _child("generate", one_url, 0.0, True, "", wait=False)
    generated = _child("generate", url, args.scale, args.reuse, "",
                       extra=["--real-runs"] * args.real_runs + ["--digests"] * args.digests)
    print(f"generated: {generated}", file=sys.stderr)
    generate_seconds = time.perf_counter() - started
    for name, wall in (generated.get("timings") or {}).items():
        phase(f"generate: {name}", wall, generated["cpu_seconds"].get(name))
    phase("generate (whole child process)", time.perf_counter() - mark,
          sum((generated.get("cpu_seconds") or {}).values()) or None)
    if isinstance(generated.get("timings"), dict):
        generated["timings"] = {"template_migrate_and_gazette": round(template_seconds, 1),
                                **generated["timings"]}
    mark = time.perf_counter()
    one_generated()
    phase("one-row database (generated beside the big one; the wait after it)",
          time.perf_counter() - mark, None)
    mark = time.perf_counter()
    settled = _settle((url, one_url))
    phase("settle: CHECKPOINT, sync, tables and indexes read into the OS cache",
          time.perf_counter() - mark, None, **settled)
    mark = time.perf_counter()
    trace = ["--trace-slow", str(args.trace_slow)] if args.trace_slow else []
    if not args.serial_passes:  # each pass on its own core (see --help)
        waits = [_child("measure", target, args.scale, False, args.only, extra=trace, wait=False)
                 for target in (url, one_url)]
        big, one = (wait() for wait in waits)
        phase("timing passes, big and one-row at once", time.perf_counter() - mark,
              big["cpu_s"] + one["cpu_s"], requests=big["requests"] + one["requests"])
    else:
        big = _child("measure", url, args.scale, False, args.only, extra=trace)
        phase("timing pass, big database", time.perf_counter() - mark, big["cpu_s"],
              requests=big["requests"], setup=big["setup"])
        mark = time.perf_counter()
        one = _child("measure", one_url, 0.0, False, args.only, extra=trace)
        phase("timing pass, one-row database", time.perf_counter() - mark, one["cpu_s"],
              requests=one["requests"], setup=one["setup"])
    total = time.perf_counter() - started
    pages = []
    for key, figures in big["pages"].items():
        base = one["pages"].get(key)
        target = RUN_PAGE_TARGET_MS if key == "page subsidies run" else TARGET_MS
        ratio = round(figures["p95_ms"] / base["p95_ms"], 2) if base and base["p95_ms"] else None
        pages.append({"page": key, **figures, "one_row_p95_ms": base and base["p95_ms"],
                      "ratio": ratio, "target_ms": target,
                      "ok": figures["p95_ms"] <= target and figures["status"] == 200})
    over = [p["page"] for p in pages if not p["ok"]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report = {"scale": args.scale, "rows": big["rows"], "generate_seconds": round(generate_seconds, 1),
              "generate": generated, "phases": phases, "total_seconds": round(total, 1),
              "total_cpu_seconds": round(sum(p["cpu_s"] or 0 for p in phases
                                             if not p["phase"].startswith("generate: ")), 1),
              "requests_per_variant": REQUESTS, "variants": len(pages),
              "requests": big["requests"] + one["requests"], "load_average": load,
              "pages": pages, "over_target": over, "skipped_models": big["skipped_models"]}
    print(f"{'page':58} {'p50':>8} {'p95':>8} {'1-row':>8} {'ratio':>6} {'cpu95':>7}  status")
    for p in sorted(pages, key=lambda p: -p["p95_ms"]):
        flag = "" if p["ok"] else "  OVER"
        print(f"{p['page'][:58]:58} {p['p50_ms']:8.1f} {p['p95_ms']:8.1f} "
              f"{(p['one_row_p95_ms'] or 0):8.1f} {p['ratio'] or 0:6.2f} {p.get('cpu_p95_ms', 0):7.1f}"
              f"  {p['status']}{flag}")
    print(f"load average at the end: {load}; p50/p95 are wall times (they include waiting for "
          "the CPU when the machine is shared), cpu95 is this process's CPU time")
    print(f"rows: {big['rows']}; {len(pages)} page variants, {len(over)} over target")
    print(f"\n{'phase':58} {'wall s':>8} {'CPU s':>8}")
    for p in phases:
        cpu = "" if p["cpu_s"] is None else f"{p['cpu_s']:8.1f}"
        print(f"{p['phase'][:58]:58} {p['wall_s']:8.1f} {cpu:>8}")
    print(f"{'whole benchmark':58} {total:8.1f} {report['total_cpu_seconds']:8.1f}  "
          f"({total / 60:.1f} min; CPU = script + its PostgreSQL backends, parallel workers "
          f"not counted; load average {load})")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
