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


def test_search_page_over_an_estimate_pages_honestly(registry, client, make_staff, monkeypatch):
    """An estimated total ("约") that is too high: "next" only while documents remain, the
    last page's total exact, a page past the end answered with the last page and a note
    (issue 13 §1). 衢环发〔2020〕66号 lists 57 documents: pages of 20 end at page 3 (17)."""
    from apps.core import paging

    monkeypatch.setattr(views, "PAGE_SIZE", 20)
    monkeypatch.setattr(paging, "estimated_count", lambda queryset: 10_000)
    client.force_login(make_staff("scjg", "市场监管"))
    ecology = CleanupCampaign.objects.get(number=ECOLOGY)
    url = reverse("regulations:search")
    first = client.get(url, {"campaign": ecology.pk})
    html = first.content.decode()
    assert '约 <span id="total">10000</span>' in html and "下一页" in html
    doc, standing = first.context["rows"][0]
    assert (f'<a class="doc-link" href="/regulations/documents/{doc.pk}/?as_of='
            f'{first.context["on"].isoformat()}">{doc.number}</a>') in html
    assert f'<td class="status">{standing.label}</td>' in html
    past = client.get(url, {"campaign": ecology.pk, "page": 9})
    html = past.content.decode()
    assert past.context["page"].number == 3 and len(past.context["rows"]) == 17
    assert "第 9 页超出实际结果,显示最后一页(第 3 页)" in html
    assert '<span id="total">57</span>' in html and "约" not in html and "下一页" not in html
    # A full page with nothing after it: the count is settled and no "next" link is shown.
    monkeypatch.setattr(views, "PAGE_SIZE", 19)
    third = client.get(url, {"campaign": ecology.pk, "page": 3})
    assert len(third.context["rows"]) == 19 and not third.context["page"].has_next()
    assert third.context["page"].paginator.count == 57
