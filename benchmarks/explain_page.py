#!/usr/bin/env python
"""The slowest SQL of one admin/staff page, with its plan (issue 13 §1 evidence).

    python benchmarks/explain_page.py --database-url postgres:///qzgov_bench URL [URL …]

Requests each URL once as admin_pages' clerk (warm-up), then once more capturing every
query with its time; prints the page time, the query count, the three slowest queries and
``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest (a SELECT; nothing is written).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--top", type=int, default=1, help="plans of this many slowest queries")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args(argv)
    import admin_pages

    admin_pages.setup_django(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(admin_pages.clerk())
    for url in args.urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"== {url}: {response.status_code}, {elapsed:.0f} ms, {len(queries)} queries "
              f"({total:.0f} ms SQL)")
        for query in queries[:3]:
            print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
        for query in queries[:args.top]:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join("    " + row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
