"""The search page and the API page their results and give the total (issue 5 §4, §5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.regulations import views
from apps.regulations.models import CleanupCampaign

from .conftest import ECOLOGY


@pytest.fixture
def api(client, minzheng_user):
    client.force_login(minzheng_user)

    def get(**params):
        return client.get("/api/regulations/documents", params)

    return get


def test_api_pages_with_limit_and_offset_and_reports_the_total(registry, api):
    everything = api(campaign=ECOLOGY, limit=500).json()
    assert len(everything) == 57  # 衢环发〔2020〕66号: 17 + 3 + 15 + 22
    first = api(campaign=ECOLOGY, limit=20)
    assert first["X-Total-Count"] == "57" and len(first.json()) == 20
    assert 'rel="next"' in first["Link"] and "offset=20" in first["Link"]
    last = api(campaign=ECOLOGY, limit=20, offset=40)
    assert len(last.json()) == 17 and "Link" not in last
    pages = [r["number"] for o in (0, 20, 40) for r in api(campaign=ECOLOGY, limit=20, offset=o).json()]
    assert pages == [r["number"] for r in everything]


def test_api_status_filter_is_counted_before_paging(registry, api):
    # 22 declared invalid on 2020-08-01, plus the three 需修改 lapsed on 2021-07-01.
    response = api(campaign=ECOLOGY, status="invalid", as_of="2021-07-01", limit=10, offset=20)
    assert response["X-Total-Count"] == "25"
    assert len(response.json()) == 5
    assert all(r["status"] == "invalid" for r in response.json())
    assert api(campaign=ECOLOGY, status="invalid", as_of="2020-07-31")["X-Total-Count"] == "0"


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"limit": "x"},
                                    {"offset": "-1"}])
def test_api_refuses_bad_paging_with_a_message(registry, api, params):
    response = api(**params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["error"]


def test_search_page_pages_and_shows_the_total(registry, client, make_staff, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 20)
    client.force_login(make_staff("scjg", "市场监管"))
    ecology = CleanupCampaign.objects.get(number=ECOLOGY)
    url = reverse("regulations:search")
    seen = []
    for number in (1, 2, 3):
        response = client.get(url, {"campaign": ecology.pk, "page": number})
        assert response.context["page"].paginator.count == 57
        seen += [doc.number for doc, _ in response.context["rows"]]
    assert len(seen) == 57 and len(set(seen)) == 57
    html = client.get(url, {"campaign": ecology.pk}).content.decode()
    assert '<span id="total">57</span>' in html and "page=2" in html and "下一页" in html
    on_lapse = client.get(url, {"campaign": ecology.pk, "status": "invalid", "as_of": "2021-07-01",
                                "page": 2})
    assert on_lapse.context["page"].paginator.count == 25
    assert len(on_lapse.context["rows"]) == 5
    assert {standing.status for _, standing in on_lapse.context["rows"]} == {"invalid"}
