"""One frame (issue 12 §1): every staff page is an admin page — the site header, breadcrumbs,
the user tools with logout, the sidebar with the 工作页面 block, one title — and the index and
sidebar link each role to exactly the staff pages its permissions allow."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from apps.core import frame, roles

HEADER = '<div id="site-name"><a href="/admin/">衢州市人民政府 业务管理后台</a></div>'

REGISTRY = ("规范性文件查询", "/regulations/")
LISTS = ("表彰名单与统计", "/awards/")
PEOPLE = ("人员查询(表彰与任职)", "/awards/people/")
ROSTER = ("在任名册", "/personnel/roster/")
RUNS = ("价格补贴月度测算", "/subsidies/runs/")

# Each role's staff pages, in app order (the permission matrix's AWARDS, PERSONNEL,
# SUBSIDIES and REGISTRY sets); the 三员分立 administrators have no business pages.
EXPECTED = {
    "市府办": [LISTS, PEOPLE, ROSTER, REGISTRY, RUNS],
    "人社": [LISTS, PEOPLE, ROSTER, REGISTRY, RUNS],
    roles.AUDITOR: [LISTS, PEOPLE, ROSTER, REGISTRY, RUNS],
    "民政": [REGISTRY, RUNS], "退役军人": [REGISTRY, RUNS], "发改委": [REGISTRY, RUNS],
    "医保": [REGISTRY], "市场监管": [REGISTRY], "生态环境": [REGISTRY], "资源规划": [REGISTRY], "经信": [REGISTRY], "文旅": [REGISTRY],
    roles.SYSADMIN: [], roles.SECADMIN: [], roles.SECAUDITOR: [],
}


def links(html: str, block_id: str) -> list[tuple[str, str]]:
    match = re.search(rf'<div class="module staff-pages" id="{block_id}">(.*?)</div>', html, re.S)
    if match is None:
        return []
    return [(label, url) for url, label in re.findall(r'<th scope="row"><a href="([^"]+)"[^>]*>([^<]+)</a>',
                                                      match.group(1))]


def test_every_group_is_in_the_table():
    assert set(EXPECTED) == set(roles.ALL_GROUPS)


@pytest.mark.django_db
def test_each_role_sees_its_staff_pages_on_the_index_and_in_the_sidebar(client, make_staff):
    wrong = []
    for n, group in enumerate(Group.objects.filter(name__in=roles.ALL_GROUPS)):
        user = make_staff(f"frame{n}", group.name)
        client.force_login(user)
        index = client.get("/admin/").content.decode()
        got = links(index, "staff-pages")
        if got != EXPECTED[group.name]:
            wrong.append(f"{group.name} 首页: {got}")
        if EXPECTED[group.name]:
            # A staff page the role may open has the same list in its sidebar.
            _, url = EXPECTED[group.name][0]
            page = client.get(url, follow=True).content.decode()
            if links(page, "staff-pages-nav") != EXPECTED[group.name]:
                wrong.append(f"{group.name} 侧栏: {links(page, 'staff-pages-nav')}")
        for _, url in EXPECTED[group.name]:
            if client.get(url).status_code not in (200, 302):
                wrong.append(f"{group.name} 打不开 {url}")
    assert not wrong, "\n".join(wrong)


def test_declared_pages_resolve():
    assert [(p.label, p.url) for p in frame.declared_pages()] == [LISTS, PEOPLE, ROSTER, REGISTRY, RUNS]


def framed(html: str) -> list[str]:
    """What is missing from the admin frame on this page."""
    problems = []
    if HEADER not in html:
        problems.append("站点标题")
    if 'id="logout-form"' not in html:
        problems.append("退出")
    if 'id="nav-sidebar"' not in html or 'id="staff-pages-nav"' not in html:
        problems.append("侧栏")
    if '<div class="breadcrumbs"><a href="/admin/">首页</a>' not in html:
        problems.append("导航路径")
    if len(re.findall(r"<h1[ >]", html)) != 1:
        problems.append(f"{len(re.findall(r'<h1[ >]', html))} 个标题")
    if "Django" in html.split("</title>")[0]:
        problems.append("窗口标题")
    return problems


@pytest.mark.django_db
def test_every_staff_page_is_in_the_frame(client, imported_gazette, make_staff):
    from apps.awards.models import Person
    from apps.core import jobs
    from apps.regulations.models import NormativeDocument
    from apps.subsidies.models import Job

    user = make_staff("frame-su", superuser=True)
    client.force_login(user)
    job = jobs.job_start(kind=Job.Kind.IMPORT, label="补贴对象 a.csv", user=user)
    person = Person.objects.get(name="柴东剑")
    document = NormativeDocument.objects.order_by("pk").first()
    pages = {
        "/subsidies/runs/2020-06/": 200, f"/subsidies/jobs/{job.pk}/": 200,
        "/regulations/": 200, "/regulations/?number=衢政发[2020]16号": 200,
        f"/regulations/documents/{document.pk}/": 200,
        "/awards/": 200, "/awards/people/?q=柴东剑": 200, f"/awards/people/{person.pk}/": 200,
        "/personnel/roster/?organisation=市政府办公室": 200,
        "/subsidies/runs/2020-13/": 404, "/awards/people/999999/": 404, "/no-such-page/": 404,
        "/awards/?year=1800": 400,
    }
    wrong = []
    for url, status in pages.items():
        response = client.get(url)
        problems = framed(response.content.decode())
        if response.status_code != status or problems:
            wrong.append(f"{url}: {response.status_code} {problems}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_forbidden_page_is_in_the_frame(client, make_staff):
    client.force_login(make_staff("frame-yb", "医保"))
    response = client.get("/subsidies/runs/2020-06/")
    html = response.content.decode()
    assert response.status_code == 403 and "无权操作(403)" in html and not framed(html)
    assert links(html, "staff-pages-nav") == [REGISTRY]
