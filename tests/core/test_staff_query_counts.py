"""Issue 12 §7 for the staff pages outside the changelists: the run page, the job page, the
registry search and timeline, the awards lists, the people search, the person page, the
roster and the doctor page run the same number of queries with 1 and with 50 rows
(``CaptureQueriesContext``). Rows come from ``tests/core/factories.py``; each case names
what grows on its page (roll lines, job errors, documents, links, recipients, people,
honours and posts, roster items, deductions on the timeline).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.subsidies import services
from tests.core import factories
from tests.core.test_query_counts import _explain


def _model(name: str):
    """A model by class name wherever it lives (Job may move between apps)."""
    return next(m for m in apps.get_models() if m.__name__ == name)


def run_page(n: int, state: dict) -> str:
    """The run page of June 2020 with ``n`` persons on the roll (the page aggregates them)."""
    run = state.get("run") or factories.make(
        "subsidies.SubsidyRun", 1, month=dt.date(2020, 6, 1), triggered=True, rate=Decimal("3.60"))[0]
    state["run"] = run
    for _ in range(n - state.get("n", 0)):
        factories.make("subsidies.RollLine", 1, run=run, beneficiary=factories.make("subsidies.Beneficiary")[0])
    services.write_run_totals(run)  # what the run service does after writing its lines
    state["n"] = n
    return "/subsidies/runs/2020-06/"


def job_page(n: int, state: dict) -> str:
    """A failed import's job page listing ``n`` bad rows."""
    job = state.get("job") or factories.make(_model("Job"), 1, status="failed")[0]
    state["job"] = job
    job.errors = [{"line": i + 2, "column": "区划代码", "message": "未知的区划代码“339999”"}
                  for i in range(n)]
    job.save(update_fields=["errors"])
    return f"/subsidies/jobs/{job.pk}/"


def registry_search(n: int, state: dict) -> str:
    """The registry search listing ``n`` documents (title 规范 matches all)."""
    factories.make("regulations.NormativeDocument", n - state.get("n", 0), title="关于规范管理的通知")
    state["n"] = n
    return "/regulations/?title=规范"


def registry_timeline(n: int, state: dict) -> str:
    """A document's timeline citing ``n`` documents it repeals or amends."""
    doc = state.get("doc") or factories.make("regulations.NormativeDocument")[0]
    state["doc"] = doc
    factories.make("regulations.DocumentLink", n - state.get("n", 0), source=doc)
    state["n"] = n
    return f"/regulations/documents/{doc.pk}/"


def awards_lists(n: int, state: dict) -> str:
    factories.make("awards.Recipient", n - state.get("n", 0), person=factories.make("awards.Person")[0])
    state["n"] = n
    return "/awards/"


def people_search(n: int, state: dict) -> str:
    factories.make("awards.Person", n - state.get("n", 0), name="同名者")
    state["n"] = n
    return "/awards/people/?q=同名者"


def person_page(n: int, state: dict) -> str:
    """A person with ``n`` honours and ``n`` appointment items (posts)."""
    person = state.get("person") or factories.make("awards.Person")[0]
    state["person"] = person
    more = n - state.get("n", 0)
    factories.make("awards.Recipient", more, person=person)
    factories.make("personnel.AppointmentItem", more, person=person, action="appoint", kind="post")
    state["n"] = n
    return f"/awards/people/{person.pk}/"


def roster(n: int, state: dict) -> str:
    """An office's roster holding ``n`` appointees."""
    org = state.get("org") or factories.make("core.Organisation", 1, name="名册测试单位")[0]
    state["org"] = org
    for _ in range(n - state.get("n", 0)):  # one person each: a later post ends a person's earlier one
        factories.make("personnel.AppointmentItem", 1, organisation=org, action="appoint", kind="post",
                       person=factories.make("awards.Person")[0])
    state["n"] = n
    # as_of far ahead: factory dates grow with every row the suite has made (2020-01-01 + n days)
    return "/personnel/roster/?organisation=名册测试单位&as_of=2199-12-31"


def doctor_page(n: int, state: dict) -> str:
    """A doctor's page whose timeline holds ``n`` deductions."""
    doctor = state.get("doctor") or factories.make("doctors.Doctor")[0]
    state["doctor"] = doctor
    factories.make("doctors.PointDeduction", n - state.get("n", 0), doctor=doctor)
    state["n"] = n
    return f"/admin/doctors/doctor/{doctor.pk}/change/"


PAGES = [run_page, job_page, registry_search, registry_timeline, awards_lists, people_search,
         person_page, roster, doctor_page]
# Pages that still grow, each with its reason (strict: a fix makes the test fail until the
# entry is removed).
GROWING: dict[str, str] = {}
# What each page shows once per row: more of it with 50 rows proves the rows are on the page.
MARKERS = {
    "run_page": "whole-persons", "job_page": "未知的区划代码“339999”", "registry_search": "关于规范管理的通知",
    "registry_timeline": "本文件", "awards_lists": "<tr", "people_search": "同名者",
    "person_page": "<tr", "roster": "<tr", "doctor_page": "扣2分",
}


def _count(client, url: str) -> tuple[int, list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [q["sql"] for q in captured.captured_queries], response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("build", [
    pytest.param(b, id=b.__name__, marks=[pytest.mark.xfail(strict=True, reason=GROWING[b.__name__])]
                 if b.__name__ in GROWING else []) for b in PAGES])
def test_staff_page_runs_the_same_queries_for_1_and_50_rows(client, make_staff, build):
    client.force_login(make_staff("qc_staff", superuser=True))
    state: dict = {}
    url = build(1, state)
    client.get(url)  # warm caches (content types, session) first
    one, one_sql, one_html = _count(client, url)
    assert build(50, state) == url
    fifty, fifty_sql, fifty_html = _count(client, url)
    marker = MARKERS[build.__name__]
    if build is run_page:  # the roll is summed, not listed: the whole run's persons
        marker = "whole-persons"
        assert '"whole-persons">1<' in one_html and '"whole-persons">50<' in fifty_html
    else:
        assert fifty_html.count(marker) > one_html.count(marker) >= 1, marker
    assert fifty == one, f"{url}: {one} → {fifty}\n{_explain(one_sql, fifty_sql)}"
