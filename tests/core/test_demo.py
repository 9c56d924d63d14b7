import re
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_seed_demo_prints_logins_that_work(client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    # The test runner forces DEBUG off; the demo command normally runs with DEBUG on.
    call_command("seed_demo", allow_production=True, stdout=out)
    text = out.getvalue()
    logins = dict(re.findall(r"^\s+(\w+)\s.*密码 (\S+)$", text, flags=re.M))
    for username in ["admin", "minzheng", "renshe", "tuiyi", "fagaiwei", "yibao", "shichang",
                     "shengtai", "shifuban", "shenji", "kecheng_minzheng"]:
        assert username in logins
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "kecheng_minzheng", "password": logins["kecheng_minzheng"]})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/api/whoami").json()["region"] == "330802"


@pytest.mark.django_db
def test_seed_demo_is_repeatable_and_never_reuses_a_hardcoded_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first, second = StringIO(), StringIO()
    call_command("seed_demo", allow_production=True, stdout=first)
    call_command("seed_demo", allow_production=True, stdout=second)
    pw = re.compile(r"admin\s.*密码 (\S+)")
    assert pw.search(first.getvalue())[1] != pw.search(second.getvalue())[1]


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("seed_demo", stdout=StringIO())
