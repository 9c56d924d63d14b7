import pytest
from django.test import RequestFactory

from apps.core.api import ApiError, api_view
from apps.core.models import ApiToken


@pytest.mark.django_db
def test_unauthenticated_call_gets_json_401_not_a_login_page(client):
    response = client.get("/api/whoami")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "登录" in response.json()["error"]


def test_session_login_works(client, kecheng_user):
    client.force_login(kecheng_user)
    data = client.get("/api/whoami").json()
    assert data == {"username": "kecheng", "groups": ["民政"], "region": "330802"}


def test_token_works_and_only_its_hash_is_stored(client, minzheng_user):
    token, key = ApiToken.issue(user=minzheng_user, name="结算系统")
    assert key not in token.key_hash and token.prefix == key[:8]
    response = client.get("/api/whoami", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["username"] == "minzheng"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_or_revoked_token_is_401(client, minzheng_user):
    token, key = ApiToken.issue(user=minzheng_user, name="结算系统")
    assert client.get("/api/whoami", HTTP_AUTHORIZATION="Token nope").status_code == 401
    token.revoked = True
    token.save()
    assert client.get("/api/whoami", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


@api_view(permission="core.change_region")
def _guarded(request):
    if request.GET.get("bad"):
        raise ApiError("日期格式应为YYYY-MM-DD", status=400)
    return {"ok": True}


def test_missing_permission_is_403_json(auditor_user, shifuban_user, admin_user):
    factory = RequestFactory()
    _, key = ApiToken.issue(user=auditor_user, name="只读", apps=["tests"])
    response = _guarded(factory.get("/x", HTTP_AUTHORIZATION=f"Token {key}"))
    assert response.status_code == 403
    _, key = ApiToken.issue(user=admin_user, name="管理", apps=["tests"])
    response = _guarded(factory.get("/x?bad=1", HTTP_AUTHORIZATION=f"Token {key}"))
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
