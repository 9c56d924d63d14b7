import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_logs_in_and_sees_the_chinese_admin_index(page, live_server, make_staff, tmp_path):
    make_staff("mz_browser", "民政")
    page.goto(f"{live_server.url}/admin/")
    assert "登录" in page.content()
    page.fill("#id_username", "mz_browser")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").inner_text() == "衢州市人民政府 业务管理后台"
    assert "业务管理" in page.title()
    assert page.locator("text=基础数据").count() >= 1  # the core app's Chinese name
    page.screenshot(path=str(tmp_path / "admin-index.png"))


def test_a_wrong_password_keeps_the_login_page_in_chinese(page, live_server, make_staff):
    make_staff("mz_wrong", "民政")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "mz_wrong")
    page.fill("#id_password", "wrong-password")
    page.click("input[type=submit]")
    assert "请输入一个正确的" in page.locator(".errornote").inner_text()
