"""Issue 10 §15: bad parameters never give a 500. Random, boundary and malformed values go
to every parameter of every staff page and API (the routes of the permission matrix); the
answer is a 2xx/3xx, a 400 with a message, or a 404 — JSON on the API."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permission_matrix import URLS, _routes

BOUNDARY = [
    "", " ", "0", "-1", "1", "2147483648", "99999999999999999999", "1e9", "NaN", "１２",
    "2020-02-30", "2020-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "2020-06", "2020/6",
    "\x00", "a\x00b", "<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>",
    "%00", "../../etc/passwd", "衢政发〔2020〕13号", "x" * 3000, "330802198001011234",
]
VALUES = st.one_of(st.sampled_from(BOUNDARY), st.text(max_size=40))

# Query parameters each route reads (a route not listed here reads none).
QUERY = {
    "api/awards/honours": ["person", "unit"],
    "api/personnel/roster": ["organisation", "as_of"],
    "api/personnel/duties": ["office"],
    "api/regulations/documents": ["number", "q", "campaign", "status", "as_of", "limit", "offset"],
    "api/doctors/payability": ["doctor", "institution", "date", "emergency"],
    "api/doctors/standing": ["doctor", "date"],
    "regulations/": ["number", "q", "status", "as_of", "campaign", "issuer", "year", "page"],
    "regulations/documents/<int:pk>/": ["as_of"],
    "awards/": ["year", "award", "unit"],
    "awards/people/": ["q"],
    "awards/export.xlsx": ["year", "award", "unit"],
    "personnel/roster/": ["organisation", "post", "as_of"],
    "subsidies/runs/<str:month>/roll.csv": ["sequence", "region", "department"],
    "subsidies/runs/<str:month>/roll.xlsx": ["sequence", "region", "department"],
    "subsidies/runs/<str:month>/report.xlsx": ["sequence"],
}
# Path parameters that take free text (int and uuid converters refuse anything else with 404).
PATH_TEXT = {
    "api/awards/decisions/<str:number>": "/api/awards/decisions/{}",
    "api/subsidies/runs/<str:month>/summary": "/api/subsidies/runs/{}/summary",
    "subsidies/runs/<str:month>/": "/subsidies/runs/{}/",
}
GET_ROUTES = sorted(r for r in URLS if r != "subsidies/jobs/run/")


def test_every_route_is_swept():
    assert set(_routes()) - set(URLS) == set()


def _check(response, path: str) -> None:
    assert response.status_code < 500, f"{path} → {response.status_code}"
    if path.startswith("/api/") and response.status_code >= 400:
        body = json.loads(response.content)
        assert body.get("error"), body


@pytest.mark.parametrize("route", GET_ROUTES)
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_parameter_gives_a_server_error(route, data, admin_client):
    path = URLS[route][0].split("?")[0]
    if route in PATH_TEXT:
        segment = data.draw(VALUES.filter(lambda v: "/" not in v and "?" not in v and "#" not in v))
        from urllib.parse import quote

        path = PATH_TEXT[route].format(quote(segment, safe="") or "x")
    names = QUERY.get(route, [])
    query = {name: data.draw(VALUES) for name in names if data.draw(st.booleans())}
    _check(admin_client.get(path, query), path)


@pytest.mark.django_db
def test_start_run_with_bad_months_is_a_message_not_an_error(admin_client):
    for month in BOUNDARY:
        response = admin_client.post("/subsidies/jobs/run/", {"month": month, "next": "//evil.example"})
        assert response.status_code == 302
        assert not response["Location"].startswith("//evil")


@pytest.mark.django_db
def test_unknown_api_paths_and_records_are_json_404(admin_client):
    for path in ("/api/nowhere", "/api/subsidies/jobs/not-a-uuid",
                 "/api/subsidies/runs/2020-06/summary"):
        response = admin_client.get(path)
        assert response.status_code == 404, path
        assert json.loads(response.content)["error"]


PAYLOADS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", GET_ROUTES)
def test_no_payload_comes_back_unescaped(route, admin_client):
    """Issue 11 §1: script-breaking values in any parameter never come back as markup; JSON
    answers are served as JSON (never sniffed as HTML)."""
    from urllib.parse import quote

    base = URLS[route][0].split("?")[0]
    for payload in PAYLOADS:
        paths = [PATH_TEXT[route].format(quote(payload, safe=""))] if route in PATH_TEXT else []
        paths.append(base)
        for path in paths:
            query = {name: payload for name in QUERY.get(route, [])}
            response = admin_client.get(path, query)
            body = response.content.decode("utf-8", "replace")
            kind = response.get("Content-Type", "")
            assert "script-src 'self'" in response["Content-Security-Policy"], path
            if kind.startswith("text/html"):
                assert payload not in body, f"{path} echoes {payload!r} unescaped"
            elif path.startswith("/api/"):
                assert kind.startswith("application/json"), f"{path} answers {kind}"


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client, admin_client):
    """Issue 11 §1: a strict CSP (no inline script), nosniff, referrer and opener policies."""
    for response in (client.get("/admin/login/"), admin_client.get("/admin/"),
                     admin_client.get("/regulations/"), admin_client.get("/api/whoami"),
                     client.get("/api/whoami")):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_a_nul_character_is_a_400_everywhere(admin_client):
    """PostgreSQL refuses NUL in any text: the request is refused before a lookup or the
    superuser audit entry could fail on it."""
    for path, query in (("/api/personnel/roster", {"organisation": "a\x00b"}),
                        ("/api/awards/decisions/%00", {}),
                        ("/subsidies/runs/2020-06%00/", {}),
                        ("/awards/people/", {"q": "\x00"})):
        response = admin_client.get(path, query)
        assert response.status_code == 400, path
        if path.startswith("/api/"):
            assert json.loads(response.content)["error"]
