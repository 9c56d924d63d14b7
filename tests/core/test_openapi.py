"""Issue 14 §6: /api/ on django-ninja — ``/api/openapi.json`` describes every endpoint the URL
resolver serves under /api/, ``/api/docs`` works under the CSP (static files, no CDN, no
inline script), and errors keep the API's own shape (400 ``{"error", "parameter"}``, never a
framework's 422/``detail``)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.core.models import ApiToken
from apps.regulations.models import Status

OWN = {"api/openapi.json", "api/docs"}  # the description itself


def _api_routes(patterns=None, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("api/") or route == "":
                found += _api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            found.append((route, pattern.callback))
    return found


def _schema_path(route: str) -> str:
    """``api/awards/decisions/<str:number>`` → ``/api/awards/decisions/{number}``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@pytest.fixture
def schema(admin_client):
    response = admin_client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return response.json()


def test_every_api_route_is_in_the_schema(schema):
    routes = {route for route, _ in _api_routes()} - OWN
    assert len(routes) >= 17  # whoami … grants/calc: a walk that finds nothing must fail
    missing = sorted(r for r in routes if _schema_path(r) not in schema["paths"])
    assert missing == [], (
        "API endpoints missing from /api/openapi.json (an old-style api_view endpoint? convert "
        f"it to ApiRouter, README “Adding an API endpoint”): {missing}")
    assert sorted(schema["paths"]) == sorted(_schema_path(r) for r in routes)


def test_each_operation_documents_its_errors_auth_and_typed_parameters(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            assert {"200", "400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
            assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], path
    # Typed parameters: a date is a date, a bounded number carries its bounds, a choice its values.
    by_name = {p["name"]: p for p in schema["paths"]["/api/regulations/documents"]["get"]["parameters"]}
    assert _flat(by_name["as_of"]["schema"])["format"] == "date"
    assert (_flat(by_name["limit"]["schema"])["minimum"], _flat(by_name["limit"]["schema"])["maximum"]) == (1, 500)
    assert _flat(by_name["status"]["schema"])["enum"] == Status.values
    calc = {p["name"]: p for p in schema["paths"]["/api/grants/calc"]["get"]["parameters"]}
    assert calc["item"]["required"] is True and calc["amount"]["required"] is False
    # POST form fields keep resident ID numbers out of URLs (issue 11 §4): both are described.
    assert set(schema["paths"]["/api/doctors/standing"]) == {"get", "post"}
    assert "application/x-www-form-urlencoded" in \
        schema["paths"]["/api/doctors/standing"]["post"]["requestBody"]["content"]
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and set(error["properties"]) == {"error", "parameter"}


def _flat(node: dict) -> dict:
    """A parameter's schema without the ``anyOf: [..., null]`` of an optional one."""
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return option
    return node


def test_schema_and_docs_need_staff_or_a_token(client, minzheng_user):
    for path in ("/api/openapi.json", "/api/docs"):
        response = client.get(path)
        assert response.status_code == 401 and "登录" in response.json()["error"], path
    _, key = ApiToken.issue(user=minzheng_user, name="结算系统", apps=["subsidies"])
    response = client.get("/api/openapi.json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and "/api/whoami" in response.json()["paths"]
    assert client.get("/api/openapi.json", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_docs_page_uses_static_files_only_and_no_inline_script(admin_client):
    response = admin_client.get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", body, flags=re.S)
    assert [attrs.strip() for attrs, _ in scripts] == [
        'src="/static/ninja/swagger-ui-bundle.js"', 'src="/static/qzgov-api-docs.js"']
    assert all(not text.strip() for _, text in scripts), "inline script"
    assert "http://" not in body and "https://" not in body and "//cdn" not in body
    assert 'data-openapi-url="/api/openapi.json"' in body
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_bad_and_missing_parameters_are_400_naming_them_never_422(admin_client):
    cases = [
        ("/api/grants/items", {}, "project_year", "不能为空"),                 # required, absent
        ("/api/grants/items", {"project_year": "二〇二〇"}, "project_year", "应为整数"),
        ("/api/regulations/documents", {"status": "valid"}, "status",
         "、".join(Status.values)),                                           # accepted values
        ("/api/regulations/documents", {"as_of": "2020-02-30"}, "as_of", "YYYY-MM-DD"),
        ("/api/ecology/no-penalty", {"law": "水污染防治法"}, "article", "不能为空"),
        ("/api/personnel/roster", {"organisation": "  "}, "organisation", "不能为空"),
        ("/api/doctors/standing", {"doctor": "x"}, "date", "不能为空"),
    ]
    for path, query, name, words in cases:
        response = admin_client.get(path, query)
        body = response.json()
        assert response.status_code == 400, (path, query, body)
        assert "detail" not in body and body["parameter"] == name, (path, body)
        assert name in body["error"] and words in body["error"], (path, body)


@pytest.mark.django_db
def test_a_method_the_endpoint_does_not_take_is_json_405(admin_client):
    response = admin_client.post("/api/awards/honours", {"person": "柴东剑"})
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert json.loads(response.content)["error"].startswith("不支持的请求方法")


def test_a_read_only_token_cannot_post_and_a_token_keeps_its_scope(client, yibao_user, minzheng_user):
    _, key = ApiToken.issue(user=yibao_user, name="结算系统")
    response = client.post("/api/doctors/standing", {"doctor": "x", "date": "2020-10-01"},
                           HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403 and "只能读取" in response.json()["error"]
    _, key = ApiToken.issue(user=minzheng_user, name="结算系统", apps=["subsidies"])
    response = client.get("/api/grants/items", {"project_year": "2020"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403 and "grants" in response.json()["error"]
