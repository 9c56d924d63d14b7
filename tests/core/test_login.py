import pytest


@pytest.mark.django_db
def test_account_locks_after_five_failed_logins(client, make_staff):
    make_staff("lockme", "民政", password="correct-horse-battery")
    for _ in range(5):
        response = client.post("/admin/login/?next=/admin/", {"username": "lockme", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "lockme", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, make_staff):
    make_staff("careful", "民政", password="correct-horse-battery")
    for _ in range(4):
        client.post("/admin/login/?next=/admin/", {"username": "careful", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "careful", "password": "correct-horse-battery"})
    assert response.status_code == 302


def test_admin_index_is_chinese(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "衢州市人民政府" in page
    # Our index title, not Django's default 站点管理 (issue 14 §8: one of two words passed)
    assert "业务管理" in page and "站点管理" not in page


@pytest.mark.django_db
def test_failures_on_other_accounts_from_the_same_address_do_not_lock_this_one(client, make_staff):
    """Behind the office proxy all logins share one address: the account locks, not the IP."""
    make_staff("victim", "民政", password="correct-horse-battery")
    for n in range(6):
        client.post("/admin/login/?next=/admin/", {"username": f"nobody{n}", "password": "x"})
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "victim", "password": "correct-horse-battery"})
    assert response.status_code == 302
