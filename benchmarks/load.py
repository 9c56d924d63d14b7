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
from typing import NamedTuple

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
    parser.add_argument("--server-cpu", type=int, default=0, metavar="ROUNDS",
                        help="no server, no locust: run every role's every action ROUNDS times "
                             "in this process and print the server CPU (Django + PostgreSQL) "
                             "per page and for the mix, and the clerks the two cores can serve")
    parser.add_argument("--phase", choices=["accounts", "cpu"], help=argparse.SUPPRESS)
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


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def accounts(users: int) -> dict:
    _setup_django()
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
    warmed = {"files": 0, "seconds": 0.0}
    if run is not None:
        # The run's county × department roll files, built as the worker builds them after a
        # run is computed or approved (``apps.subsidies.rollfiles.warm``, issue 13 §3), so the
        # timed minutes serve stored files as production does.
        from apps.subsidies import rollfiles

        started = time.monotonic()
        warmed = {"files": rollfiles.warm(run, formats=("csv",)), "seconds": round(time.monotonic() - started, 1)}
    return {"accounts": made, "people": people, "numbers": numbers, "doctors": doctors,
            "month": f"{run.month:%Y-%m}" if run else None,
            "roll": line and {"region": line["region__code"], "department": line["department"]},
            "id_sample_ok": all(resident_id.is_valid(n) for n in numbers), "warmed": warmed}


# --- the mix of actions (shared by the clerks and the CPU measurement) -------------------

# Task → weight: a clerk picks its next action with these odds (locust's @task weights).
TASKS = {"browse": 4, "search_name": 2, "search_id": 1, "detail": 2, "staff_page": 1,
         "import_preview": 1, "roll": 1}


class Step(NamedTuple):
    name: str
    method: str
    path: str
    params: dict
    files: dict | None = None


def _lists(role: str) -> list[str]:
    if role in SUBSIDY_ROLES:
        return ["/admin/subsidies/beneficiary/", "/admin/subsidies/rollline/",
                "/admin/subsidies/enrolment/", "/admin/subsidies/subsidyrun/"]
    if role in DOCTOR_ROLES:
        return ["/admin/doctors/doctor/", "/admin/doctors/pointdeduction/",
                "/admin/doctors/agreement/"]
    return ["/admin/regulations/normativedocument/", "/admin/regulations/statusevent/"]


def _import_csv(data) -> bytes:
    return ("姓名,公民身份号码,区划代码,城乡,类别\n" + "".join(
        f"预览{n},{number},{number[:6]},城镇,低保\n" for n, number in enumerate(data["numbers"][:10]))
    ).encode("utf-8")


def actions(task_name: str, role: str, data: dict, rng=random) -> list[Step]:
    """The requests a clerk of ``role`` makes for one task (none where the role may not)."""
    subsidies, doctors = role in SUBSIDY_ROLES, role in DOCTOR_ROLES
    if task_name == "browse":
        url = rng.choice(_lists(role))
        return [Step(f"list {url.split('/')[2]}.{url.split('/')[3]}", "GET", url, {})]
    if task_name == "search_name":
        if subsidies and data["people"]:
            return [Step("search beneficiary name", "GET", "/admin/subsidies/beneficiary/",
                         {"q": rng.choice(data["people"])[1]})]
        if doctors and data["doctors"]:
            return [Step("search doctor name", "GET", "/admin/doctors/doctor/",
                         {"q": rng.choice(data["doctors"])[1]})]
        return [Step("search regulations", "GET", "/regulations/", {"q": "通知"})]
    if task_name == "search_id":
        if subsidies and data["numbers"]:
            return [Step("search beneficiary resident ID", "GET", "/admin/subsidies/beneficiary/",
                         {"q": rng.choice(data["numbers"])})]
        return []
    if task_name == "detail":
        if subsidies and data["people"]:
            pk = rng.choice(data["people"])[0]
            return [Step("detail beneficiary", "GET", f"/admin/subsidies/beneficiary/{pk}/change/", {})]
        if doctors and data["doctors"]:
            pk = rng.choice(data["doctors"])[0]
            return [Step("detail doctor", "GET", f"/admin/doctors/doctor/{pk}/change/", {})]
        return [Step("list regulations", "GET", "/admin/regulations/normativedocument/", {})]
    if task_name == "staff_page":
        if subsidies and data["month"]:
            return [Step("page run", "GET", f"/subsidies/runs/{data['month']}/", {}),
                    Step("api run summary", "GET", f"/api/subsidies/runs/{data['month']}/summary", {})]
        return [Step("api regulations documents", "GET", "/api/regulations/documents", {"q": "通知"})]
    if task_name == "import_preview":
        if role not in IMPORT_ROLES:
            return []
        url = "/admin/subsidies/beneficiary/import/"
        return [Step("import form", "GET", url, {}),
                Step("import preview", "POST", url, {"format": "0", "from_month": ""},
                     {"import_file": ("preview.csv", _import_csv(data), "text/csv")})]
    if task_name == "roll":
        if subsidies and data["month"] and data["roll"]:
            return [Step(ROLL, "GET", f"/subsidies/runs/{data['month']}/roll.csv", data["roll"])]
        return []
    raise ValueError(task_name)


