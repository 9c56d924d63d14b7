"""Issue 14 §6: /api/docs renders in Chromium under the site's strict CSP — Swagger UI from
static files, started by static/qzgov-api-docs.js — lists every operation of
/api/openapi.json, and “Try it out” answers with the page's own session."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_api_docs_render_every_operation_and_try_one(admin_login, live_server, make_staff, tmp_path):
    user = make_staff("mz_docs", "民政")
    page = admin_login(user)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url)
            and not r.url.startswith("data:") else None)

    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    schema = json.loads(page.evaluate(
        "fetch('/api/openapi.json').then(r => r.text())"))
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert operations >= 19
    assert page.locator(".swagger-ui .opblock").count() == operations
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("衢州市人民政府业务系统接口")

    whoami = page.locator("#operations-core-apps_core_views_whoami")
    whoami.locator(".opblock-summary").click()
    whoami.locator("button.try-out__btn").click()
    whoami.locator("button.execute").click()
    status = whoami.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert '"username": "mz_docs"' in whoami.locator(".live-responses-table .microlight").first.inner_text()
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)

    assert outside == [], f"requests outside this site (CDN?): {outside}"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
