"""Staff search page: any bracket form, title words, issuer, campaign, year, status on a date."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.regulations.filters import number_query
from apps.regulations.models import CleanupCampaign, NormativeDocument
from apps.regulations.own import OWN_NUMBERS

FORMS = ["衢政发〔2011〕97号", "衢政发[2011]97号", "衢政发(2011)97号", "衢政发（2011）97号",
         "衢政发 〔2011〕 97 号", "衢政发[2011]97 号"]


@pytest.mark.parametrize("typed", FORMS)
def test_every_bracket_and_spacing_form_finds_the_same_document(registry, typed):
    found = NormativeDocument.objects.filter(number_query(typed))
    assert [d.number for d in found] == ["衢政发〔2011〕97号"]


def test_a_partial_number_matches_as_a_fragment(registry):
    found = {d.number for d in NormativeDocument.objects.filter(number_query("衢环函 2018"))}
    assert found == {"衢环函〔2018〕92号"}


@pytest.fixture
def staff_client(client, make_staff):
    client.force_login(make_staff("scjg", "市场监管"))
    return client


def _rows(response) -> list[str]:
    return [doc.number for doc, _ in response.context["rows"]]


def test_search_by_spaced_bracket_form_shows_status_and_act(registry, staff_client):
    response = staff_client.get(reverse("regulations:search"),
                                {"number": "衢环发 [2013] 93 号", "as_of": "2021-07-01"})
    assert response.status_code == 200
    assert _rows(response) == ["衢环发〔2013〕93号"]
    html = response.content.decode()
    assert "失效" in html and "2021-07-01" in html and "修改期满未重新公布" in html


def test_search_by_title_words_issuer_campaign_and_year(registry, staff_client):
    url = reverse("regulations:search")
    assert _rows(staff_client.get(url, {"q": "大商贸 细则"})) == ["衢市监综〔2020〕9号"]
    ecology = CleanupCampaign.objects.get(number="衢环发〔2020〕66号")
    assert len(_rows(staff_client.get(url, {"campaign": ecology.pk}))) == 57
    rows = _rows(staff_client.get(url, {"campaign": ecology.pk, "year": "2018"}))
    assert "衢环发〔2018〕153号" in rows and all("〔2018〕" in n for n in rows)
    issuer = NormativeDocument.objects.get(number="衢政发〔2011〕97号").issuer
    rows = _rows(staff_client.get(url, {"issuer": issuer.pk}))
    # Besides the registry's 97号, the seed's own two documents 衢州市人民政府 signed
    # (regulations.own, issue 15 §8): 衢政发〔2020〕16号 and 衢政通〔2020〕1号.
    assert [n for n in rows if n not in OWN_NUMBERS] == ["衢政发〔2011〕97号"]
    assert {n for n in rows if n in OWN_NUMBERS} == {"衢政发〔2020〕16号", "衢政通〔2020〕1号"}


def test_status_on_a_chosen_date(registry, staff_client):
    url = reverse("regulations:search")
    ecology = CleanupCampaign.objects.get(number="衢环发〔2020〕66号")
    before = _rows(staff_client.get(url, {"campaign": ecology.pk, "status": "invalid",
                                          "as_of": "2020-07-31"}))
    assert before == []
    on = _rows(staff_client.get(url, {"campaign": ecology.pk, "status": "invalid",
                                      "as_of": "2020-08-01"}))
    assert len(on) == 22
    lapsed = _rows(staff_client.get(url, {"campaign": ecology.pk, "status": "invalid",
                                          "as_of": "2021-07-01"}))
    assert len(lapsed) == 25
    revise = _rows(staff_client.get(url, {"status": "to_revise", "as_of": "2021-06-30"}))
    assert len(revise) == 3


def test_text_that_is_not_a_number_is_refused_with_a_message(registry, staff_client):
    response = staff_client.get(reverse("regulations:search"), {"number": "/"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "不是文号" in response.content.decode()


def test_timeline_page_shows_each_change(registry, staff_client):
    doc = NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    response = staff_client.get(reverse("regulations:detail", args=[doc.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "衢政办发〔2020〕20号" in html and "2020-06-09" in html and "废止" in html


def test_search_page_requires_login_and_permission(registry, client, make_staff):
    url = reverse("regulations:search")
    assert client.get(url).status_code == 302
    client.force_login(make_staff("nogroup"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("year", ["0", "-5", "10000", "2020.5"])
def test_a_year_outside_the_calendar_is_a_form_error_not_a_500(registry, staff_client, year):
    """Year 0 used to reach the date lookup (``date__year=0``) and raise ValueError."""
    response = staff_client.get(reverse("regulations:search"), {"year": year})
    assert response.status_code == 200
    assert "年份" in response.content.decode() and response.context["rows"] == []
