"""Browser (issue 12 §11): a 市府办 officer works from the 工作页面 links without leaving the
admin frame — finds a document by its number typed with each bracket variant staff use and
opens its timeline, opens a person's honours and posts, and the roster of an office."""

import pytest

from apps.awards.models import Person

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def in_frame(page) -> None:
    assert page.inner_text("#site-name") == "衢州市人民政府 业务管理后台"
    assert page.locator("#logout-form button").is_visible()
    assert page.locator("#nav-sidebar #staff-pages-nav").count() == 1
    assert page.locator("h1").count() == 1
    assert page.locator(".breadcrumbs a[href='/admin/']").inner_text() == "首页"


def test_registry_person_and_roster_inside_the_frame(imported_gazette, make_staff, admin_login,
                                                     live_server, page):
    admin_login(make_staff("b-sfb", "市府办"))

    # 衢政办发〔2020〕20号 (GB/T 9704 uses 〔〕) as staff type it: [], full-width （）, with spaces.
    page.click("#staff-pages a:has-text('规范性文件查询')")
    page.wait_for_url(f"{live_server.url}/regulations/")
    in_frame(page)
    for typed in ["衢政办发（2020）20号", "衢政办发 〔2020〕 20 号", "衢政办发[2020]20号"]:
        page.fill("#id_number", typed)
        with page.expect_navigation():  # each variant's own answer, not the previous page's
            page.click("#regulations-search input[type=submit]")
        rows = page.locator("#results tbody tr")
        assert rows.count() == 1, typed
        assert "衢政办发〔2020〕20号" in rows.first.inner_text(), typed
    page.click("#results a.doc-link")
    page.wait_for_selector("#timeline")
    in_frame(page)
    assert page.inner_text("#doc-title").startswith("衢政办发〔2020〕20号")
    assert "规范性文件查询" in page.inner_text(".breadcrumbs")
    assert page.locator("#timeline tbody tr").count() >= 1

    # A person's honours (衢政发〔2020〕13号 个人三等功, 14号 个人二等功), from the sidebar.
    page.click("#staff-pages-nav a:has-text('人员查询')")
    in_frame(page)
    page.fill("input[name=q]", "柴东剑")
    page.click("input[type=submit][value='查询']")
    page.click("#people a")
    page.wait_for_selector("#honours")
    in_frame(page)
    assert page.inner_text("#person-name") == "柴东剑"
    honours = page.locator("#honours tbody tr").all_inner_texts()
    assert len(honours) == 2
    assert "衢政发〔2020〕13号" in honours[0] and "个人三等功" in honours[0] and "市人民医院" in honours[0]
    assert "衢政发〔2020〕14号" in honours[1] and "个人二等功" in honours[1]

    # A person's posts: the current one, and the earlier one the gazette implies.
    page.goto(f"{live_server.url}/awards/people/{Person.objects.get(name='陶乐').pk}/")
    in_frame(page)
    posts = page.locator("#posts tbody tr").all_inner_texts()
    assert "秘书处副处长" in posts[0] and "2021-06-27" in posts[0] and "现任" in posts[0]
    assert "四级主任科员" in posts[1] and "此前任职未在记录中" in posts[1]

    # The roster of 衢州市供销合作社联合社 on 2020-08-01 (衢政干〔2020〕9号).
    page.click("#staff-pages-nav a:has-text('在任名册')")
    in_frame(page)
    page.fill("input[name=organisation]", "衢州市供销合作社联合社")
    page.fill("input[name=as_of]", "2020-08-01")
    page.click("input[type=submit][value='查询']")
    page.wait_for_selector("#roster")
    in_frame(page)
    roster = page.inner_text("#roster")
    assert "理事会主任" in roster and "汪宗德" in roster
    page.click("#roster a:has-text('汪宗德')")
    page.wait_for_selector("#person-record")
    in_frame(page)
    assert page.inner_text("#person-name") == "汪宗德"
