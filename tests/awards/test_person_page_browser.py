"""Browser: staff open a person's page from the people search and see honours and posts."""

import pytest

from apps.awards.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_person_page_in_the_browser(live_server, imported_gazette, admin_login, renshe_user):
    page = admin_login(renshe_user)
    page.goto(f"{live_server.url}/awards/people/?q=柴东剑")
    page.click("#people a")
    page.wait_for_selector("#honours")
    assert page.inner_text("#person-name") == "柴东剑"
    rows = page.locator("#honours tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert "衢政发〔2020〕13号" in rows[0] and "个人三等功" in rows[0] and "市人民医院" in rows[0]
    assert "衢政发〔2020〕14号" in rows[1] and "个人二等功" in rows[1]

    tao = Person.objects.get(name="陶乐")
    page.goto(f"{live_server.url}/awards/people/{tao.pk}/")
    posts = page.locator("#posts tbody tr").all_inner_texts()
    assert "秘书处副处长" in posts[0] and "2021-06-27" in posts[0] and "现任" in posts[0]
    assert "四级主任科员" in posts[1] and "此前任职未在记录中" in posts[1]
