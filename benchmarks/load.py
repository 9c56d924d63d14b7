#!/usr/bin/env python
"""Fifty clerks at once against the production server (issue 13 §3).

    python benchmarks/load.py --database-url postgres:///qzgov_bench [--users 50]
        [--minutes 2] [--redis-url redis://127.0.0.1:6379/10] [--json]

Uses the scale data of ``benchmarks/admin_pages.py`` (run that first on the same database).
It creates ``--users`` staff accounts (``load-clerk-NN``, every business role in turn, city
level), starts ``gunicorn`` (the ``make serve-prod`` command, DEBUG=0, whitenoise) and a
Celery worker on Redis, both over loopback with insecure cookies and no second factor,
then runs locust as a library, headless: each clerk logs in through the login form (one
session each) and, waiting 1–5 s between actions, browses lists, searches by name and by
resident ID, opens details and staff pages, runs an import preview and downloads one county
× department roll — each only where the clerk's role may. It prints requests/s and
p50/p95/p99 per page and overall, the number of 5xx answers, and the roll download on its
own line (excluded from the overall figures). The two minutes are timed from the moment
every clerk is logged in; the login storm before it is reported separately. Targets: no 5xx, overall p95 ≤ 500 ms.
With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
PASSWORD = "Load-Test-Pass-2026!"
ROLL = "roll download"
LOGIN = "login"
# Role → what its clerks do (the permission matrix: tests/core/test_permission_matrix.py).
SUBSIDY_ROLES = {"民政", "人社", "退役军人", "发改委", "审计", "市府办"}
DOCTOR_ROLES = {"医保", "审计", "市府办"}
IMPORT_ROLES = {"民政", "人社", "退役军人", "发改委"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--bind", default="127.0.0.1:8765")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=["accounts"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def server_env(args) -> dict[str, str]:
    """Production settings over loopback: DEBUG=0, plain HTTP, no second factor."""
    from admin_pages import BENCH_RESIDENT_ID_KEY, bench_secret_key

    return {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
            "DEBUG": "0", "SECRET_KEY": bench_secret_key(),
            "RESIDENT_ID_KEY": os.environ.get("RESIDENT_ID_KEY", BENCH_RESIDENT_ID_KEY),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
            "OTP_REQUIRED": "0", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60"}


# --- accounts and sample data (child process, plain Django) ------------------------------


def accounts(users: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from apps.core import roles
    from apps.core.models import LoginLock, StaffProfile
    from apps.doctors.models import Doctor
    from apps.subsidies.models import Beneficiary, SubsidyRun

    role_names = [*roles.ROLES, roles.AUDITOR]
    made = []
    for n in range(users):
        role = role_names[n % len(role_names)]
        user, _ = get_user_model().objects.get_or_create(username=f"load-clerk-{n:02d}",
                                                         defaults={"is_staff": True})
        user.is_staff = True
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        StaffProfile.objects.update_or_create(user=user, defaults={"region": None})
        made.append({"username": user.username, "role": role})
    LoginLock.objects.all().delete()
    people = list(Beneficiary.objects.order_by("-pk").values_list("pk", "name")[:200])
    from apps.core import resident_id

    numbers = [b.resident_id for b in Beneficiary.objects.order_by("pk")[:50]]
    doctors = list(Doctor.objects.order_by("-pk").values_list("pk", "name")[:200])
    run = SubsidyRun.objects.filter(sequence=0).order_by("month").last()
    line = run.lines.order_by("pk").values("region__code", "department").first() if run else None
    return {"accounts": made, "people": people, "numbers": numbers, "doctors": doctors,
            "month": f"{run.month:%Y-%m}" if run else None,
            "roll": line and {"region": line["region__code"], "department": line["department"]},
            "id_sample_ok": all(resident_id.is_valid(n) for n in numbers)}


# --- servers -----------------------------------------------------------------------------


def start_servers(args, env):
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=ROOT, env=env, check=True)
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "qzgov.wsgi:application", "--bind", args.bind,
                            "--workers", str(args.workers), "--timeout", "300"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=open("/tmp/qzgov-load-gunicorn.log", "w"),
                           start_new_session=True)
    worker = subprocess.Popen([str(bin_dir / "celery"), "-A", "qzgov", "worker", "--concurrency=1",
                               "--loglevel=WARNING"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL,
                              stderr=open("/tmp/qzgov-load-celery.log", "w"),
                              start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://{args.bind}/admin/login/", timeout=5)
            break
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    else:
        raise SystemExit("gunicorn did not answer within 60 s (see /tmp/qzgov-load-gunicorn.log)")
    return web, worker


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- the clerks (locust) -----------------------------------------------------------------


def run_locust(args, data) -> dict:
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    pool = list(data["accounts"])
    logged_in: list[str] = []
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    import_csv = ("姓名,公民身份号码,区划代码,城乡,类别\n" + "".join(
        f"预览{n},{number},{number[:6]},城镇,低保\n" for n, number in enumerate(data["numbers"][:10]))
    ).encode("utf-8")

    class Clerk(HttpUser):
        wait_time = between(1, 5)
        host = f"http://{args.bind}"

        def on_start(self):
            account = pool.pop(0) if pool else random.choice(data["accounts"])
            self.role = account["role"]
            page = self.client.get("/admin/login/", name=LOGIN)
            token = csrf_re.search(page.text)
            with self.client.post("/admin/login/", name=LOGIN, catch_response=True, data={
                    "username": account["username"], "password": PASSWORD, "next": "/admin/",
                    "csrfmiddlewaretoken": token.group(1) if token else ""}) as answer:
                if "/admin/login/" in answer.url:  # still on the form: not logged in
                    answer.failure(f"login of {account['username']} refused")
            logged_in.append(account["username"])

        def _lists(self):
            if self.role in SUBSIDY_ROLES:
                return ["/admin/subsidies/beneficiary/", "/admin/subsidies/rollline/",
                        "/admin/subsidies/enrolment/", "/admin/subsidies/subsidyrun/"]
            if self.role in DOCTOR_ROLES:
                return ["/admin/doctors/doctor/", "/admin/doctors/pointdeduction/",
                        "/admin/doctors/agreement/"]
            return ["/admin/regulations/normativedocument/", "/admin/regulations/statusevent/"]

        @task(4)
        def browse(self):
            url = random.choice(self._lists())
            self.client.get(url, name=f"list {url.split('/')[2]}.{url.split('/')[3]}")

        @task(2)
        def search_name(self):
            if self.role in SUBSIDY_ROLES and data["people"]:
                name = random.choice(data["people"])[1]
                self.client.get("/admin/subsidies/beneficiary/", params={"q": name},
                                name="search beneficiary name")
            elif self.role in DOCTOR_ROLES and data["doctors"]:
                name = random.choice(data["doctors"])[1]
                self.client.get("/admin/doctors/doctor/", params={"q": name},
                                name="search doctor name")
            else:
                self.client.get("/regulations/", params={"q": "通知"}, name="search regulations")

        @task(1)
        def search_id(self):
            if self.role in SUBSIDY_ROLES and data["numbers"]:
                self.client.get("/admin/subsidies/beneficiary/",
                                params={"q": random.choice(data["numbers"])},
                                name="search beneficiary resident ID")

        @task(2)
        def detail(self):
            if self.role in SUBSIDY_ROLES and data["people"]:
                pk = random.choice(data["people"])[0]
                self.client.get(f"/admin/subsidies/beneficiary/{pk}/change/",
                                name="detail beneficiary")
            elif self.role in DOCTOR_ROLES and data["doctors"]:
                pk = random.choice(data["doctors"])[0]
                self.client.get(f"/admin/doctors/doctor/{pk}/change/", name="detail doctor")
            else:
                self.client.get("/admin/regulations/normativedocument/", name="list regulations")

        @task(1)
        def staff_page(self):
            if self.role in SUBSIDY_ROLES and data["month"]:
                self.client.get(f"/subsidies/runs/{data['month']}/", name="page run")
                self.client.get(f"/api/subsidies/runs/{data['month']}/summary",
                                name="api run summary")
            else:
                self.client.get("/api/regulations/documents", params={"q": "通知"},
                                name="api regulations documents")

        @task(1)
        def import_preview(self):
            if self.role not in IMPORT_ROLES:
                return
            url = "/admin/subsidies/beneficiary/import/"
            page = self.client.get(url, name="import form")
            token = csrf_re.search(page.text)
            self.client.post(url, name="import preview", data={
                "csrfmiddlewaretoken": token.group(1) if token else "", "format": "0",
                "from_month": ""}, files={"import_file": ("preview.csv", import_csv, "text/csv")})

        @task(1)
        def roll(self):
            if self.role in SUBSIDY_ROLES and data["month"] and data["roll"]:
                self.client.get(f"/subsidies/runs/{data['month']}/roll.csv", params=data["roll"],
                                name=ROLL)

    env = Environment(user_classes=[Clerk])
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=min(args.users, 10))
    # The timed window starts once every clerk is logged in: 50 logins at once (password
    # hashing, ~0.5 s of CPU each) are reported on their own, not mixed into the pages.
    started = time.time()
    while len(logged_in) < args.users and time.time() - started < 600:
        gevent.sleep(0.5)
    logins = env.stats.get(LOGIN, "POST")
    login_figures = {"requests": logins.num_requests, "seconds_until_all_logged_in":
                     round(time.time() - started, 1),
                     "p50_ms": logins.get_response_time_percentile(0.5),
                     "p95_ms": logins.get_response_time_percentile(0.95)}
    env.stats.reset_all()
    gevent.spawn_later(args.minutes * 60, runner.quit)
    runner.greenlet.join()
    report = summarise(env.stats, args.minutes * 60)
    report["login"] = login_figures
    return report


def summarise(stats, seconds: float) -> dict:
    pages = {}
    five_xx = 0
    for (name, method), entry in sorted(stats.entries.items()):
        errors = [e for e in stats.errors.values() if e.name == name and e.method == method]
        server_errors = sum(e.occurrences for e in errors if re.search(r"\b5\d\d\b", str(e.error)))
        five_xx += server_errors
        pages[f"{method} {name}"] = {
            "requests": entry.num_requests, "failures": entry.num_failures,
            "5xx": server_errors, "rps": round(entry.num_requests / seconds, 2),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99)}
    # Overall without the roll download (reported on its own) and the logins.
    from locust.stats import StatsEntry

    overall = StatsEntry(stats, "overall", "")
    for (name, _method), entry in stats.entries.items():
        if name not in (ROLL, LOGIN):
            overall.extend(entry)
    return {"pages": pages, "5xx": five_xx, "overall": {
        "requests": overall.num_requests, "rps": round(overall.num_requests / seconds, 2),
        "p50_ms": overall.get_response_time_percentile(0.5),
        "p95_ms": overall.get_response_time_percentile(0.95),
        "p99_ms": overall.get_response_time_percentile(0.99),
        "failures": overall.num_failures}}


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.database_url:  # `make bench` without a PostgreSQL bench database
        print("skipped: needs --database-url (or BENCH_DATABASE_URL) of a PostgreSQL bench database")
        return 0
    if not args.database_url.startswith(("postgres", "postgresql")) or "bench" not in args.database_url:
        print("needs --database-url postgres:///<bench database with the scale data>",
              file=sys.stderr)
        return 2
    env = server_env(args)
    if args.phase == "accounts":
        os.environ.update(env)
        print(json.dumps(accounts(args.users), ensure_ascii=False))
        return 0
    made = subprocess.run([sys.executable, __file__, "--phase", "accounts", "--database-url",
                           args.database_url, "--redis-url", args.redis_url,
                           "--users", str(args.users)], env=env, capture_output=True, text=True)
    if made.returncode != 0:
        sys.stderr.write(made.stderr)
        return 1
    data = json.loads(made.stdout.strip().splitlines()[-1])
    web, worker = start_servers(args, env)
    try:
        report = run_locust(args, data)
    finally:
        stop(web)
        stop(worker)
    report.update({"users": args.users, "minutes": args.minutes, "workers": args.workers})
    print(f"{'page':44} {'reqs':>6} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'5xx':>4}")
    for name, p in report["pages"].items():
        print(f"{name[:44]:44} {p['requests']:6d} {p['rps']:6.2f} {p['p50_ms']:6.0f} "
              f"{p['p95_ms']:6.0f} {p['p99_ms']:6.0f} {p['5xx']:4d}")
    o = report["overall"]
    print(f"overall (without roll download and login): {o['requests']} requests, "
          f"{o['rps']} req/s, p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms; "
          f"5xx: {report['5xx']}")
    login = report["login"]
    print(f"login storm (before the timed window): {login['requests']} logins, all in after "
          f"{login['seconds_until_all_logged_in']} s, p50 {login['p50_ms']} ms, "
          f"p95 {login['p95_ms']} ms")
    roll = report["pages"].get(f"GET {ROLL}")
    if roll:
        print(f"roll download: {roll['requests']} downloads, p50 {roll['p50_ms']} ms, "
              f"p95 {roll['p95_ms']} ms, p99 {roll['p99_ms']} ms")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0 if report["5xx"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
