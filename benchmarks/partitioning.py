#!/usr/bin/env python
"""Roll lines in one table or partitioned by month, measured side by side (issue 13 §1).

    python benchmarks/partitioning.py --database-url postgres:///qzgov_bench [--months 12] [--json]

Reads the roll lines ``admin_pages.py`` generated (a year of monthly runs, ≈ 1 M lines a
month at ``--scale 1``) and copies them, month by month in run order, into two tables in a
scratch schema ``partition_bench`` (dropped at the end):

* ``flat`` — the production layout (``subsidies_rollline``'s columns, primary key, its two
  unique keys and its two list indexes);
* ``part`` — the same columns, ``PARTITION BY RANGE (month)`` with one partition a month, the
  month added to the primary key (PostgreSQL requires the partition key in every unique key;
  the two unique keys already hold it) and the same indexes on every partition.

For each month it times the insert of that month's lines into each table (the monthly run's
write, against a table already holding the earlier months: linear means the last month costs
what the first did), alternating which table goes first. Then, after ``ANALYZE``, it times the
roll-line list's queries on both (5 runs each, the median): the newest roll's first page in
the admin order, a month's first page, the 类别 filter, one person's lines (the beneficiary
page), one county × department roll in full (the download) and the planner's row estimate
(the admin's count). Every figure is printed with the ratio ``part / flat`` from the same run.
Nothing outside the scratch schema is written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

TABLE = "public.subsidies_rollline"
SCHEMA = "partition_bench"
RUNS = 5


def _timed(cursor, sql: str, params=()) -> float:
    started = time.perf_counter()
    cursor.execute(sql, params)
    if cursor.description is not None:
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def _median(cursor, sql: str, params=()) -> float:
    _timed(cursor, sql, params)  # warm-up
    return round(statistics.median(_timed(cursor, sql, params) for _ in range(RUNS)), 2)


def build(cursor, months: list) -> None:
    cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    cursor.execute(f"CREATE SCHEMA {SCHEMA}")
    cursor.execute(f"CREATE TABLE {SCHEMA}.flat (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"ALTER TABLE {SCHEMA}.flat ADD PRIMARY KEY (id)")
    cursor.execute(f"CREATE TABLE {SCHEMA}.part (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
                   " PARTITION BY RANGE (month)")
    cursor.execute(f"ALTER TABLE {SCHEMA}.part ADD PRIMARY KEY (id, month)")
    for first, after in zip(months, [*months[1:], None], strict=True):
        upper = after or _next_month(first)
        # DDL takes no bind parameters: the bounds are dates from the runs table
        cursor.execute(f"CREATE TABLE {SCHEMA}.part_{first:%Y%m} PARTITION OF {SCHEMA}.part"
                       f" FOR VALUES FROM ('{first.isoformat()}') TO ('{upper.isoformat()}')")
    for table in ("flat", "part"):
        name = f"{SCHEMA}.{table}"
        cursor.execute(f"CREATE UNIQUE INDEX ON {name} (beneficiary_id, month) WHERE sequence = 0")
        cursor.execute(f"CREATE UNIQUE INDEX ON {name} (beneficiary_id, month, sequence, department, region_id)")
        cursor.execute(f"CREATE INDEX ON {name} (run_id DESC, region_id, department, id)")
        cursor.execute(f"CREATE INDEX ON {name} (category, run_id DESC, region_id, department, id)")


def _next_month(day):
    return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url:  # `make bench` without a PostgreSQL bench database
        print("skipped: needs --database-url (or BENCH_DATABASE_URL) of a PostgreSQL database "
              "holding admin_pages.py's generated runs")
        return 0
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT month, array_agg(id ORDER BY id) FROM subsidies_subsidyrun"
                       " GROUP BY month ORDER BY month")
        runs = cursor.fetchall()[: args.months]
        if not runs:
            print("skipped: no runs in this database (generate with admin_pages.py first)")
            return 0
        months = [month for month, _ids in runs]
        build(cursor, months)
        inserts = []
        for index, (month, run_ids) in enumerate(runs):
            order = ("flat", "part") if index % 2 == 0 else ("part", "flat")
            row = {"month": month.isoformat()}
            for table in order:
                row[table] = round(_timed(cursor, f"INSERT INTO {SCHEMA}.{table} SELECT * FROM {TABLE}"
                                          " WHERE run_id = ANY(%s)", (run_ids,)) / 1000, 2)
            row["lines"] = cursor.rowcount
            inserts.append(row)
            print(f"month {row['month']}: {row['lines']} lines, insert flat {row['flat']} s, "
                  f"part {row['part']} s", file=sys.stderr)
        cursor.execute(f"ANALYZE {SCHEMA}.flat")
        cursor.execute(f"ANALYZE {SCHEMA}.part")
        newest_run, newest_month = runs[-1][1][-1], months[-1]
        cursor.execute(f"SELECT beneficiary_id, region_id, department FROM {SCHEMA}.flat"
                       " WHERE run_id = %s LIMIT 1", (newest_run,))
        person, region, department = cursor.fetchone()
        order = " ORDER BY run_id DESC, region_id, department, id LIMIT 100"
        queries = {
            "first_page": ("SELECT * FROM {t}" + order, ()),
            "month_page": ("SELECT * FROM {t} WHERE month = %s" + order, (newest_month,)),
            "category_page": ("SELECT * FROM {t} WHERE category = 'tekun'" + order, ()),
            "one_person": ("SELECT * FROM {t} WHERE beneficiary_id = %s ORDER BY month", (person,)),
            "county_department_roll": ("SELECT * FROM {t} WHERE run_id = %s AND region_id = %s"
                                       " AND department = %s ORDER BY id",
                                       (newest_run, region, department)),
            "estimate": ("SELECT sum(c.reltuples) FROM pg_class c WHERE c.oid = '{t}'::regclass"
                         " OR c.oid IN (SELECT inhrelid FROM pg_inherits"
                         " WHERE inhparent = '{t}'::regclass)", ()),
        }
        reads = {}
        for key, (sql, params) in queries.items():
            flat = _median(cursor, sql.format(t=f"{SCHEMA}.flat"), params)
            part = _median(cursor, sql.format(t=f"{SCHEMA}.part"), params)
            reads[key] = {"flat_ms": flat, "part_ms": part, "ratio": round(part / flat, 2) if flat else None}
            print(f"{key}: flat {flat} ms, part {part} ms", file=sys.stderr)
        cursor.execute(f"DROP SCHEMA {SCHEMA} CASCADE")

    first, last = inserts[0], inserts[-1]
    out = {
        "months": len(inserts),
        "lines": sum(row["lines"] for row in inserts),
        "inserts": inserts,
        # the last month's insert over the first month's: 1.0 = the write does not slow with size
        "insert_growth": {table: round(last[table] / first[table], 2) if first[table] else None
                          for table in ("flat", "part")},
        "insert_total_s": {table: round(sum(row[table] for row in inserts), 1) for table in ("flat", "part")},
        "reads": reads,
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