# --- the server's CPU per request of the mix (in process, no network) -------------------


def _backend_cpu(connection) -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine; /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(data: dict, rounds: int) -> dict:
    """Each role's every action ``rounds`` times (after one warm-up) through the whole
    middleware stack as one of its load clerks (Django's test client, DEBUG=0, the garbage
    collector tuned as ``qzgov/wsgi.py`` does): per page the mean and p95 of the server's CPU
    (this process, Django + templates) plus its PostgreSQL backend's, and the query count;
    then the mix's mean CPU per request, weighted as the clerks choose (``TASKS``, roles in
    turn), and the requests per second two cores can serve against what the clerks ask."""
    import statistics

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from apps.core import gc_tuning

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    gc_tuning.tune()
    rng = random.Random(13)
    by_role: dict[str, str] = {}
    for account in data["accounts"]:
        by_role.setdefault(account["role"], account["username"])
    pages: dict[str, dict[str, list[float]]] = {}
    cost: dict[tuple[str, str], list[float]] = {}  # (role, task) → CPU ms of one action
    queries: list[str] = []

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    for role, username in by_role.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for task_name in TASKS:
            for attempt in range(rounds + 1):
                total = 0.0
                for step in actions(task_name, role, data, rng):
                    queries.clear()
                    backend = _backend_cpu(connection)
                    started = time.process_time()
                    with connection.execute_wrapper(count):
                        if step.method == "GET":
                            response = client.get(step.path, step.params, follow=True)
                        else:
                            files = {k: SimpleUploadedFile(*v) for k, v in (step.files or {}).items()}
                            response = client.post(step.path, {**step.params, **files}, follow=True)
                        if hasattr(response, "streaming_content"):
                            for _ in response.streaming_content:
                                pass
                    django_ms = (time.process_time() - started) * 1000
                    database_ms = (_backend_cpu(connection) - backend) * 1000
                    total += django_ms + database_ms
                    if attempt:
                        figures = pages.setdefault(step.name, {"django": [], "database": [],
                                                               "queries": [], "status": set()})
                        figures["django"].append(django_ms)
                        figures["database"].append(database_ms)
                        figures["queries"].append(len(queries))
                        figures["status"].add(response.status_code)
                if attempt:
                    cost.setdefault((role, task_name), []).append(total)

    def p95(values):
        ordered = sorted(values)
        return ordered[max(1, -(-95 * len(ordered) // 100)) - 1]

    report = {}
    for name, f in sorted(pages.items()):
        both = [a + b for a, b in zip(f["django"], f["database"], strict=True)]
        report[name] = {"requests": len(both), "cpu_mean_ms": round(statistics.mean(both), 1),
                        "cpu_p95_ms": round(p95(both), 1),
                        "django_mean_ms": round(statistics.mean(f["django"]), 1),
                        "database_mean_ms": round(statistics.mean(f["database"]), 1),
                        "queries": max(f["queries"]), "status": sorted(f["status"])}
    # The mix: clerks are spread over the roles in turn (accounts()), each picks a task by
    # its weight; a task may make no request (a role that may not) and still waits 1–5 s.
    roles = [a["role"] for a in data["accounts"]]
    weight = sum(TASKS.values())
    cpu_per_action = requests_per_action = 0.0
    cpu_no_roll = requests_no_roll = 0.0
    for role in roles:
        for task_name, w in TASKS.items():
            share = w / weight / len(roles)
            steps = len(actions(task_name, role, data, random.Random(0)))
            ms = statistics.mean(cost.get((role, task_name), [0.0]))
            cpu_per_action += share * ms
            requests_per_action += share * steps
            if task_name != "roll":
                cpu_no_roll += share * ms
                requests_no_roll += share * steps
    cores = os.cpu_count() or 1
    mean_wait = 3.0  # between(1, 5)
    actions_per_second = len(roles) / mean_wait  # an upper bound: no time spent waiting on answers
    return {"pages": report, "rounds": rounds, "cores": cores, "clerks": len(roles), "mix": {
        "cpu_ms_per_request": round(cpu_per_action / requests_per_action, 1),
        "cpu_ms_per_request_without_roll": round(cpu_no_roll / requests_no_roll, 1),
        "requests_per_second_asked": round(actions_per_second * requests_per_action, 1),
        "cpu_seconds_asked_per_second": round(actions_per_second * cpu_per_action / 1000, 2),
        "requests_per_second_served_by_cores": round(
            cores * 1000 * requests_per_action / cpu_per_action, 1) if cpu_per_action else None}}


def print_server_cpu(report: dict) -> None:
    print(f"{'page':34} {'reqs':>5} {'cpu mean':>9} {'cpu p95':>8} {'django':>7} {'pg':>6} {'queries':>7}")
    for name, p in report["pages"].items():
        print(f"{name[:34]:34} {p['requests']:5d} {p['cpu_mean_ms']:9.1f} {p['cpu_p95_ms']:8.1f} "
              f"{p['django_mean_ms']:7.1f} {p['database_mean_ms']:6.1f} {p['queries']:7d}  {p['status']}")
    mix = report["mix"]
    print(f"mix: {mix['cpu_ms_per_request']} ms of server CPU per request "
          f"({mix['cpu_ms_per_request_without_roll']} without the roll download); "
          f"{report['clerks']} clerks ask ≈ {mix['requests_per_second_asked']} req/s = "
          f"{mix['cpu_seconds_asked_per_second']} CPU-seconds per second; "
          f"{report['cores']} cores serve ≈ {mix['requests_per_second_served_by_cores']} req/s of this mix")


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

        def _do(self, task_name):
            page = None
            for step in actions(task_name, self.role, data):
                if step.method == "GET":
                    page = self.client.get(step.path, params=step.params, name=step.name)
                else:  # a form posted with the token of the page fetched before it
                    token = csrf_re.search(page.text) if page is not None else None
                    self.client.post(step.path, name=step.name, files=step.files, data={
                        "csrfmiddlewaretoken": token.group(1) if token else "", **step.params})

        @task(TASKS["browse"])
        def browse(self):
            self._do("browse")

        @task(TASKS["search_name"])
        def search_name(self):
            self._do("search_name")

        @task(TASKS["search_id"])
        def search_id(self):
            self._do("search_id")

        @task(TASKS["detail"])
        def detail(self):
            self._do("detail")

        @task(TASKS["staff_page"])
        def staff_page(self):
            self._do("staff_page")

        @task(TASKS["import_preview"])
        def import_preview(self):
            self._do("import_preview")

        @task(TASKS["roll"])
        def roll(self):
            self._do("roll")

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
    if args.phase == "cpu":
        os.environ.update(env)
        _setup_django()
        data = json.loads(sys.stdin.read())
        print(json.dumps(server_cpu(data, args.server_cpu), ensure_ascii=False))
        return 0
    made = subprocess.run([sys.executable, __file__, "--phase", "accounts", "--database-url",
                           args.database_url, "--redis-url", args.redis_url,
                           "--users", str(args.users)], env=env, capture_output=True, text=True)
    if made.returncode != 0:
        sys.stderr.write(made.stderr)
        return 1
    data = json.loads(made.stdout.strip().splitlines()[-1])
    print(f"roll files warmed before timing (rollfiles.warm, as the worker does after a run): "
          f"{data['warmed']['files']} built in {data['warmed']['seconds']} s")
    if args.server_cpu:
        measured = subprocess.run([sys.executable, __file__, "--phase", "cpu", "--database-url",
                                   args.database_url, "--redis-url", args.redis_url,
                                   "--server-cpu", str(args.server_cpu)], env=env, text=True,
                                  input=json.dumps(data), capture_output=True)
        if measured.returncode != 0:
            sys.stderr.write(measured.stderr)
            return 1
        report = json.loads(measured.stdout.strip().splitlines()[-1])
        print_server_cpu(report)
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
        return 0
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
